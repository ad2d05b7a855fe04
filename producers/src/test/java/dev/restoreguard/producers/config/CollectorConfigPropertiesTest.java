package dev.restoreguard.producers.config;

import dev.restoreguard.producers.testing.Mutations;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** jqwik: mutated configuration files (the documented sample among them) and arbitrary text. */
class CollectorConfigPropertiesTest {

    @Property(tries = 1000)
    void shouldReadMutatedConfigurations(@ForAll("files") final String yaml) {
        CollectorConfigFuzzTest.check(yaml);
    }

    @Provide
    Arbitrary<String> files() {
        return Mutations.of(Mutations.seeds(CollectorConfigFuzzTest.class, "shouldReadAnyYaml"), 8000);
    }
}
