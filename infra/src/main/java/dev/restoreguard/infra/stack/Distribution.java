package dev.restoreguard.infra.stack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * Where the broker's jars and the Elasticsearch zip are. The build resolves both into the local
 * Maven repository and writes two resources into this module's jar (and so into the shaded CLI):
 * {@code distribution.properties} (versions, the repository the build used) and
 * {@code kafka-broker.classpath} (the broker's transitive jars, relative to the repository). Reading
 * them from the repository at run time keeps 150 MB of server binaries out of the CLI jar.
 */
final class Distribution {

    static final String LOCAL_REPO_TOKEN = "@LOCAL_REPO@";
    private static final String PROPERTIES = "distribution.properties";
    private static final String KAFKA_CLASSPATH = "kafka-broker.classpath";

    private final String kafkaVersion;
    private final String elasticsearchVersion;
    private final List<Path> repositories;
    private final String kafkaClasspathTemplate;

    Distribution(final String kafkaVersion, final String elasticsearchVersion, final List<Path> repositories,
            final String kafkaClasspathTemplate) {
        this.kafkaVersion = kafkaVersion;
        this.elasticsearchVersion = elasticsearchVersion;
        this.repositories = List.copyOf(repositories);
        this.kafkaClasspathTemplate = kafkaClasspathTemplate.strip();
    }

    /** Loads the build's resources; the repositories tried are the build's, {@code -Dmaven.repo.local}, {@code ~/.m2}. */
    static Distribution load() {
        final Properties properties = new Properties();
        try (InputStream in = resource(PROPERTIES)) {
            properties.load(in);
        } catch (final IOException e) {
            throw new StackException("Cannot read " + PROPERTIES + " from the classpath", e);
        }
        final String classpath;
        try (InputStream in = resource(KAFKA_CLASSPATH)) {
            classpath = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new StackException("Cannot read " + KAFKA_CLASSPATH + " from the classpath", e);
        }
        final Set<Path> repositories = new LinkedHashSet<>();
        final String built = properties.getProperty("maven.localRepository", "");
        if (!built.isBlank() && !built.contains("${")) {
            repositories.add(Path.of(built));
        }
        final String override = System.getProperty("maven.repo.local");
        if (override != null && !override.isBlank()) {
            repositories.add(Path.of(override));
        }
        repositories.add(Path.of(System.getProperty("user.home"), ".m2", "repository"));
        return new Distribution(properties.getProperty("kafka.version"), properties.getProperty("elasticsearch.version"),
                new ArrayList<>(repositories), classpath);
    }

    String kafkaVersion() {
        return kafkaVersion;
    }

    String elasticsearchVersion() {
        return elasticsearchVersion;
    }

    /** The broker's classpath entries, resolved in the first repository that holds all of them. */
    List<Path> kafkaClasspath() {
        final List<String> entries = List.of(kafkaClasspathTemplate.split(java.io.File.pathSeparator));
        for (final Path repository : repositories) {
            final List<Path> resolved = entries.stream()
                    .map(entry -> Path.of(entry.replace(LOCAL_REPO_TOKEN, repository.toString())))
                    .toList();
            if (resolved.stream().allMatch(Files::isRegularFile)) {
                return resolved;
            }
        }
        throw new StackException("The Kafka " + kafkaVersion + " broker jars are not in the local Maven repository ("
                + repositories + "). Build once with './mvnw -B package -DskipTests' (or use ./restoreguard), "
                + "which downloads them.");
    }

    /** The Elasticsearch integ-test zip in the first repository that holds it. */
    Path elasticsearchZip() {
        final String relative = "org/elasticsearch/distribution/integ-test-zip/elasticsearch/" + elasticsearchVersion
                + "/elasticsearch-" + elasticsearchVersion + ".zip";
        for (final Path repository : repositories) {
            final Path zip = repository.resolve(relative);
            if (Files.isRegularFile(zip)) {
                return zip;
            }
        }
        throw new StackException("The Elasticsearch " + elasticsearchVersion + " distribution is not in the local Maven "
                + "repository (" + repositories + "). Build once with './mvnw -B package -DskipTests' (or use "
                + "./restoreguard), which downloads it.");
    }

    private static InputStream resource(final String name) throws IOException {
        final InputStream in = Distribution.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException(name + " is missing: was infra built with Maven?");
        }
        return in;
    }
}
