package dev.restoreguard.producers.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.net.Names;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded property tests of the hosts-file parser (plain JUnit; see docs/reliability.md "Why no
 * jqwik"). Where {@link HostsFileParserFuzzTest} replays a fixed corpus in a normal run, this
 * generates a few thousand structured files each run (entries, comments, junk, every separator and
 * line end, names of every shape) and checks {@link HostsFileProperties}: every address canonical,
 * every name a fixed point of {@link Names#normalize}, parse → render → parse idempotent; plus the
 * text and its UTF-8 bytes parse alike, a file diffed with itself is empty and every key of
 * {@link HostsFileParser#firstEntries} is normalized. Each seed is its own test (its name shows the
 * seed); a failure names the file's number and text.
 */
class HostsFileParserPropertiesTest {

    private static final int TRIES = 400;
    private static final String OBSERVER = "vbr01.corp.example";
    private static final HostsFileParser PARSER = new HostsFileParser();
    /** Small caps, so that cut files and overlong lines are generated too. */
    private static final HostsFileParser SMALL = new HostsFileParser(2048, 120);
    private static final List<String> ADDRESSES = List.of("127.0.0.1", "10.20.1.15", "::1", "fe80::1%eth0", "FE80::A:1",
            "::ffff:10.20.1.15", "2001:DB8::0:1", "0.0.0.0", "255.255.255.255", "010.0.0.1", "10.0.0", "[::1]", "1::2::3",
            "256.1.1.1", "10.0.0.1.", "localhost", "::ffff:1.2.3.4.5");
    private static final List<String> NAMES = List.of("localhost", "sql-prod-01", "SQL-DEV-01.corp.example.", "a..", "a. .",
            "_srv", "-lead", "x_y.corp", "10.0.0.1", "::1", "a#comment", "ünïcode", "a".repeat(64), "b".repeat(63),
            ("c".repeat(63) + ".").repeat(4), ".", "..", "name.", "İ", "k\u212a");
    private static final String[] SEPARATORS = {" ", "\t", "  ", " \t ", "\f", "\u000b"};
    private static final String[] LINE_ENDS = {"\n", "\r\n", "\r"};

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1L, 7L, 20_261_127L, 5_952L})
    void shouldParseEveryGeneratedFileIntoNormalizedEntriesThatSurviveRendering(final long seed) {
        final Random random = new Random(seed);
        for (int i = 0; i < TRIES; i++) {
            final String file = file(random);
            final HostsFileParser parser = random.nextInt(4) == 0 ? SMALL : PARSER;
            try {
                final ParsedHostsFile parsed = parser.parse(file);
                HostsFileProperties.assertInvariants(parser, parsed);
                assertThat(parser.parse(file.getBytes(StandardCharsets.UTF_8))).as("bytes and text parse alike")
                        .isEqualTo(parsed);
                assertThat(HostsFileParser.diff(parsed, parsed, OBSERVER).isEmpty()).as("diff with itself").isTrue();
                for (String name : HostsFileParser.firstEntries(parsed, OBSERVER).keySet()) {
                    assertThat(Names.normalize(name, OBSERVER)).as("first-entry key normalized").isEqualTo(name);
                }
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + ", file #" + i + ":\n" + visible(file), e);
            }
        }
    }

    private static String file(final Random r) {
        final StringBuilder b = new StringBuilder(r.nextInt(8) == 0 ? "\uFEFF" : "");
        final int lines = r.nextInt(20);
        for (int i = 0; i < lines; i++) {
            if (r.nextInt(6) == 0) {
                b.append(pick(r, SEPARATORS));
            }
            switch (r.nextInt(10)) {
                case 0 -> b.append("# ").append(NAMES.get(r.nextInt(NAMES.size())));
                case 1 -> { } // blank
                case 2 -> b.append(junk(r));
                default -> {
                    b.append(address(r));
                    final int names = r.nextInt(5);
                    for (int k = 0; k < names; k++) {
                        b.append(pick(r, SEPARATORS)).append(name(r));
                    }
                    if (r.nextInt(5) == 0) {
                        b.append(r.nextBoolean() ? " # " : "#").append(junk(r));
                    }
                }
            }
            if (i < lines - 1 || r.nextBoolean()) {
                b.append(pick(r, LINE_ENDS));
            }
        }
        return b.toString();
    }

    private static String address(final Random r) {
        return switch (r.nextInt(3)) {
            case 0 -> r.nextInt(300) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256);
            case 1 -> Integer.toHexString(r.nextInt(0x10000)) + "::" + Integer.toHexString(r.nextInt(0x10000))
                    + (r.nextInt(4) == 0 ? "%eth0" : "");
            default -> ADDRESSES.get(r.nextInt(ADDRESSES.size()));
        };
    }

    private static String name(final Random r) {
        if (r.nextBoolean()) {
            return NAMES.get(r.nextInt(NAMES.size()));
        }
        final StringBuilder b = new StringBuilder();
        final int labels = 1 + r.nextInt(4);
        for (int i = 0; i < labels; i++) {
            b.append(i == 0 ? "" : ".").append(chars(r, "abcXYZ019-_", 1 + r.nextInt(12)));
        }
        return b.append(r.nextInt(4) == 0 ? "." : "").toString();
    }

    private static String junk(final Random r) {
        final StringBuilder b = new StringBuilder();
        final int length = r.nextInt(40);
        for (int i = 0; i < length; i++) {
            char c = (char) (r.nextBoolean() ? r.nextInt(0x80) : r.nextInt(0xD800));
            b.append(c == '\n' || c == '\r' ? ' ' : c); // line ends come from LINE_ENDS
        }
        return b.toString();
    }

    private static String chars(final Random r, final String alphabet, final int length) {
        final StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private static String pick(final Random r, final String[] values) {
        return values[r.nextInt(values.length)];
    }

    /** The file with control characters spelled out, so a failure message shows what was parsed. */
    private static String visible(final String file) {
        final StringBuilder b = new StringBuilder();
        file.chars().forEach(c -> b.append(c < 0x20 && c != '\n' ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return b.toString();
    }
}
