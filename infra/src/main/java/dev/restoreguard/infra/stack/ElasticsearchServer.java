package dev.restoreguard.infra.stack;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Only the Elasticsearch node of a local stack (no Kafka), under the caller's control: started,
 * stopped and started again on the same data dir and port, so the indices, data streams and
 * templates written before the stop are still there when the same node comes back. It runs the
 * same {@code ElasticsearchNode} as {@link LocalStack#up()}: same command line, service user when
 * root, and files under {@code <home>/elasticsearch}.
 *
 * <p>Meant for tests that take Elasticsearch away while a sink writes to it (the shared test
 * stack's node cannot go, other tests use it). Give it a home and an HTTP port of its own; it
 * takes the home's lock like {@code up} and {@code down}.
 *
 * <pre>{@code
 * try (ElasticsearchServer es = LocalStack.elasticsearchOnly(settings)) {
 *     es.start();   // healthy, index templates installed
 *     ...
 *     es.stop();
 *     es.start();   // same data, same port
 * }
 * }</pre>
 */
public final class ElasticsearchServer implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(ElasticsearchServer.class);

    private final StackSettings settings;
    private final Consumer<String> progress;
    private final JdkFinder jdkFinder;
    private final ElasticsearchNode node;
    // Resolved on the first start and reused, as KafkaBroker does: a restart must not depend on
    // finding them again.
    private Jdk jdk;
    private Distribution distribution;

    /** The node of {@code settings} (only its home, Elasticsearch port and timeouts are used); progress goes to the log. */
    public ElasticsearchServer(final StackSettings settings) {
        this(settings, message -> LOGGER.info(message), new JdkFinder());
    }

    ElasticsearchServer(final StackSettings settings, final Consumer<String> progress, final JdkFinder jdkFinder) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.progress = Objects.requireNonNull(progress, "progress");
        this.jdkFinder = Objects.requireNonNull(jdkFinder, "jdkFinder");
        this.node = new ElasticsearchNode(settings);
    }

    /** {@code http://127.0.0.1:<elasticsearchPort>}; the same before and after a restart. */
    public String url() {
        return settings.elasticsearchUrl();
    }

    /** Current state; the health check is {@code GET /_cluster/health}. */
    public ComponentStatus status() {
        return node.status();
    }

    /** Whether a node process of this home runs (healthy or not). */
    public boolean running() {
        return node.process().isPresent();
    }

    /**
     * Starts the node unless it runs, waits (up to the settings' start timeout) until the cluster is
     * yellow or green, and installs the bundled index templates. The first start unpacks the
     * distribution; later ones reuse it and the data dir, so it also serves as the restart after
     * {@link #stop()}.
     *
     * @return how long the node took to become healthy ({@link Duration#ZERO} if it already ran)
     * @throws StackException if the port is taken, no JDK 21+ is found, or the node does not become
     *     healthy in time (what was started is then stopped again)
     */
    public Duration start() {
        return LocalStack.locked(settings, () -> {
            final Instant deadline = Instant.now().plus(settings.startTimeout());
            if (node.process().isPresent()) {
                node.awaitHealthy(deadline);
                node.installTemplates();
                return Duration.ZERO;
            }
            LocalStack.requireFree(settings.elasticsearchPort(), "Elasticsearch", "StackSettings.withPorts");
            Files.createDirectories(settings.home());
            settings.record();
            final Instant spawned = Instant.now();
            if (jdk == null) {
                jdk = jdkFinder.find();
                distribution = Distribution.load();
            }
            final Process launcher = node.start(jdk, distribution, progress);
            try {
                node.awaitHealthy(launcher, deadline);
                node.installTemplates();
            } catch (final RuntimeException e) {
                // Leave no half-started node behind (the pid file may not be written yet).
                if (launcher.isAlive()) {
                    Processes.killTree(launcher.toHandle());
                }
                node.stop(Duration.ofSeconds(10));
                throw e;
            }
            final Duration took = Duration.between(spawned, Instant.now());
            LOGGER.atInfo().addKeyValue("address", url()).addKeyValue("startup_ms", took.toMillis())
                    .log("Elasticsearch healthy");
            return took;
        });
    }

    /**
     * Stops the node gracefully (SIGTERM, then SIGKILL after the settings' stop timeout). Returns
     * once the process is gone; returns whether it was running.
     */
    public boolean stop() {
        return LocalStack.locked(settings, () -> {
            final Optional<Long> pid = node.process().map(ProcessHandle::pid);
            pid.ifPresent(p -> progress.accept("Stopping Elasticsearch (pid " + p + ")"));
            final boolean wasRunning = node.stop(settings.stopTimeout());
            LOGGER.atInfo().addKeyValue("address", url()).addKeyValue("was_running", wasRunning)
                    .log("Elasticsearch stopped");
            return wasRunning;
        });
    }

    /** Deletes the node's indices (the unpacked distribution stays); the node must be stopped. */
    public void deleteData() {
        LocalStack.locked(settings, () -> {
            if (node.process().isPresent()) {
                throw new StackException("Stop Elasticsearch in " + settings.home() + " before deleting its data");
            }
            node.deleteData();
            return null;
        });
    }

    /** Stops the node ({@link #stop()}); the data dir is kept. */
    @Override
    public void close() {
        stop();
    }
}
