package dev.restoreguard.sinks.retry;

import dev.restoreguard.events.config.ConfigException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Stops hammering a receiver that is down: after {@code failureThreshold} consecutive failed
 * attempts the circuit opens and every attempt fails fast with {@link CircuitOpenException} (which
 * is retriable and says how long to wait) for {@code openDuration}; then one trial attempt is let
 * through (half-open): success closes the circuit, failure opens it again.
 */
public final class CircuitBreaker {

    /** The breaker's state, exported as a metric (0 closed, 1 half-open, 2 open). */
    public enum State { CLOSED, HALF_OPEN, OPEN }

    private final String name;
    private final int failureThreshold;
    private final Duration openDuration;
    private final Clock clock;

    private State state = State.CLOSED;
    private int consecutiveFailures;
    private Instant openedAt;
    private boolean trialInFlight;

    public CircuitBreaker(final String name, final Settings settings, final Clock clock) {
        this.name = Objects.requireNonNull(name, "name");
        this.failureThreshold = settings.failureThreshold();
        this.openDuration = Duration.ofMillis(settings.openMs());
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Asks to make an attempt; throws {@link CircuitOpenException} while the circuit is open. */
    public synchronized void acquire() {
        if (state == State.OPEN) {
            final Duration remaining = Duration.between(clock.instant(), openedAt.plus(openDuration));
            if (!remaining.isNegative() && !remaining.isZero()) {
                throw new CircuitOpenException(name, remaining);
            }
            state = State.HALF_OPEN;
            trialInFlight = false;
        }
        if (state == State.HALF_OPEN) {
            if (trialInFlight) {
                throw new CircuitOpenException(name, openDuration);
            }
            trialInFlight = true;
        }
    }

    /** Records a successful attempt: closes the circuit. */
    public synchronized void onSuccess() {
        state = State.CLOSED;
        consecutiveFailures = 0;
        trialInFlight = false;
    }

    /** Records a failed attempt: opens the circuit at the threshold, or again after a failed trial. */
    public synchronized void onFailure() {
        consecutiveFailures++;
        trialInFlight = false;
        if (state == State.HALF_OPEN || consecutiveFailures >= failureThreshold) {
            state = State.OPEN;
            openedAt = clock.instant();
        }
    }

    public synchronized State state() {
        return state;
    }

    /**
     * Breaker settings.
     *
     * @param failureThreshold consecutive failures that open the circuit
     * @param openMs           how long it stays open before a trial attempt
     */
    public record Settings(Integer failureThreshold, Long openMs) {
        public static final Settings DEFAULT = new Settings(5, 30_000L);

        public Settings {
            failureThreshold = failureThreshold == null ? 5 : failureThreshold;
            openMs = openMs == null ? 30_000L : openMs;
            ConfigException.check(failureThreshold >= 1, "failure_threshold", "must be at least 1");
            ConfigException.check(openMs >= 0, "open_ms", "must not be negative");
        }
    }
}
