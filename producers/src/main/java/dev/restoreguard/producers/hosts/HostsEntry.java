package dev.restoreguard.producers.hosts;

import java.util.List;
import java.util.Objects;

/**
 * One valid line of a hosts file: an address followed by the names it maps.
 *
 * @param line 1-based line number in the file
 * @param address canonical address ({@link dev.restoreguard.events.net.IpAddresses#normalize}: an
 *     IPv6 zone id is dropped)
 * @param names the valid names of the line in file order, as written but lower-cased and with one
 *     trailing dot stripped; never empty. Not qualified with the observer's suffix: that happens
 *     in {@link HostsFileParser#firstEntries}
 */
public record HostsEntry(int line, String address, List<String> names) {

    /** Copies {@code names} so the entry is immutable. */
    public HostsEntry {
        Objects.requireNonNull(address, "address");
        names = List.copyOf(names);
        if (names.isEmpty()) {
            throw new IllegalArgumentException("line " + line + ": a hosts entry needs at least one name");
        }
    }
}
