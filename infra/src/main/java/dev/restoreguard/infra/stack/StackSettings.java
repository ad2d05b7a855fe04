package dev.restoreguard.infra.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * Where the local stack keeps its files and which loopback ports it listens on.
 *
 * @param home              folder for configuration, data, logs and pid files
 * @param kafkaPort         the broker's client port (PLAINTEXT listener)
 * @param controllerPort    the KRaft controller's port
 * @param elasticsearchPort Elasticsearch's HTTP port
 * @param startTimeout      how long {@code up} waits for each component to become healthy
 * @param stopTimeout       how long {@code down} waits after SIGTERM before it sends SIGKILL
 */
public record StackSettings(
        Path home,
        int kafkaPort,
        int controllerPort,
        int elasticsearchPort,
        Duration startTimeout,
        Duration stopTimeout) {

    /** Default broker port. */
    public static final int DEFAULT_KAFKA_PORT = 9092;
    /** Default controller port. */
    public static final int DEFAULT_CONTROLLER_PORT = 9093;
    /** Default Elasticsearch HTTP port. */
    public static final int DEFAULT_ELASTICSEARCH_PORT = 9200;
    /** Environment variable that moves the default home. */
    public static final String HOME_VARIABLE = "RESTOREGUARD_HOME";
    /** Name of the file in the home that records the ports of the last {@code up}. */
    static final String RECORD_FILE = "stack.properties";

    // ES needs 25-45 s on two cores; a cold first start also unpacks the distribution.
    private static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(30);

    public StackSettings {
        Objects.requireNonNull(home, "home");
        home = home.toAbsolutePath().normalize();
        checkPort("kafkaPort", kafkaPort);
        checkPort("controllerPort", controllerPort);
        checkPort("elasticsearchPort", elasticsearchPort);
        if (kafkaPort == controllerPort || kafkaPort == elasticsearchPort || controllerPort == elasticsearchPort) {
            throw new IllegalArgumentException("ports must differ: kafka " + kafkaPort + ", controller "
                    + controllerPort + ", elasticsearch " + elasticsearchPort);
        }
        Objects.requireNonNull(startTimeout, "startTimeout");
        Objects.requireNonNull(stopTimeout, "stopTimeout");
    }

    /** Default ports under the default home ({@code $RESTOREGUARD_HOME}, else {@code ~/.restoreguard}). */
    public static StackSettings defaults() {
        return forHome(defaultHome());
    }

    /**
     * Settings for {@code home}: the ports recorded there by the last {@code up}, else the defaults.
     * This lets {@code status} and {@code down} find a stack that was started on other ports.
     */
    public static StackSettings forHome(final Path home) {
        final StackSettings defaults = new StackSettings(home, DEFAULT_KAFKA_PORT, DEFAULT_CONTROLLER_PORT,
                DEFAULT_ELASTICSEARCH_PORT, DEFAULT_START_TIMEOUT, DEFAULT_STOP_TIMEOUT);
        return recorded(home).map(r -> defaults.withPorts(r.kafkaPort, r.controllerPort, r.elasticsearchPort))
                .orElse(defaults);
    }

    /** {@code $RESTOREGUARD_HOME} if set, else {@code ~/.restoreguard}. */
    public static Path defaultHome() {
        final String fromEnv = System.getenv(HOME_VARIABLE);
        return fromEnv != null && !fromEnv.isBlank()
                ? Path.of(fromEnv)
                : Path.of(System.getProperty("user.home"), ".restoreguard");
    }

    /** A copy with other ports. */
    public StackSettings withPorts(final int kafka, final int controller, final int elasticsearch) {
        return new StackSettings(home, kafka, controller, elasticsearch, startTimeout, stopTimeout);
    }

    /** A copy with another start timeout. */
    public StackSettings withStartTimeout(final Duration timeout) {
        return new StackSettings(home, kafkaPort, controllerPort, elasticsearchPort, timeout, stopTimeout);
    }

    /** {@code 127.0.0.1:<kafkaPort>}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort;
    }

    /** {@code http://127.0.0.1:<elasticsearchPort>}. */
    public String elasticsearchUrl() {
        return "http://127.0.0.1:" + elasticsearchPort;
    }

    /** Writes the ports to the home so that later commands use the same ones. */
    void record() throws IOException {
        final Properties properties = new Properties();
        properties.setProperty("kafka.port", Integer.toString(kafkaPort));
        properties.setProperty("controller.port", Integer.toString(controllerPort));
        properties.setProperty("elasticsearch.port", Integer.toString(elasticsearchPort));
        Files.createDirectories(home);
        try (OutputStream out = Files.newOutputStream(home.resolve(RECORD_FILE))) {
            properties.store(out, "Ports of the RestoreGuard local stack (written by 'stack up')");
        }
    }

    /** The ports recorded in {@code home}, if any. */
    static Optional<StackSettings> recorded(final Path home) {
        final Path file = home.resolve(RECORD_FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        final Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
            return Optional.of(new StackSettings(home,
                    Integer.parseInt(properties.getProperty("kafka.port")),
                    Integer.parseInt(properties.getProperty("controller.port")),
                    Integer.parseInt(properties.getProperty("elasticsearch.port")),
                    DEFAULT_START_TIMEOUT, DEFAULT_STOP_TIMEOUT));
        } catch (final IOException | RuntimeException e) {
            // A damaged record only loses the remembered ports; the defaults still work.
            return Optional.empty();
        }
    }

    private static void checkPort(final String name, final int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(name + " must be in 1..65535: " + port);
        }
    }
}
