package dev.restoreguard.sinks.retry;

import dev.restoreguard.events.config.ConfigException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Jittered exponential backoff shared by every sink: attempt {@code n} (1-based) that failed waits a
 * random time in {@code [0, min(maxBackoff, initialBackoff * 2^(n-1))]} ("full jitter"), so that many
 * sinks retrying against one recovering receiver do not arrive in lock-step.
 *
 * @param maxAttempts       attempts in total, including the first (at least 1)
 * @param initialBackoffMs  upper bound of the first wait
 * @param maxBackoffMs      cap of every wait
 */
public record RetryPolicy(Integer maxAttempts, Long initialBackoffMs, Long maxBackoffMs) {

    /** Defaults for a sink: 6 attempts, 200 ms doubling to at most 10 s. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(6, 200L, 10_000L);

    public RetryPolicy {
        maxAttempts = maxAttempts == null ? DEFAULT_MAX_ATTEMPTS : maxAttempts;
        initialBackoffMs = initialBackoffMs == null ? DEFAULT_INITIAL_MS : initialBackoffMs;
        maxBackoffMs = maxBackoffMs == null ? Math.max(DEFAULT_MAX_MS, initialBackoffMs) : maxBackoffMs;
        ConfigException.check(maxAttempts >= 1, "max_attempts", "must be at least 1, was " + maxAttempts);
        ConfigException.check(initialBackoffMs >= 0, "initial_backoff_ms", "must not be negative");
        ConfigException.check(maxBackoffMs >= initialBackoffMs, "max_backoff_ms",
                "must be at least initial_backoff_ms (" + initialBackoffMs + ")");
    }

    private static final int DEFAULT_MAX_ATTEMPTS = 6;
    private static final long DEFAULT_INITIAL_MS = 200;
    private static final long DEFAULT_MAX_MS = 10_000;

    /** A policy with the given attempts and bounds. */
    public static RetryPolicy of(final int maxAttempts, final Duration initial, final Duration max) {
        return new RetryPolicy(maxAttempts, initial.toMillis(), max.toMillis());
    }

    /** The cap of the wait after failed attempt {@code attempt} (1-based), before jitter. */
    public Duration ceiling(final int attempt) {
        final int shift = Math.min(Math.max(attempt - 1, 0), 30);
        final long ceiling = initialBackoffMs << shift;
        return Duration.ofMillis(ceiling < 0 || ceiling > maxBackoffMs ? maxBackoffMs : ceiling);
    }

    /** A jittered wait after failed attempt {@code attempt}: uniform in {@code [0, ceiling]}. */
    public Duration backoff(final int attempt) {
        final long ceiling = ceiling(attempt).toMillis();
        return Duration.ofMillis(ceiling == 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling + 1));
    }
}
