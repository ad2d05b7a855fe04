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
 * The start and stop that {@link KafkaBroker} and {@link ElasticsearchServer} share: under the
 * home's lock, ports checked before anything is spawned, the JDK and distribution resolved once,
 * and nothing half-started left behind when the node does not become healthy.
 */
public abstract sealed class ControlledNode implements AutoCloseable permits KafkaBroker, ElasticsearchServer {

    private static final Logger LOGGER = LoggerFactory.getLogger(ControlledNode.class);

    final StackSettings settings;
    final Consumer<String> progress;
    private final JdkFinder jdkFinder;
    private final ChildNode node;
    private final String name;
    // Resolved on the first start and reused: a restart must not depend on finding them again
    // (a build that re-installs the infra jar under a running test JVM makes its resources unreadable).
    private Jdk jdk;
    private Distribution distribution;

    /**
     * @param name the node as progress and log lines name it ("Kafka", "Elasticsearch")
     */
    ControlledNode(final StackSettings settings, final Consumer<String> progress, final JdkFinder jdkFinder,
                   final ChildNode node, final String name) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.progress = Objects.requireNonNull(progress, "progress");
        this.jdkFinder = Objects.requireNonNull(jdkFinder, "jdkFinder");
        this.node = node;
        this.name = name;
    }

    /** Where clients reach the node, for the log lines. */
    abstract String address();

    /** Throws a {@link StackException} naming the port when one the node needs is taken. */
    abstract void requirePortsFree();

    /** Readies a node that has become healthy (also one that already ran) before {@link #start()} returns. */
    abstract void whenHealthy(boolean startedNow);

    /** Stops what a start that failed has spawned, the pid file perhaps not written yet. */
    abstract void abandon(Process spawned);

    /** Current state of the node. */
    public ComponentStatus status() {
        return node.status();
    }

    /** Whether a process of this node and home runs (healthy or not). */
    public boolean running() {
        return node.process().isPresent();
    }

    /**
     * Starts the node unless it runs and waits (up to the settings' start timeout) until it is
     * healthy. The first start creates the node's files; later ones reuse them, so it also serves
     * as the restart after {@link #stop()}.
     *
     * @return how long the node took to become healthy ({@link Duration#ZERO} if it already ran)
     * @throws StackException if a port is taken, no JDK 21+ is found, or the node does not become
     *     healthy in time (what was started is then stopped again)
     */
    public Duration start() {
        return LocalStack.locked(settings, () -> {
            final Instant deadline = Instant.now().plus(settings.startTimeout());
            if (node.process().isPresent()) {
                node.awaitHealthy(deadline);
                whenHealthy(false);
                return Duration.ZERO;
            }
            // Checked before anything is spawned, so a clash reads "port taken", not a log tail.
            requirePortsFree();
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
                whenHealthy(true);
            } catch (final RuntimeException e) {
                abandon(process);
                throw e;
            }
            final Duration took = Duration.between(spawned, Instant.now());
            LOGGER.atInfo().addKeyValue("node", name).addKeyValue("address", address())
                    .addKeyValue("pid", node.process().map(ProcessHandle::pid).orElse(process.pid()))
                    .addKeyValue("startup_ms", took.toMillis()).log("Node healthy");
            return took;
        });
    }

    /**
     * Stops the node gracefully: SIGTERM, then SIGKILL if it takes longer than the settings' stop
     * timeout. Returns once the process is gone; returns whether it was running.
     */
    public boolean stop() {
        return LocalStack.locked(settings, () -> {
            final Optional<Long> pid = node.process().map(ProcessHandle::pid);
            pid.ifPresent(p -> progress.accept("Stopping " + name + " (pid " + p + ")"));
            final boolean wasRunning = node.stop(settings.stopTimeout());
            LOGGER.atInfo().addKeyValue("node", name).addKeyValue("address", address())
                    .addKeyValue("was_running", wasRunning).log("Node stopped");
            return wasRunning;
        });
    }

    /** Stops the node gracefully ({@link #stop()}); its data is kept. */
    @Override
    public void close() {
        stop();
    }
}
