package dev.restoreguard.streams.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.LockException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what happens to a stream thread that died of an exception nothing else handled (bad
 * records never get here: {@link DeadLetterHandler} takes them). A transient failure (a retriable
 * Kafka error, a timeout, an I/O hiccup, a state-directory lock still held) replaces the thread,
 * so a broker restart does not stop detection. Anything else, or more than
 * {@link #MAX_REPLACEMENTS} transient failures within {@link #REPLACEMENT_WINDOW}, shuts this
 * client down: a crash loop would hide the problem, while a dead engine fails its readiness check
 * and is restarted (and looked at) by whatever supervises it.
 */
final class EngineExceptionHandler implements StreamsUncaughtExceptionHandler {

    private static final Logger LOGGER = LoggerFactory.getLogger(EngineExceptionHandler.class);

    /** Most thread replacements accepted within {@link #REPLACEMENT_WINDOW}. */
    static final int MAX_REPLACEMENTS = 5;
    static final Duration REPLACEMENT_WINDOW = Duration.ofMinutes(10);

    private final Clock clock;
    private final Deque<Instant> recentReplacements = new ArrayDeque<>();
    private final AtomicLong replacements = new AtomicLong();
    private final AtomicLong uncaught = new AtomicLong();

    EngineExceptionHandler(final Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized StreamThreadExceptionResponse handle(final Throwable exception) {
        uncaught.incrementAndGet();
        final Throwable root = rootCause(exception);
        final boolean transientFailure = isTransient(exception);
        final Instant now = clock.instant();
        while (!recentReplacements.isEmpty() && recentReplacements.peekFirst().isBefore(now.minus(REPLACEMENT_WINDOW))) {
            recentReplacements.removeFirst();
        }
        final StreamThreadExceptionResponse response;
        if (transientFailure && recentReplacements.size() < MAX_REPLACEMENTS) {
            recentReplacements.addLast(now);
            replacements.incrementAndGet();
            response = StreamThreadExceptionResponse.REPLACE_THREAD;
        } else {
            response = StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        LOGGER.atError().setCause(exception)
                .addKeyValue("thread", Thread.currentThread().getName())
                .addKeyValue("exception", exception.getClass().getName())
                .addKeyValue("root_cause", root.getClass().getName())
                .addKeyValue("root_message", String.valueOf(root.getMessage()))
                .addKeyValue("transient", transientFailure)
                .addKeyValue("recent_replacements", recentReplacements.size())
                .addKeyValue("response", response.name())
                .log(response == StreamThreadExceptionResponse.REPLACE_THREAD
                        ? "stream thread died of a transient failure: replacing it"
                        : "stream thread died: shutting the engine down");
        return response;
    }

    /** Stream threads replaced since start. */
    long replacements() {
        return replacements.get();
    }

    /** Uncaught stream-thread exceptions since start. */
    long uncaught() {
        return uncaught.get();
    }

    /** Whether the failure is worth a new thread: something in its cause chain is known to pass. */
    static boolean isTransient(final Throwable exception) {
        Throwable t = exception;
        for (int depth = 0; t != null && depth < 20; depth++) {
            if (t instanceof RetriableException || t instanceof IOException || t instanceof UncheckedIOException
                    || t instanceof LockException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
            t = t.getCause();
        }
        return false;
    }

    private static Throwable rootCause(final Throwable exception) {
        Throwable root = exception;
        for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 20; depth++) {
            root = root.getCause();
        }
        return root;
    }
}
