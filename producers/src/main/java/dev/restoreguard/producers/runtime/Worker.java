package dev.restoreguard.producers.runtime;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A collector's single daemon worker thread: every read of the source and every state change runs
 * on it, so they stay serialized. {@link #close} stops it and waits up to 5 s for the current task.
 */
public final class Worker implements AutoCloseable {

    private final ScheduledExecutorService executor;

    /** Starts a worker whose thread is named {@code threadName}. */
    public Worker(final String threadName) {
        this.executor = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().name(threadName).daemon().unstarted(r));
    }

    /** Runs {@code task} on the worker and waits for it. */
    public void runNow(final Runnable task) throws InterruptedException, ExecutionException {
        executor.submit(task).get();
    }

    /** Runs {@code task} every {@code delay} (between the end of one run and the start of the next), first after {@code delay}. */
    public void every(final Duration delay, final Runnable task) {
        executor.scheduleWithFixedDelay(task, delay.toMillis(), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs {@code task} once after {@code delay}. */
    public ScheduledFuture<?> after(final Duration delay, final Runnable task) {
        return executor.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether {@link #close} has been called. */
    public boolean isShutdown() {
        return executor.isShutdown();
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
