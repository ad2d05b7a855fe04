package dev.restoreguard.sinks.retry;

/** The last attempt a {@link RetryPolicy} allows failed retriably; the cause is that failure. */
public final class RetriesExhaustedException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int attempts;

    public RetriesExhaustedException(final String message, final Throwable cause, final int attempts) {
        super(message, cause);
        this.attempts = attempts;
    }

    public int attempts() {
        return attempts;
    }
}
