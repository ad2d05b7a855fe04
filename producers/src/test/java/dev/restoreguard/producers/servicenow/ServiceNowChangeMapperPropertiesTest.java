package dev.restoreguard.producers.servicenow;

import dev.restoreguard.producers.testing.Mutations;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** jqwik: mutated Table API change_request records and arbitrary text. */
class ServiceNowChangeMapperPropertiesTest {

    @Property(tries = 1000)
    void shouldMapMutatedRecords(@ForAll("records") final String json) {
        ServiceNowChangeMapperFuzzTest.check(json);
    }

    @Provide
    Arbitrary<String> records() {
        return Mutations.of(Mutations.seeds(ServiceNowChangeMapperFuzzTest.class, "shouldMapAnyRecord"), 4000);
    }
}
