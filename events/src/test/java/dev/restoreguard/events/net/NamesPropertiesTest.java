package dev.restoreguard.events.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded property tests (plain JUnit; see docs/reliability.md "Why no jqwik"): normalizing a
 * normalized name, address or network changes nothing, and no input makes the normalizers throw
 * anything but their documented exception. Each seed is its own test (its name shows the seed) and
 * a failure names the input's number and text, so {@code new Random(seed)} replays it.
 */
class NamesPropertiesTest {

    private static final int TRIES = 1_000;
    private static final String OBSERVER = "vbr01.corp.example";
    private static final String NAME_CHARS = "aZz09-_. \t.%:[]İıßK";
    private static final List<String> TRICKY = List.of("::1", "fe80::1%eth0", "2001:DB8::0:1", "::ffff:10.0.0.1", "[::1]",
            "010.0.0.1", "1.2.3", "::", "0:0:0:0:0:0:0:0", "::ffff:1.2.3.4.", "1.2.3.4.", "a..", "a. .", "", " ", ".", "..",
            "[fe80::1%25eth0]", "1::2::3", "::ffff:0:1.2.3.4", "255.255.255.255", "256.0.0.1", "SQL-DEV-01.", "İ.", "\u0000");

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1L, 20_261_127L, 424_242L})
    void shouldNormalizeNamesIdempotently(final long seed) {
        forAll(seed, NamesPropertiesTest::name, name -> {
            final String once = Names.normalize(name);
            assertThat(Names.normalize(once)).as("normalize(normalize(x))").isEqualTo(once);
            final String qualified = Names.normalize(name, OBSERVER);
            assertThat(Names.normalize(qualified, OBSERVER)).as("qualified twice").isEqualTo(qualified);
            assertThat(Names.normalize(qualified)).as("a qualified name is normalized").isEqualTo(qualified);
        });
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {2L, 20_261_127L, 424_242L})
    void shouldNormalizeAddressesIdempotently(final long seed) {
        forAll(seed, NamesPropertiesTest::address, text -> {
            final Optional<String> once = IpAddresses.normalize(text);
            assertThat(once.isPresent()).as("normalize agrees with isIpLiteral").isEqualTo(IpAddresses.isIpLiteral(text));
            once.ifPresent(ip -> {
                assertThat(IpAddresses.normalize(ip)).as("normalize(normalize(x))").hasValue(ip);
                assertThat(Names.normalize(ip)).as("a canonical address is a normalized name").isEqualTo(ip);
                assertThat(IpAddresses.toBytes(ip)).isEqualTo(IpAddresses.toBytes(text));
            });
        });
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {3L, 20_261_127L, 424_242L})
    void shouldRenderAParsedNetworkThatParsesToItself(final long seed) {
        forAll(seed, NamesPropertiesTest::network, text -> {
            final Cidr masked;
            try {
                masked = Cidr.parseMasked(text);
            } catch (IllegalArgumentException e) {
                return; // the documented rejection
            }
            assertThat(Cidr.parse(masked.toString())).as("parse(toString(x))").isEqualTo(masked);
            assertThat(Cidr.parseMasked(masked.toString())).isEqualTo(masked);
            assertThat(masked.contains(masked.network())).as("a network contains its own address").isTrue();
            try {
                assertThat(Cidr.parse(text)).as("strict and masked parse agree").isEqualTo(masked);
            } catch (IllegalArgumentException e) {
                assertThat(e.getMessage()).as("strict parse refuses only host bits").contains("host bits");
            }
        });
    }

    /** Runs {@code property} on {@value #TRIES} generated inputs; a failure names the seed, index and input. */
    private static void forAll(final long seed, final Function<Random, String> generator, final Consumer<String> property) {
        final Random random = new Random(seed);
        for (int i = 0; i < TRIES; i++) {
            final String input = generator.apply(random);
            try {
                property.accept(input);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + ", input #" + i + ": '" + input.replace("\u0000", "\\0") + "'", e);
            }
        }
    }

    private static String name(final Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> chars(r, NAME_CHARS, 30);
            case 1 -> anyChars(r, 30);
            case 2 -> address(r);
            case 3 -> label(r) + (r.nextBoolean() ? "." + label(r) : "") + (r.nextBoolean() ? "." : "")
                    + (r.nextBoolean() ? "." : "") + (r.nextBoolean() ? " " : "");
            default -> TRICKY.get(r.nextInt(TRICKY.size()));
        };
    }

    private static String address(final Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> r.ints(4, 0, 301).mapToObj(Integer::toString).reduce((a, b) -> a + "." + b).orElseThrow();
            case 1 -> chars(r, "0123456789abcdefABCDEF:.%[]", 45);
            case 2 -> {
                final StringBuilder b = new StringBuilder();
                final int groups = 1 + r.nextInt(8);
                for (int i = 0; i < groups; i++) {
                    b.append(i == 0 ? "" : r.nextInt(6) == 0 ? "::" : ":").append(Integer.toHexString(r.nextInt(0x10000)));
                }
                yield (r.nextBoolean() ? "::" : "") + b + (r.nextInt(4) == 0 ? "%eth" + r.nextInt(3) : "");
            }
            case 3 -> "::ffff:" + r.nextInt(300) + "." + r.nextInt(300) + "." + r.nextInt(256) + "." + r.nextInt(256);
            default -> TRICKY.get(r.nextInt(TRICKY.size()));
        };
    }

    private static String network(final Random r) {
        final String[] slashes = {"/", "", "//", "/ ", "/0"};
        return address(r) + slashes[r.nextInt(slashes.length)] + (r.nextInt(132) - 1);
    }

    private static String label(final Random r) {
        return chars(r, "abcXYZ019-", 12);
    }

    private static String chars(final Random r, final String alphabet, final int maxLength) {
        final StringBuilder b = new StringBuilder();
        final int length = r.nextInt(maxLength + 1);
        for (int i = 0; i < length; i++) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private static String anyChars(final Random r, final int maxLength) {
        final StringBuilder b = new StringBuilder();
        final int length = r.nextInt(maxLength + 1);
        for (int i = 0; i < length; i++) {
            b.append((char) (r.nextBoolean() ? r.nextInt(0x80) : r.nextInt(0x10000)));
        }
        return b.toString();
    }
}
