package dev.restoreguard.producers.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik inputs for the bad-input properties: the Jazzer seed corpus of a fuzz test (so both tools
 * start from the same real samples), mutated by up to 8 random edits (insert, delete, replace
 * with a character that means something to the parsers, cut, duplicate a slice), plus
 * arbitrary strings.
 */
public final class Mutations {

    private static final String SPECIAL = "\"\\[]{}=:,.-_ \t\r\n#%$@&*!|<>/'`\u0000\uFEFF\u00e9\u0130\uFFFD0123456789";

    private Mutations() {
    }

    /** The seed files under {@code src/test/resources/<package>/<FuzzClass>Inputs/<method>/}. */
    public static List<String> seeds(final Class<?> fuzzTest, final String method) {
        final Path dir = Path.of("src/test/resources", fuzzTest.getPackageName().replace('.', '/'),
                fuzzTest.getSimpleName() + "Inputs", method);
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().map(f -> {
                try {
                    return Files.readString(f, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("seed corpus " + dir, e);
        }
    }

    /** Seeds, mutated seeds and arbitrary strings up to {@code maxLength} characters. */
    public static Arbitrary<String> of(final List<String> seeds, final int maxLength) {
        final Arbitrary<String> mutated = Combinators.combine(Arbitraries.of(seeds), edit().list().ofMaxSize(8))
                .as((seed, edits) -> {
                    String s = seed;
                    for (Edit e : edits) {
                        s = e.apply(s);
                    }
                    return s.length() > maxLength ? s.substring(0, maxLength) : s;
                });
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Arbitraries.of(seeds)),
                net.jqwik.api.Tuple.of(6, mutated),
                net.jqwik.api.Tuple.of(2, Arbitraries.strings().ofMaxLength(Math.min(maxLength, 300))));
    }

    private record Edit(int kind, double at, double length, char c) {
        String apply(final String s) {
            final int pos = (int) (at * s.length());
            final int len = (int) (length * Math.min(40, s.length() - pos));
            return switch (kind) {
                case 0 -> s.substring(0, pos) + c + s.substring(pos);
                case 1 -> s.substring(0, pos) + s.substring(Math.min(s.length(), pos + Math.max(1, len)));
                case 2 -> pos < s.length() ? s.substring(0, pos) + c + s.substring(pos + 1) : s + c;
                case 3 -> s.substring(0, pos);
                default -> s.substring(0, pos) + s.substring(pos, pos + len) + s.substring(pos);
            };
        }
    }

    private static Arbitrary<Edit> edit() {
        return Combinators.combine(Arbitraries.integers().between(0, 4), Arbitraries.doubles().between(0, 1),
                        Arbitraries.doubles().between(0, 1),
                        Arbitraries.oneOf(Arbitraries.of(SPECIAL.chars().mapToObj(i -> (char) i).toList()), Arbitraries.chars()))
                .as(Edit::new);
    }
}
