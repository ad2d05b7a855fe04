package dev.restoreguard.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * The {@code --client-config FILE} option of every command that talks to Kafka: a Kafka client
 * properties file ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}, optionally
 * {@code bootstrap.servers}), for example one that {@code stack up --secure} wrote under
 * {@code <home>/security/kafka-clients/}. Without the option, {@code $RESTOREGUARD_KAFKA_CLIENT_CONFIG}
 * names the file. {@code --bootstrap-server} wins over the file's {@code bootstrap.servers}.
 */
final class KafkaClientOptions {

    /** Environment variable naming the client properties file when the option is absent. */
    static final String ENV = "RESTOREGUARD_KAFKA_CLIENT_CONFIG";

    @Option(names = "--client-config", paramLabel = "FILE",
            description = "Kafka client properties (security.protocol, sasl.*, ssl.*; default $" + ENV + ").")
    Path file;

    /** The file's properties (empty without a file), with {@code bootstrap.servers} resolved. */
    Map<String, Object> config(final String bootstrapOption) {
        return config(bootstrapOption, System.getenv());
    }

    Map<String, Object> config(final String bootstrapOption, final Map<String, String> env) {
        final Map<String, Object> config = new LinkedHashMap<>(read(path(env)));
        if (bootstrapOption != null) {
            config.put("bootstrap.servers", bootstrapOption);
        } else if (!config.containsKey("bootstrap.servers")) {
            final String fromEnv = env.get("RESTOREGUARD_BOOTSTRAP_SERVERS");
            config.put("bootstrap.servers", fromEnv == null || fromEnv.isBlank() ? "127.0.0.1:9092" : fromEnv);
        }
        return config;
    }

    /** Only what the file holds (empty without a file). */
    Map<String, String> fileProperties() {
        final Map<String, String> properties = new LinkedHashMap<>();
        read(path(System.getenv())).forEach((key, value) -> properties.put(key, value.toString()));
        return properties;
    }

    private Path path(final Map<String, String> env) {
        return file != null ? file : env.get(ENV) == null || env.get(ENV).isBlank() ? null : Path.of(env.get(ENV));
    }

    /** Only the file's properties, without {@code bootstrap.servers}: overrides for a configured client. */
    Map<String, Object> overrides() {
        final Map<String, Object> config = config(null);
        config.remove("bootstrap.servers");
        return config;
    }

    private static Map<String, Object> read(final Path path) {
        final Map<String, Object> config = new LinkedHashMap<>();
        if (path == null) {
            return config;
        }
        final Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read the Kafka client configuration " + path + ": " + e.getMessage(), e);
        }
        properties.stringPropertyNames().forEach(key -> config.put(key, properties.getProperty(key).strip()));
        return config;
    }
}
