package dev.restoreguard.streams.processor;

import dev.restoreguard.events.restore.RestoreEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Every record seen of one restore session, in arrival order. The session's restore time is the
 * event time of its start record, else of its earliest record.
 *
 * @param product   product (subject part)
 * @param sessionId session id (subject part)
 * @param observer  normalized observer
 * @param records   the session's records
 */
public record RestoreSession(String product, String sessionId, String observer, List<SessionRecord> records) {

    public RestoreSession {
        records = records == null ? List.of() : List.copyOf(records);
    }

    /** One record of the session. */
    public record SessionRecord(String eventId, Instant at, String state, String target, String initiator,
                                String database, String job, String reason, String taskStatus, Integer result,
                                boolean late) {
        static SessionRecord of(final String eventId, final Instant at, final RestoreEvent e, final boolean late) {
            return new SessionRecord(eventId, at, e.state(), e.target(), e.initiator(), e.database(), e.job(),
                    e.reason(), e.taskStatus(), e.result(), late);
        }
    }

    public String subject() {
        return "restore:" + product + ":" + sessionId;
    }

    public RestoreSession with(final SessionRecord record) {
        if (records.stream().anyMatch(r -> r.eventId().equals(record.eventId()))) {
            return this; // a re-sent record (same deterministic id) adds nothing
        }
        final List<SessionRecord> all = new ArrayList<>(records);
        all.add(record);
        return new RestoreSession(product, sessionId, observer, all);
    }

    /** Event time of the start record, else of the earliest record. */
    public Instant restoreTime() {
        return records.stream().filter(r -> "started".equals(r.state())).map(SessionRecord::at)
                .min(Comparator.naturalOrder())
                .orElseGet(() -> records.stream().map(SessionRecord::at).min(Comparator.naturalOrder()).orElseThrow());
    }

    /** Distinct targets named by any record, in arrival order. */
    public List<String> targets() {
        final Set<String> targets = new LinkedHashSet<>();
        records.forEach(r -> {
            if (r.target() != null) {
                targets.add(r.target());
            }
        });
        return List.copyOf(targets);
    }

    /** The first initiator named. */
    public String initiator() {
        return records.stream().map(SessionRecord::initiator).filter(i -> i != null && !i.isBlank()).findFirst()
                .orElse(null);
    }
}
