package dev.restoreguard.infra.stack;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The composable index templates bundled under {@value #FOLDER}: one JSON body per file, the file
 * name (without {@code .json}) being the template name. They are read from this module's jar or
 * classes folder, so adding a template is adding a file.
 */
public final class IndexTemplates {

    /** Resource folder of the templates. */
    public static final String FOLDER = "elasticsearch/index-templates";

    private IndexTemplates() {
    }

    /** Template name to JSON body, sorted by name. */
    public static Map<String, String> load() {
        try {
            final Path location = Path.of(IndexTemplates.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(location)) {
                return read(location.resolve(FOLDER));
            }
            try (FileSystem jar = FileSystems.newFileSystem(location)) {
                return read(jar.getPath(FOLDER));
            }
        } catch (final IOException | URISyntaxException | RuntimeException e) {
            throw new StackException("Cannot read the bundled index templates (" + FOLDER + "): " + e.getMessage(), e);
        }
    }

    private static Map<String, String> read(final Path folder) throws IOException {
        final Map<String, String> templates = new TreeMap<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (final Path file : (Iterable<Path>) files::iterator) {
                final String name = file.getFileName().toString();
                if (name.endsWith(".json")) {
                    templates.put(name.substring(0, name.length() - ".json".length()),
                            Files.readString(file, StandardCharsets.UTF_8));
                }
            }
        }
        if (templates.isEmpty()) {
            throw new IOException("no *.json in " + folder);
        }
        return templates;
    }
}
