package dev.restoreguard.producers.inventory;

import dev.restoreguard.producers.testing.Mutations;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** jqwik: mutated inventories, generated well-formed ones (which must round-trip) and arbitrary text. */
class InventoryLoaderPropertiesTest {

    @Property(tries = 500)
    void shouldLoadMutatedInventories(@ForAll("mutated") final String yaml) {
        InventoryLoaderFuzzTest.check(yaml);
    }

    @Property(tries = 500)
    void shouldLoadGeneratedInventories(@ForAll("generated") final String yaml) {
        InventoryLoaderFuzzTest.check(yaml);
    }

    @Provide
    Arbitrary<String> mutated() {
        return Mutations.of(InventoryLoaderFuzzTest.seeds(), 4000);
    }

    @Provide
    Arbitrary<String> generated() {
        final Arbitrary<String> ip = Arbitraries.integers().between(0, 2).list().ofSize(2)
                .map(l -> "10." + l.get(0) + "." + l.get(1) + ".1");
        final Arbitrary<String> env = Arbitraries.of("production", "Development", "test", "unknown", "");
        final Arbitrary<String> asset = Combinators.combine(Arbitraries.of("a", "B.corp.example.", "a.corp.example", "c"),
                ip.list().ofMaxSize(3), env).as((n, ips, e) -> "  - {name: " + n + ", ips: " + ips + ", environment: '" + e + "'}");
        final Arbitrary<String> network = Combinators.combine(Arbitraries.of("10.0.0.0/8", "10.1.0.0/16", "10.1.0.1/16",
                "10.0.0.0/33", "::/0", "2001:db8::/32"), env).as((c, e) -> "  - {cidr: '" + c + "', environment: '" + e + "'}");
        return Combinators.combine(asset.list().ofMaxSize(5), network.list().ofMaxSize(4))
                .as((List<String> as, List<String> ns) -> "assets:\n" + String.join("\n", as) + (as.isEmpty() ? " []" : "")
                        + "\nnetworks:\n" + String.join("\n", ns) + (ns.isEmpty() ? " []" : "") + "\n");
    }
}
