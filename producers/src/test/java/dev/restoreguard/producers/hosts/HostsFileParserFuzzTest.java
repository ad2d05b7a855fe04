package dev.restoreguard.producers.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz test of the hosts-file parser and its diff. In a normal test run it replays the seed
 * corpus in {@code src/test/resources/.../HostsFileParserFuzzTestInputs/}; with {@code JAZZER_FUZZ=1}
 * it fuzzes (see docs/reliability.md). Invariants: never throws, re-parsing the rendered entries
 * gives the same entries, a file diffed with itself is empty.
 */
class HostsFileParserFuzzTest {

    /** Small caps keep each input fast; the caps' own paths (truncation, long lines) are then reachable. */
    private static final HostsFileParser PARSER = new HostsFileParser(4096, 256);

    @FuzzTest(maxDuration = "60s")
    void shouldParseAnyBytesAndRoundTripItsEntries(final byte[] content) {
        final ParsedHostsFile parsed = PARSER.parse(content);
        HostsFileProperties.assertInvariants(PARSER, parsed);
        assertThat(HostsFileParser.diff(parsed, parsed, "vbr01.corp.example").isEmpty()).isTrue();
    }
}
