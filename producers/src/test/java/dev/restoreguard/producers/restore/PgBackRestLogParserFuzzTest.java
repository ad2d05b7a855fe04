package dev.restoreguard.producers.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/** Jazzer fuzz test of the pgBackRest log parser: any log text is classified line by line without an exception. */
class PgBackRestLogParserFuzzTest {

    private static final PgBackRestLogParser PARSER = new PgBackRestLogParser();

    @FuzzTest(maxDuration = "60s")
    void shouldParseAnyLog(final byte[] input) {
        check(new String(input, StandardCharsets.UTF_8));
    }

    static void check(final String log) {
        for (String line : log.split("\n", -1)) {
            final PgBackRestLogParser.Line l = PARSER.parse(line);
            assertThat(l).isNotNull();
            if (l instanceof PgBackRestLogParser.CommandBegin b) {
                assertThat(b.options().keySet()).allSatisfy(k -> assertThat(k).isNotEmpty());
                assertThat(PARSER.parse(line)).isEqualTo(l);
            }
        }
    }
}
