package dev.restoreguard.sinks.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an action until it succeeds, fails in a way {@link Retriable} calls permanent, or used up
 * the {@link RetryPolicy}'s attempts, sleeping a jittered exponential backoff in between. Shared by
 * the Elasticsearch sink (per bulk item) and every alert channel (per send).
 */
public final class RetryExecutor {

    private static final Logger LOGGER = LoggerFactory.getLogger(RetryExecutor.class);
    /** The longest Retry-After we honour: a receiver asking for an hour must not stall a pager. */
    private static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);

    private final RetryPolicy policy;
    private final Retriable retriable;
    private final Sleeper sleeper;

    public RetryExecutor(final RetryPolicy policy, final Retriable retriable) {
        this(policy, retriable, Sleeper.THREAD);
    }

    public RetryExecutor(final RetryPolicy policy, final Retriable retriable, final Sleeper sleeper) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.retriable = Objects.requireNonNull(retriable, "retriable");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    public RetryPolicy policy() {
        return policy;
    }

    /** Whether {@code failure} is worth another attempt by this executor's classification. */
    public boolean isRetriable(final Throwable failure) {
        return retriable.isRetriable(failure);
    }

    /**
     * Runs {@code action}; {@code listener} hears of every attempt's outcome (for delivery logs).
     *
     * @throws RetriesExhaustedException when the last allowed attempt failed retriably
     * @throws Exception                 the permanent failure as thrown
     */
    public <T> T call(final String what, final Callable<T> action, final AttemptListener listener) throws Exception {
        int attempt = 1;
        while (true) {
            final long started = System.nanoTime();
            try {
                final T result = action.call();
                listener.onAttempt(attempt, null, elapsed(started));
                return result;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw e;
            } catch (Exception e) {
                listener.onAttempt(attempt, e, elapsed(started));
                if (!retriable.isRetriable(e)) {
                    throw e;
                }
                if (attempt >= policy.maxAttempts()) {
                    throw new RetriesExhaustedException(what + ": gave up after " + attempt + " attempts: "
                            + e.getMessage(), e, attempt);
                }
                final Duration wait = waitAfter(attempt, e);
                LOGGER.atDebug().addKeyValue("what", what).addKeyValue("attempt", attempt)
                        .addKeyValue("wait_ms", wait.toMillis()).addKeyValue("error", e.toString())
                        .log("Retrying after a retriable failure");
                sleeper.sleep(wait);
                attempt++;
            }
        }
    }

    /** {@link #call} without a listener. */
    public <T> T call(final String what, final Callable<T> action) throws Exception {
        return call(what, action, AttemptListener.NONE);
    }

    /** The wait after failed attempt {@code attempt}: the jittered backoff, at least the receiver's Retry-After. */
    public Duration waitAfter(final int attempt, final Throwable failure) {
        final Duration backoff = policy.backoff(attempt);
        Throwable cause = failure;
        while (cause != null) {
            if (cause instanceof RetriableException r && r.retryAfter() != null) {
                final Duration hint = r.retryAfter().compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : r.retryAfter();
                return hint.compareTo(backoff) > 0 ? hint : backoff;
            }
            cause = cause.getCause();
        }
        return backoff;
    }

    /** Sleeps the wait after failed attempt {@code attempt} (for callers that retry items themselves). */
    public void pause(final int attempt, final Throwable failure) throws InterruptedException {
        sleeper.sleep(waitAfter(attempt, failure));
    }

    private static Duration elapsed(final long started) {
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /** Hears every attempt: {@code failure} is null for the successful one. */
    @FunctionalInterface
    public interface AttemptListener {
        AttemptListener NONE = (attempt, failure, duration) -> { };

        void onAttempt(int attempt, Throwable failure, Duration duration);
    }

    /** Sleeps; tests substitute one that records instead. */
    @FunctionalInterface
    public interface Sleeper {
        Sleeper THREAD = duration -> Thread.sleep(duration.toMillis());

        void sleep(Duration duration) throws InterruptedException;
    }
}
