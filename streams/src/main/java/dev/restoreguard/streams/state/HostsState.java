package dev.restoreguard.streams.state;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An observer's hosts file as the resolver sees it at one moment: for every normalized name, the
 * first valid entry (operating-system semantics, after RestoreGuard's name normalization). Kept
 * per observer in a versioned store so a restore is judged against the file as it was.
 *
 * @param eventId    the snapshot's event id
 * @param at         the snapshot's event time
 * @param path       the file
 * @param writer     who wrote it, or {@code unknown}
 * @param firstEntry normalized name to its effective entry
 */
public record HostsState(String eventId, Instant at, String path, String writer, Map<String, Entry> firstEntry) {

    public HostsState {
        firstEntry = firstEntry == null ? Map.of() : new LinkedHashMap<>(firstEntry);
    }

    /** The entry a name resolves through: its canonical address and 1-based line number. */
    public record Entry(String address, int line) {
    }
}
