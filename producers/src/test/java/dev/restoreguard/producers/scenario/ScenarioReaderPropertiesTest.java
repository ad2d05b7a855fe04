package dev.restoreguard.producers.scenario;

import dev.restoreguard.producers.testing.Mutations;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** jqwik: mutated scenario lines of every kind and arbitrary text. */
class ScenarioReaderPropertiesTest {

    @Property(tries = 1000)
    void shouldReadMutatedLines(@ForAll("lines") final String line) {
        ScenarioReaderFuzzTest.check(line);
    }

    @Provide
    Arbitrary<String> lines() {
        return Mutations.of(Mutations.seeds(ScenarioReaderFuzzTest.class, "shouldReadAnyLine"), 8000);
    }
}
