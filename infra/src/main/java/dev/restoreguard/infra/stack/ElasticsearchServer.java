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
 * root, and files under {@code <home>/elasticsearch}. Healthy means the cluster is yellow or green
 * ({@code GET /_cluster/health}); every start installs the bundled index templates, and the first
 * unpacks the distribution.
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
