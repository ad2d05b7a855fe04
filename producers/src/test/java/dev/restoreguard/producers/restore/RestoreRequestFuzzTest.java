package dev.restoreguard.producers.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.EventValidationException;
import dev.restoreguard.producers.testing.Invariants;
import java.time.Instant;

/**
 * Jazzer fuzz test of the {@code POST /v1/restores} body. Invariant: any body is a publishable
 * restore or an {@link EventValidationException} naming a field, nothing else (a 500 would be a bug).
 */
class RestoreRequestFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void shouldParseAnyBody(final byte[] body) {
        check(body);
    }

    static void check(final byte[] body) {
        try {
            final Envelope e = RestoreRequest.parse(body, Instant.parse("2026-11-20T16:02:00Z"));
            Invariants.assertPublishable(e);
        } catch (EventValidationException e) {
            assertThat(e.getMessage()).matches("(?s)(restore(\\.[a-z_]+)?|body): .+");
        }
    }
}
