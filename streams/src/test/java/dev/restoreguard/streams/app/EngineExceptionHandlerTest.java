package dev.restoreguard.streams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

class EngineExceptionHandlerTest {

    /** A clock the test moves by hand. */
    private static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-11-20T16:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(final ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void shouldReplaceTheThreadForATransientFailureWrappedByStreams() {
        final EngineExceptionHandler handler = new EngineExceptionHandler(Clock.systemUTC());

        assertThat(handler.handle(new StreamsException("task failed", new TimeoutException("broker gone"))))
                .isEqualTo(REPLACE_THREAD);
        assertThat(handler.replacements()).isEqualTo(1);
    }

    @Test
    void shouldShutDownTheClientForABug() {
        final EngineExceptionHandler handler = new EngineExceptionHandler(Clock.systemUTC());

        assertThat(handler.handle(new StreamsException(new IllegalStateException("invariant broken"))))
                .isEqualTo(SHUTDOWN_CLIENT);
        assertThat(handler.replacements()).isZero();
        assertThat(handler.uncaught()).isEqualTo(1);
    }

    @Test
    void shouldStopReplacingThreadsInACrashLoopAndStartAgainAfterTheWindow() {
        final MovableClock clock = new MovableClock();
        final EngineExceptionHandler handler = new EngineExceptionHandler(clock);
        final RuntimeException transientFailure = new StreamsException(new TimeoutException("again"));

        for (int i = 0; i < EngineExceptionHandler.MAX_REPLACEMENTS; i++) {
            assertThat(handler.handle(transientFailure)).isEqualTo(REPLACE_THREAD);
        }
        assertThat(handler.handle(transientFailure)).isEqualTo(SHUTDOWN_CLIENT);

        clock.now = clock.now.plus(EngineExceptionHandler.REPLACEMENT_WINDOW).plus(Duration.ofSeconds(1));
        assertThat(handler.handle(transientFailure)).isEqualTo(REPLACE_THREAD);
    }
}
