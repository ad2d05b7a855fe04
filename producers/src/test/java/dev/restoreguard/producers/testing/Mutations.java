package dev.restoreguard.producers.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The Jazzer seed corpus of a fuzz test, for tests that start from the same real samples. */
public final class Mutations {

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
}
