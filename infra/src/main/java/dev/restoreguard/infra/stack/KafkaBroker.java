package dev.restoreguard.infra.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Only the Kafka broker of a local stack (no Elasticsearch), under the caller's control: started,
 * stopped gracefully or killed with SIGKILL, and started again on the same data dir and ports, so
 * the topics, offsets, producer state and KRaft metadata written before the stop are still there.
 * It runs the same {@code KafkaNode} as {@link LocalStack#up()}: same command line, configuration
 * and files under {@code <home>/kafka}.
 *
 * <p>Meant for tests that take the broker away mid-stream (the shared test stack cannot, other
 * tests use its broker). Give it a home and ports of its own; it takes the home's lock like
 * {@code up} and {@code down}, and it records its ports in the home, so {@code stack status} and
 * {@code stack down} on that home see (and can stop) a broker a crashed test left behind.
 *
 * <pre>{@code
 * try (KafkaBroker broker = LocalStack.kafkaOnly(settings)) {
 *     broker.start();
 *     broker.createCatalogTopics();
 *     ...
 *     broker.stop();   // or kill()
 *     broker.start();  // same data, same port
 * }
 * }</pre>
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(KafkaBroker.class);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private final StackSettings settings;
    private final Consumer<String> progress;
    private final JdkFinder jdkFinder;
    private final KafkaNode node;
    // Resolved on the first start and reused: a restart must not depend on finding them again
    // (a build that re-installs the infra jar under a running test JVM makes its resources unreadable).
    private Jdk jdk;
    private Distribution distribution;

    /** The broker of {@code settings}; progress goes to the log. */
    public KafkaBroker(final StackSettings settings) {
        this(settings, message -> LOGGER.info(message));
    }

    /**
     * The broker of {@code settings}.
     *
     * @param progress receives one human-readable line per step
     */
    public KafkaBroker(final StackSettings settings, final Consumer<String> progress) {
        this(settings, progress, new JdkFinder());
    }

    KafkaBroker(final StackSettings settings, final Consumer<String> progress, final JdkFinder jdkFinder) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.progress = Objects.requireNonNull(progress, "progress");
        this.jdkFinder = Objects.requireNonNull(jdkFinder, "jdkFinder");
        this.node = new KafkaNode(settings);
    }

    /** The settings (home, ports, timeouts) of this broker. */
    public StackSettings settings() {
        return settings;
    }

    /** {@code 127.0.0.1:<kafkaPort>}, for {@code bootstrap.servers}; the same before and after a restart. */
    public String bootstrapServers() {
        return settings.bootstrapServers();
    }

    /** The log dirs and KRaft metadata; kept across {@link #stop()}, {@link #kill()} and {@link #start()}. */
    public Path dataDir() {
        return node.dataDir();
    }

    /** The broker's own log ({@code server.log}), for diagnostics. */
    public Path serverLog() {
        return node.serverLog();
    }

    /** Current state; the health check is a bounded {@code describeCluster}. */
    public ComponentStatus status() {
        return node.status();
    }

    /** Whether a broker process of this home runs (healthy or not). */
    public boolean running() {
        return node.process().isPresent();
    }

    /**
     * Starts the broker unless it runs, and waits (up to the settings' start timeout) until it
     * answers. The first start formats the storage; later ones reuse the data dir, so it also
     * serves as the restart after {@link #stop()} or {@link #kill()}.
     *
     * @return how long the broker took to become healthy ({@link Duration#ZERO} if it already ran)
     * @throws StackException if a port is taken, no JDK 21+ is found, or the broker does not
     *     become healthy in time (the process is then stopped again)
     */
    public Duration start() {
        return LocalStack.locked(settings, () -> {
            final Instant deadline = Instant.now().plus(settings.startTimeout());
            if (node.process().isPresent()) {
                node.awaitHealthy(deadline);
                return Duration.ZERO;
            }
            // Checked before anything is spawned, so a clash reads "port taken", not a log tail.
            LocalStack.requireFree(settings.kafkaPort(), "Kafka", "StackSettings.withPorts");
            LocalStack.requireFree(settings.controllerPort(), "the Kafka controller", "StackSettings.withPorts");
            Files.createDirectories(settings.home());
            settings.record();
            final Instant spawned = Instant.now();
            if (jdk == null) {
                jdk = jdkFinder.find();
                distribution = Distribution.load();
            }
            final Process process = node.start(jdk, distribution, progress);
            try {
                node.awaitHealthy(process, deadline);
            } catch (final RuntimeException e) {
                // Leave no half-started broker behind: the caller gets the exception, not a process.
                node.stop(KILL_WAIT);
                throw e;
            }
            node.applySecurity();
            final Duration took = Duration.between(spawned, Instant.now());
            LOGGER.atInfo().addKeyValue("address", bootstrapServers()).addKeyValue("pid", process.pid())
                    .addKeyValue("startup_ms", took.toMillis()).log("Kafka broker healthy");
            return took;
        });
    }

    /** Creates the catalog topics ({@code Topics.all()}) that do not exist yet; returns those created. */
    public List<String> createCatalogTopics() {
        return node.createTopics();
    }

    /**
     * Stops the broker gracefully: SIGTERM (a controlled shutdown that flushes the logs and writes
     * the producer-state snapshots), then SIGKILL if it takes longer than the settings' stop
     * timeout. Returns once the process is gone; returns whether it was running.
     */
    public boolean stop() {
        return LocalStack.locked(settings, () -> {
            final Optional<Long> pid = node.process().map(ProcessHandle::pid);
            pid.ifPresent(p -> progress.accept("Stopping Kafka (pid " + p + ")"));
            final boolean wasRunning = node.stop(settings.stopTimeout());
            LOGGER.atInfo().addKeyValue("address", bootstrapServers()).addKeyValue("was_running", wasRunning)
                    .log("Kafka broker stopped");
            return wasRunning;
        });
    }

    /**
     * Kills the broker with SIGKILL, as a crash or the OOM killer would: no controlled shutdown,
     * so the next {@link #start()} recovers the logs. Returns once the process is gone; returns
     * whether it was running.
     */
    public boolean kill() {
        return LocalStack.locked(settings, () -> {
            final Optional<ProcessHandle> process = node.process();
            process.ifPresent(handle -> {
                progress.accept("Killing Kafka (pid " + handle.pid() + ") with SIGKILL");
                handle.destroyForcibly();
                if (!Processes.waitForExit(handle, KILL_WAIT)) {
                    throw new StackException("Kafka (pid " + handle.pid() + ") survived SIGKILL for "
                            + KILL_WAIT.toSeconds() + " s");
                }
            });
            node.deletePidFile();
            LOGGER.atInfo().addKeyValue("address", bootstrapServers()).addKeyValue("was_running", process.isPresent())
                    .log("Kafka broker killed");
            return process.isPresent();
        });
    }

    /** Stops the broker gracefully ({@link #stop()}); the data dir is kept. */
    @Override
    public void close() {
        stop();
    }
}
