package dev.restoreguard.producers.veeam;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.restoreguard.producers.testing.Invariants;
import java.nio.charset.StandardCharsets;

/**
 * Jazzer fuzz test of the Veeam syslog parser (seed corpus replayed in every test run;
 * {@code JAZZER_FUZZ=1} fuzzes, see docs/reliability.md). Invariants: never throws; a mapped line
 * gives a publishable envelope with a normalized observer; the same line maps to the same event.
 */
class VeeamSyslogParserFuzzTest {

    private static final VeeamSyslogParser PARSER = new VeeamSyslogParser();

    @FuzzTest(maxDuration = "60s")
    void shouldParseAnyLine(final byte[] input) {
        check(new String(input, StandardCharsets.UTF_8));
    }

    static void check(final String line) {
        try {
            new Rfc5424Parser().parse(line);
        } catch (SyslogFormatException expected) {
            // the RFC 5424 layer's documented rejection
        }
        final VeeamSyslogParser.Result r = PARSER.parse(line);
        assertThat(r).isNotNull();
        if (r instanceof VeeamSyslogParser.Mapped m) {
            Invariants.assertPublishable(m.envelope(VeeamSyslogParser.FORMAT));
            assertThat(PARSER.parse(line)).isEqualTo(r);
        }
    }
}
