package dev.restoreguard.sinks.retry;

/**
 * Sorts failures into those worth another attempt (a timeout, HTTP 429 or 5xx, a refused
 * connection) and those that will fail the same way every time (a rejected document, an invalid
 * payload). Each sink has its own classification; the {@link RetryExecutor} only asks it.
 */
@FunctionalInterface
public interface Retriable {

    /** Whether another attempt may succeed. */
    boolean isRetriable(Throwable failure);

    /** Retries {@link RetriableException}s and I/O errors, nothing else. */
    Retriable DEFAULT = failure -> failure instanceof RetriableException
            || failure instanceof java.io.IOException
            || failure instanceof java.io.UncheckedIOException;
}
