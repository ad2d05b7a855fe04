package dev.restoreguard.sinks.service;

import dev.restoreguard.sinks.SinkException;
import dev.restoreguard.sinks.SinkRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running sink deployable: one or more {@link SinkRunner}s (the Elasticsearch sink; one per alert
 * channel), each on its own thread, the resources they share (clients, producers), and the health
 * that {@code /health/live} and {@code /health/ready} report. Closing stops the loops first, then
 * the shared resources.
 */
public final class SinkService implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(SinkService.class);

    private final String name;
    private final List<SinkRunner<?>> runners;
    private final List<AutoCloseable> resources;
    private final Metrics metrics;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;

    public SinkService(final String name, final List<SinkRunner<?>> runners, final List<AutoCloseable> resources,
                       final Metrics metrics) {
        this.name = Objects.requireNonNull(name, "name");
        this.runners = List.copyOf(runners);
        this.resources = List.copyOf(resources);
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        for (final SinkRunner<?> runner : this.runners) {
            metrics.gauge("restoreguard_sink_up", () -> runner.ready() ? 1 : 0, "sink", runner.name());
        }
    }

    public String name() {
        return name;
    }

    public Metrics metrics() {
        return metrics;
    }

    public List<SinkRunner<?>> runners() {
        return runners;
    }

    /**
     * Validates every destination and starts the loops. A destination that fails validation fails
     * the start (fail fast: a wrong URL or key is better found at 3 p.m. than at the 2 a.m. alert).
     */
    public void start() throws SinkException {
        for (final SinkRunner<?> runner : runners) {
            runner.prepare();
        }
        for (final SinkRunner<?> runner : runners) {
            final Thread thread = Thread.ofPlatform().name("restoreguard-sink-" + runner.name()).daemon(false).unstarted(runner);
            threads.add(thread);
            thread.start();
        }
        LOGGER.atInfo().addKeyValue("service", name).addKeyValue("sinks", runners.stream().map(SinkRunner::name).toList())
                .log("Sink service started");
    }

    /** Every loop is alive (none died of a fatal error). */
    public boolean live() {
        return !closed && runners.stream().allMatch(SinkRunner::live);
    }

    /** Some loop died of a fatal error (as opposed to being closed). */
    public boolean failed() {
        return runners.stream().anyMatch(r -> r.state() == SinkRunner.State.FAILED);
    }

    /** Every loop consumes and its last batch was delivered. */
    public boolean ready() {
        return !closed && runners.stream().allMatch(SinkRunner::ready);
    }

    /** A one-line-per-sink description of the state, for the health endpoints. */
    public String describe() {
        final StringBuilder out = new StringBuilder();
        for (final SinkRunner<?> runner : runners) {
            out.append(runner.name()).append(' ').append(runner.state());
            if (runner.lastError() != null) {
                out.append(" (").append(runner.lastError()).append(')');
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** Blocks until every loop ended (closed or failed). */
    public void awaitTermination() throws InterruptedException {
        for (final Thread thread : threads) {
            thread.join();
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (final SinkRunner<?> runner : runners) {
            runner.close();
        }
        for (final AutoCloseable resource : resources.reversed()) {
            try {
                resource.close();
            } catch (Exception e) {
                LOGGER.atWarn().addKeyValue("service", name).setCause(e).log("Cannot close a resource");
            }
        }
    }
}
