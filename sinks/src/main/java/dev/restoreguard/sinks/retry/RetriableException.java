package dev.restoreguard.sinks.retry;

import java.time.Duration;

/**
 * A failure that another attempt may cure, optionally with the receiver's own hint of when to come
 * back ({@code Retry-After}), which the {@link RetryExecutor} honours as a minimum wait.
 */
public class RetriableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Duration retryAfter;

    public RetriableException(final String message) {
        this(message, null, null);
    }

    public RetriableException(final String message, final Throwable cause) {
        this(message, cause, null);
    }

    public RetriableException(final String message, final Throwable cause, final Duration retryAfter) {
        super(message, cause);
        this.retryAfter = retryAfter;
    }

    /** The receiver's requested wait, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
