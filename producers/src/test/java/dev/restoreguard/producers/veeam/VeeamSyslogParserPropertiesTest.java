package dev.restoreguard.producers.veeam;

import dev.restoreguard.producers.testing.Mutations;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** jqwik: mutated real Veeam lines and arbitrary text, with the fuzz test's invariants. */
class VeeamSyslogParserPropertiesTest {

    @Property(tries = 1000)
    void shouldParseMutatedLines(@ForAll("lines") final String line) {
        VeeamSyslogParserFuzzTest.check(line);
    }

    @Provide
    Arbitrary<String> lines() {
        return Mutations.of(Mutations.seeds(VeeamSyslogParserFuzzTest.class, "shouldParseAnyLine"), 4000);
    }
}
