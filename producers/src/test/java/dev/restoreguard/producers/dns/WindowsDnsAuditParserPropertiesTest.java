package dev.restoreguard.producers.dns;

import dev.restoreguard.producers.testing.Mutations;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** jqwik: mutated Winlogbeat DNS audit events and arbitrary text. */
class WindowsDnsAuditParserPropertiesTest {

    @Property(tries = 1000)
    void shouldParseMutatedEvents(@ForAll("events") final String line) {
        WindowsDnsAuditParserFuzzTest.check(line);
    }

    @Provide
    Arbitrary<String> events() {
        return Mutations.of(Mutations.seeds(WindowsDnsAuditParserFuzzTest.class, "shouldParseAnyEvent"), 4000);
    }
}
