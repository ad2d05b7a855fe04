package dev.restoreguard.producers.runtime;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Worker} that runs one poll of a remote API (Veeam REST, ServiceNow) now and then every
 * interval. A failed poll (the API down, refused credentials) is logged, counted on
 * {@link Metrics#ERRORS} and retried at the next interval, never fatal; {@link #lastPollOk()}
 * tells the collector's readiness.
 */
public final class PollingWorker implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(PollingWorker.class);

    /** One poll. */
    public interface Poll {
        void run() throws IOException, InterruptedException;
    }

    private final Worker worker;
    private final String name;
    private final Metrics metrics;
    private volatile boolean lastPollOk;
    private Poll poll;

    public PollingWorker(final String name, final Metrics metrics) {
        this.worker = new Worker(name);
        this.name = name;
        this.metrics = metrics;
    }

    /** Polls once now (waiting for it), then every {@code interval}. */
    public void start(final Duration interval, final Poll task) throws InterruptedException, ExecutionException {
        this.poll = task;
        worker.runNow(this::pollSafely);
        worker.every(interval, this::pollSafely);
    }

    /** Polls now and waits (tests). */
    public void pollNow() throws InterruptedException, ExecutionException {
        worker.runNow(this::pollSafely);
    }

    /** Whether the last poll succeeded. */
    public boolean lastPollOk() {
        return lastPollOk;
    }

    private void pollSafely() {
        try {
            poll.run();
            lastPollOk = true;
        } catch (IOException | RuntimeException e) {
            lastPollOk = false;
            metrics.increment(Metrics.ERRORS);
            LOGGER.atWarn().addKeyValue("poller", name).addKeyValue("error", e.toString())
                    .log("Poll failed; retrying at the next poll");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        worker.close();
    }
}
