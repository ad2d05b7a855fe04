package dev.restoreguard.producers.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.restoreguard.events.Envelope;
import dev.restoreguard.producers.testing.Invariants;
import java.nio.charset.StandardCharsets;

/**
 * Jazzer fuzz test of the Windows DNS audit (Winlogbeat JSON) parser. Invariants: never throws; a
 * change names a normalized FQDN and server and yields a publishable envelope.
 */
class WindowsDnsAuditParserFuzzTest {

    private static final WindowsDnsAuditParser PARSER = new WindowsDnsAuditParser();

    @FuzzTest(maxDuration = "60s")
    void shouldParseAnyEvent(final byte[] input) {
        check(new String(input, StandardCharsets.UTF_8));
    }

    static void check(final String line) {
        final WindowsDnsAuditParser.Result r = PARSER.parse(line, "dns01.corp.example");
        assertThat(r).isNotNull();
        if (r instanceof WindowsDnsAuditParser.Change c) {
            Invariants.assertNormalized(c.fqdn());
            Invariants.assertNormalized(c.change().server());
            Invariants.assertPublishable(Envelope.of(WindowsDnsAuditCollector.KIND, c.at(), c.change().server(), c.change()));
        }
    }
}
