package dev.restoreguard.producers.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.net.IpAddresses;
import dev.restoreguard.events.net.Names;
import java.util.List;
import java.util.stream.Collectors;

/** Invariants every parsed hosts file keeps, shared by the property and fuzz tests. */
final class HostsFileProperties {

    private HostsFileProperties() {
    }

    /** One line per entry, {@code address name...}: what the entries say, without the junk. */
    static String render(final ParsedHostsFile parsed) {
        return parsed.entries().stream().map(e -> e.address() + " " + String.join(" ", e.names()))
                .collect(Collectors.joining("\n", "", "\n"));
    }

    static void assertInvariants(final HostsFileParser parser, final ParsedHostsFile parsed) {
        for (HostsEntry e : parsed.entries()) {
            assertThat(IpAddresses.normalize(e.address())).as("canonical address").hasValue(e.address());
            for (String name : e.names()) {
                assertThat(Names.normalize(name)).as("normalized name").isEqualTo(name);
            }
        }
        if (parsed.truncated()) {
            return; // the rendered text of a cut file is not the file
        }
        final ParsedHostsFile again = new HostsFileParser().parse(render(parsed));
        assertThat(strip(again.entries())).as("parse(render(parse(x))) == parse(x)").isEqualTo(strip(parsed.entries()));
        assertThat(again.ignored()).isEmpty();
    }

    /** Entries without line numbers (rendering drops junk lines, so numbers move). */
    private static List<List<String>> strip(final List<HostsEntry> entries) {
        return entries.stream().map(e -> {
            final List<String> row = new java.util.ArrayList<>();
            row.add(e.address());
            row.addAll(e.names());
            return row;
        }).toList();
    }
}
