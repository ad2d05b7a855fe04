package dev.restoreguard.streams.processor;

import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A task's stream time (the greatest event time it has seen, malformed records excluded), kept
 * in a changelogged store so it survives a restart. Decides whether a record may still revise
 * earlier verdicts.
 */
final class EngineClock {

    private static final String STREAM_TIME = "stream-time";
    private static final String REFERENCE_TIME = "reference-time";

    private final KeyValueStore<String, Long> meta;
    private final Duration allowedLateness;

    EngineClock(final KeyValueStore<String, Long> meta, final Duration allowedLateness) {
        this.meta = meta;
        this.allowedLateness = allowedLateness;
    }

    Instant streamTime() {
        final Long t = meta.get(STREAM_TIME);
        return t == null ? Instant.MIN : Instant.ofEpochMilli(t);
    }

    /** Whether a record with event time {@code at} is within the allowed lateness of stream time. */
    boolean mayRevise(final Instant at) {
        final Instant now = streamTime();
        return now == Instant.MIN || !at.isBefore(now.minus(allowedLateness));
    }

    /** How far behind stream time a record is (zero when it is not behind). */
    Duration lateness(final Instant at) {
        final Instant now = streamTime();
        return now == Instant.MIN || !at.isBefore(now) ? Duration.ZERO : Duration.between(at, now);
    }

    void observe(final Instant at) {
        final Long t = meta.get(STREAM_TIME);
        if (t == null || at.toEpochMilli() > t) {
            meta.put(STREAM_TIME, at.toEpochMilli());
        }
    }

    /**
     * The greatest event time of the reference records (DNS, accepted approvals, inventory) this
     * task applied. Every task receives the same reference records, so unlike stream time (which
     * also counts the task's own restores) it is the same in every task, and approval expiry
     * judged against it is the same verdict everywhere.
     */
    Instant referenceTime() {
        final Long t = meta.get(REFERENCE_TIME);
        return t == null ? Instant.MIN : Instant.ofEpochMilli(t);
    }

    void observeReference(final Instant at) {
        final Long t = meta.get(REFERENCE_TIME);
        if (t == null || at.toEpochMilli() > t) {
            meta.put(REFERENCE_TIME, at.toEpochMilli());
        }
    }

    Duration allowedLateness() {
        return allowedLateness;
    }
}
