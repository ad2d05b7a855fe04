package dev.restoreguard.sinks.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    private Instant now = Instant.parse("2026-11-20T16:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(final java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private final CircuitBreaker breaker = new CircuitBreaker("slack", new CircuitBreaker.Settings(3, 10_000L), clock);

    @Test
    void shouldOpenAfterConsecutiveFailuresAndFailFast() {
        for (int i = 0; i < 3; i++) {
            breaker.acquire();
            breaker.onFailure();
        }
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThatThrownBy(breaker::acquire).isInstanceOf(CircuitOpenException.class)
                .satisfies(e -> assertThat(((CircuitOpenException) e).retryAfter()).isEqualTo(Duration.ofSeconds(10)));
    }

    @Test
    void shouldLetOneTrialThroughAfterTheOpenTimeAndCloseOnSuccess() {
        for (int i = 0; i < 3; i++) {
            breaker.onFailure();
        }
        now = now.plusSeconds(11);
        breaker.acquire();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThatThrownBy(breaker::acquire).as("only one trial at a time").isInstanceOf(CircuitOpenException.class);
        breaker.onSuccess();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        breaker.acquire();
    }

    @Test
    void shouldReopenWhenTheTrialFails() {
        for (int i = 0; i < 3; i++) {
            breaker.onFailure();
        }
        now = now.plusSeconds(11);
        breaker.acquire();
        breaker.onFailure();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThatThrownBy(breaker::acquire).isInstanceOf(CircuitOpenException.class);
    }

    @Test
    void shouldResetTheFailureCountOnSuccess() {
        breaker.onFailure();
        breaker.onFailure();
        breaker.onSuccess();
        breaker.onFailure();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }
}
