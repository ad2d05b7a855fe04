package dev.restoreguard.producers.hosts;

import java.util.List;

/**
 * What changed between two snapshots of one observer's hosts file, per normalized name and as the
 * resolver sees it: only the first entry of each name counts, so a later duplicate line that the
 * resolver never uses does not show up here.
 *
 * @param added names that have an entry now and had none before, in the new file's order
 * @param removed names that had an entry before and have none now, in the old file's order
 * @param changed names whose first entry now maps to a different address, in the new file's order
 *     (an entry that only moved to another line, same address, is no change)
 */
public record HostsDiff(List<Change> added, List<Change> removed, List<Change> changed) {

    /** Copies the lists so the diff is immutable. */
    public HostsDiff {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        changed = List.copyOf(changed);
    }

    /** Whether nothing changed. */
    public boolean isEmpty() {
        return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
    }

    /**
     * The change of one name.
     *
     * @param name the normalized name ({@link dev.restoreguard.events.net.Names#normalize(String, String)})
     * @param beforeAddress its address before, {@code null} when added
     * @param afterAddress its address now, {@code null} when removed
     * @param beforeLine line of the old entry, 0 when added
     * @param afterLine line of the new entry, 0 when removed
     */
    public record Change(String name, String beforeAddress, String afterAddress, int beforeLine, int afterLine) {}
}
