package dev.restoreguard.infra.stack;

import java.time.Duration;
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
public final class ElasticsearchServer extends ControlledNode {

    private static final Logger LOGGER = LoggerFactory.getLogger(ElasticsearchServer.class);
    private static final Duration ABANDON_WAIT = Duration.ofSeconds(10);

    private final ElasticsearchNode node;

    /** The node of {@code settings} (only its home, Elasticsearch port and timeouts are used); progress goes to the log. */
    public ElasticsearchServer(final StackSettings settings) {
        this(settings, message -> LOGGER.info(message), new JdkFinder());
    }

    ElasticsearchServer(final StackSettings settings, final Consumer<String> progress, final JdkFinder jdkFinder) {
        this(settings, progress, jdkFinder, new ElasticsearchNode(settings));
    }

    private ElasticsearchServer(final StackSettings settings, final Consumer<String> progress, final JdkFinder jdkFinder,
                                final ElasticsearchNode node) {
        super(settings, progress, jdkFinder, node, "Elasticsearch");
        this.node = node;
    }

    /** {@code http://127.0.0.1:<elasticsearchPort>}; the same before and after a restart. */
    public String url() {
        return settings.elasticsearchUrl();
    }

    /**
     * Starts the node unless it runs, waits (up to the settings' start timeout) until the cluster is
     * yellow or green ({@code GET /_cluster/health}), and installs the bundled index templates. The
     * first start unpacks the distribution; later ones reuse it and the data dir, so it also serves
     * as the restart after {@link #stop()}.
     */
    @Override
    public Duration start() {
        return super.start();
    }

    @Override
    String address() {
        return url();
    }

    @Override
    void requirePortsFree() {
        LocalStack.requireFree(settings.elasticsearchPort(), "Elasticsearch", "StackSettings.withPorts");
    }

    @Override
    void whenHealthy(final boolean startedNow) {
        node.installTemplates();
    }

    @Override
    void abandon(final Process launcher) {
        if (launcher.isAlive()) {
            Processes.killTree(launcher.toHandle());
        }
        node.stop(ABANDON_WAIT);
    }

    /**
     * Stops the node gracefully (SIGTERM, then SIGKILL after the settings' stop timeout). Returns
     * once the process is gone; returns whether it was running.
     */
    @Override
    public boolean stop() {
        return super.stop();
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
}
