package dev.restoreguard.infra.stack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Only the Kafka broker of a local stack (no Elasticsearch), under the caller's control: started,
 * stopped gracefully or killed with SIGKILL, and started again on the same data dir and ports, so
 * the topics, offsets, producer state and KRaft metadata written before the stop are still there.
 * It runs the same {@code KafkaNode} as {@link LocalStack#up()}: same command line, configuration
 * and files under {@code <home>/kafka}. Healthy means a bounded {@code describeCluster} answers;
 * the first start formats the storage, and a graceful stop is a controlled shutdown that flushes
 * the logs and writes the producer-state snapshots.
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
public final class KafkaBroker extends ControlledNode {

    private static final Logger LOGGER = LoggerFactory.getLogger(KafkaBroker.class);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private final KafkaNode node;

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
        this(settings, progress, jdkFinder, new KafkaNode(settings));
    }

    private KafkaBroker(final StackSettings settings, final Consumer<String> progress, final JdkFinder jdkFinder,
                        final KafkaNode node) {
        super(settings, progress, jdkFinder, node, "Kafka");
        this.node = node;
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

    @Override
    String address() {
        return bootstrapServers();
    }

    @Override
    void requirePortsFree() {
        LocalStack.requireFree(settings.kafkaPort(), "Kafka", "StackSettings.withPorts");
        LocalStack.requireFree(settings.controllerPort(), "the Kafka controller", "StackSettings.withPorts");
    }

    @Override
    void whenHealthy(final boolean startedNow) {
        if (startedNow) {
            node.applySecurity();
        }
    }

    @Override
    void abandon(final Process spawned) {
        // Leave no half-started broker behind: the caller gets the exception, not a process.
        node.stop(KILL_WAIT);
    }

    /** Creates the catalog topics ({@code Topics.all()}) that do not exist yet; returns those created. */
    public List<String> createCatalogTopics() {
        return node.createTopics();
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
}
