package dev.restoreguard.sinks.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryExecutorTest {

    private final List<Duration> sleeps = new ArrayList<>();
    private final RetryExecutor executor = new RetryExecutor(new RetryPolicy(4, 100L, 1000L), Retriable.DEFAULT, sleeps::add);

    @Test
    void shouldRetryRetriableFailuresUntilSuccess() throws Exception {
        final AtomicInteger calls = new AtomicInteger();
        final List<Integer> attempts = new ArrayList<>();
        final String result = executor.call("send", () -> {
            if (calls.incrementAndGet() < 3) {
                throw new IOException("connection refused");
            }
            return "ok";
        }, (attempt, failure, duration) -> attempts.add(attempt));
        assertThat(result).isEqualTo("ok");
        assertThat(calls).hasValue(3);
        assertThat(attempts).containsExactly(1, 2, 3);
        assertThat(sleeps).hasSize(2).allSatisfy(d -> assertThat(d).isBetween(Duration.ZERO, Duration.ofMillis(1000)));
    }

    @Test
    void shouldNotRetryPermanentFailures() {
        final AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> executor.call("send", () -> {
            calls.incrementAndGet();
            throw new IllegalArgumentException("invalid payload");
        })).isInstanceOf(IllegalArgumentException.class);
        assertThat(calls).hasValue(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void shouldGiveUpAfterMaxAttempts() {
        final AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> executor.call("send", () -> {
            calls.incrementAndGet();
            throw new RetriableException("HTTP 503");
        })).isInstanceOf(RetriesExhaustedException.class).hasMessageContaining("4 attempts")
                .hasRootCauseMessage("HTTP 503");
        assertThat(calls).hasValue(4);
        assertThat(sleeps).hasSize(3);
    }

    @Test
    void shouldHonourRetryAfterAsMinimumWait() {
        final Duration wait = executor.waitAfter(1, new RetriableException("429", null, Duration.ofSeconds(5)));
        assertThat(wait).isEqualTo(Duration.ofSeconds(5));
        assertThat(executor.waitAfter(1, new RetriableException("429", null, Duration.ofHours(1))))
                .as("a receiver cannot stall a pager for an hour").isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void shouldGrowBackoffCeilingExponentiallyUpToTheCap() {
        final RetryPolicy policy = new RetryPolicy(10, 100L, 1000L);
        assertThat(policy.ceiling(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.ceiling(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.ceiling(4)).isEqualTo(Duration.ofMillis(800));
        assertThat(policy.ceiling(5)).isEqualTo(Duration.ofMillis(1000));
        assertThat(policy.ceiling(64)).isEqualTo(Duration.ofMillis(1000));
        for (int i = 0; i < 200; i++) {
            assertThat(policy.backoff(3)).isBetween(Duration.ZERO, Duration.ofMillis(400));
        }
    }

    @Test
    void shouldJitterBackoff() {
        final RetryPolicy policy = new RetryPolicy(10, 1000L, 1000L);
        final long distinct = java.util.stream.IntStream.range(0, 50).mapToObj(i -> policy.backoff(1)).distinct().count();
        assertThat(distinct).as("waits spread out, not lock-step").isGreaterThan(10);
    }
}
