package dev.restoreguard.producers.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.restoreguard.producers.testing.Invariants;
import java.nio.charset.StandardCharsets;

/**
 * Jazzer fuzz test of scenario lines (every kind, through the raw-format parsers). Invariants: any
 * line becomes events, a skip with a reason, or nothing, never an exception; every event is
 * publishable.
 */
class ScenarioReaderFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void shouldReadAnyLine(final byte[] input) {
        check(new String(input, StandardCharsets.UTF_8));
    }

    static void check(final String line) {
        final ScenarioReader.Outcome o = new ScenarioReader().read(7, line);
        assertThat(o.line()).isEqualTo(7);
        switch (o) {
            case ScenarioReader.Events e -> e.events().forEach(r -> Invariants.assertPublishable(r.envelope()));
            case ScenarioReader.Skipped s -> assertThat(s.reason()).isNotBlank();
            case ScenarioReader.Ignored i -> { }
        }
    }
}
