package dev.restoreguard.events.hosts;

import static dev.restoreguard.events.EventValidationException.require;

import dev.restoreguard.events.EventPayload;
import java.util.List;

/**
 * A snapshot of an observer's hosts file, as parsed by the hosts-file collector: every valid
 * entry in file order (the engine applies the operating system's first-entry-wins rule after
 * name normalization), the lines that were ignored and why, and the diff against the previous
 * snapshot. Published on {@code restoreguard.hosts.snapshots}, keyed by observer.
 *
 * @param path      the file watched, as the collector saw it
 * @param content   the full text (for forensics; may be omitted above the collector's cap)
 * @param entries   valid entries: line number, canonical address, names as written (lower-case)
 * @param ignored   lines that are neither blank nor comments and were not entries
 * @param sha256    hex SHA-256 of the raw file bytes
 * @param sizeBytes raw size in bytes
 * @param truncated whether the parser stopped at its size cap
 * @param baseline  the first snapshot a collector publishes for this file
 * @param diff      changes since the previous snapshot (null for a baseline)
 * @param writer    who and which process wrote the file (from auditd), or {@code unknown}
 */
public record HostsSnapshot(
        String path,
        String content,
        List<Entry> entries,
        List<Ignored> ignored,
        String sha256,
        long sizeBytes,
        boolean truncated,
        boolean baseline,
        Diff diff,
        String writer) implements EventPayload {

    public static final String KIND = "hosts_file";

    public HostsSnapshot {
        require("hosts_file.path", path);
        entries = entries == null ? List.of() : List.copyOf(entries);
        ignored = ignored == null ? List.of() : List.copyOf(ignored);
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** A valid hosts entry: an address followed by names. */
    public record Entry(int line, String address, List<String> names) {
        public Entry {
            require("hosts_file.entries.address", address);
            names = List.copyOf(require("hosts_file.entries.names", names));
        }
    }

    /** A line the parser ignored, as the OS would, with the reason. */
    public record Ignored(int line, String reason, String excerpt) {
    }

    /** The change since the previous snapshot of the same file. */
    public record Diff(List<Change> added, List<Change> removed, List<Change> changed, String sha256Before) {
        public Diff {
            added = added == null ? List.of() : List.copyOf(added);
            removed = removed == null ? List.of() : List.copyOf(removed);
            changed = changed == null ? List.of() : List.copyOf(changed);
        }
    }

    /** One name whose effective entry appeared, disappeared or moved to another address. */
    public record Change(String name, String beforeAddress, String afterAddress, Integer beforeLine, Integer afterLine) {
    }
}
