package dev.restoreguard.streams.state;

import java.time.Instant;
import java.util.List;

/**
 * One change to the reference data, as tasks see it: which kind, at which event time, and which
 * names it may affect ({@code *} for all, as an inventory change does).
 *
 * @param offset offset of the change on the reference topic (the journal's order)
 * @param kind   {@code dns_record}, {@code approval} or {@code inventory}
 * @param at     event time of the change
 * @param names  normalized names whose resolution the change may alter
 * @param eventId the change's event id
 */
public record JournalEntry(long offset, String kind, Instant at, List<String> names, String eventId) {

    public static final String ALL = "*";

    public JournalEntry {
        names = names == null ? List.of() : List.copyOf(names);
    }

    public boolean affectsAll() {
        return names.contains(ALL);
    }
}
