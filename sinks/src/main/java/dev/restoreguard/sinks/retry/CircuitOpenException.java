package dev.restoreguard.sinks.retry;

import java.time.Duration;

/** An attempt refused without trying because the receiver's {@link CircuitBreaker} is open. */
public final class CircuitOpenException extends RetriableException {

    private static final long serialVersionUID = 1L;

    public CircuitOpenException(final String name, final Duration remaining) {
        super("circuit of " + name + " is open for another " + remaining.toMillis() + " ms", null, remaining);
    }
}
