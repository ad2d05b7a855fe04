package dev.restoreguard.producers.restore;

import dev.restoreguard.producers.testing.Mutations;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** jqwik: mutated pgBackRest logs and restore request bodies, with the fuzz tests' invariants. */
class GenericRestorePropertiesTest {

    @Property(tries = 1000)
    void shouldClassifyMutatedPgBackRestLogs(@ForAll("logs") final String log) {
        PgBackRestLogParserFuzzTest.check(log);
    }

    @Property(tries = 1000)
    void shouldAnswerMutatedRequestBodies(@ForAll("bodies") final String body) {
        RestoreRequestFuzzTest.check(body.getBytes(StandardCharsets.UTF_8));
    }

    @Provide
    Arbitrary<String> logs() {
        return Mutations.of(Mutations.seeds(PgBackRestLogParserFuzzTest.class, "shouldParseAnyLog"), 4000);
    }

    @Provide
    Arbitrary<String> bodies() {
        return Mutations.of(Mutations.seeds(RestoreRequestFuzzTest.class, "shouldParseAnyBody"), 4000);
    }
}
