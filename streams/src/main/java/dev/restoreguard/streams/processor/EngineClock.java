package dev.restoreguard.streams.processor;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A task's stream time (the greatest event time it has seen, malformed records excluded), kept
 * in a changelogged store so it survives a restart, and the stream time as it stood when each
 * record <em>arrived</em>. Decides whether a record may still revise earlier verdicts.
 *
 * <p>A record's lateness is measured against the stream time of the records that reached Kafka
 * before it (its arrival: the record timestamp, which the input topics set on append,
 * {@code message.timestamp.type=LogAppendTime}), not against the order the task happens to read
 * them in. Kafka Streams reads a task's partitions in timestamp order only among partitions with
 * buffered records; while the engine works through a backlog it can read a whole burst of hosts
 * snapshots and restores before the reference copies that preceded them (the engine writes those
 * copies itself, so their partition looks caught up). Measured against the reading order, those
 * copies would be too late to revise the verdicts given without them; measured against their
 * arrival they are as late as they were when they reached Kafka, and revise as the contract says.
 *
 * <p>The stream time by arrival is a step function kept in memory (a step where it rises), at
 * most {@value #MAX_STEPS} steps; a record that arrived before every step kept (a restart, or a
 * copy read further behind than that) counts as in time. The greatest arrival seen and the stream
 * time at it are kept in the store, so after a restart the step function starts from them.
 */
final class EngineClock {

    private static final String STREAM_TIME = "stream-time";
    private static final String REFERENCE_TIME = "reference-time";
    private static final String ARRIVAL = "arrival";
    private static final String ARRIVAL_STREAM_TIME = "arrival-stream-time";
    /** Steps of the stream time by arrival kept in memory: with a step per record, 20,000 records of reading order. */
    static final int MAX_STEPS = 20_000;

    private final KeyValueStore<String, Long> meta;
    private final Duration allowedLateness;
    /** Arrival → the greatest event time of the records that arrived up to then; rising. */
    private final TreeMap<Long, Long> byArrival = new TreeMap<>();
    private long latestArrival = Long.MIN_VALUE;

    EngineClock(final KeyValueStore<String, Long> meta, final Duration allowedLateness) {
        this.meta = meta;
        this.allowedLateness = allowedLateness;
        final Long arrival = meta.get(ARRIVAL);
        final Long streamTime = meta.get(ARRIVAL_STREAM_TIME);
        if (arrival != null && streamTime != null) {
            byArrival.put(arrival, streamTime);
            latestArrival = arrival;
        }
    }

    Instant streamTime() {
        final Long t = meta.get(STREAM_TIME);
        return t == null ? Instant.MIN : Instant.ofEpochMilli(t);
    }

    /**
     * The stream time when a record arrived: the greatest event time of the records that reached
     * Kafka before it. {@link Instant#MIN} when none is known.
     */
    Instant streamTimeAtArrival(final long arrival) {
        final Map.Entry<Long, Long> step = byArrival.lowerEntry(arrival);
        return step == null ? Instant.MIN : Instant.ofEpochMilli(step.getValue());
    }

    /**
     * Whether a record with event time {@code at} that arrived at {@code arrival} is within the
     * allowed lateness of the stream time at its arrival.
     */
    boolean mayRevise(final Instant at, final long arrival) {
        final Instant then = streamTimeAtArrival(arrival);
        return then == Instant.MIN || !at.isBefore(then.minus(allowedLateness));
    }

    /** How far behind the stream time at its arrival a record is (zero when it is not behind). */
    Duration lateness(final Instant at, final long arrival) {
        final Instant then = streamTimeAtArrival(arrival);
        return then == Instant.MIN || !at.isBefore(then) ? Duration.ZERO : Duration.between(at, then);
    }

    /** Takes a record in: it moves stream time, and the stream time of everything that arrived after it. */
    void observe(final Instant at, final long arrival) {
        final long t = at.toEpochMilli();
        final Long streamTime = meta.get(STREAM_TIME);
        if (streamTime == null || t > streamTime) {
            meta.put(STREAM_TIME, t);
        }
        final Map.Entry<Long, Long> floor = byArrival.floorEntry(arrival);
        if (floor == null || floor.getValue() < t) {
            byArrival.put(arrival, t);
            // the steps after it that it now dominates are no steps any more
            final var later = byArrival.tailMap(arrival, false).entrySet().iterator();
            while (later.hasNext() && later.next().getValue() <= t) {
                later.remove();
            }
            if (byArrival.size() > MAX_STEPS) {
                byArrival.pollFirstEntry();
            }
        }
        latestArrival = Math.max(latestArrival, arrival);
    }

    /**
     * Stores the greatest arrival seen and the stream time at it (after the records of that
     * arrival), where a restarted task starts its stream time by arrival from.
     */
    void checkpoint() {
        if (latestArrival == Long.MIN_VALUE) {
            return;
        }
        // no step lies after the latest arrival, so the last one is the stream time at it
        meta.put(ARRIVAL, latestArrival);
        meta.put(ARRIVAL_STREAM_TIME, byArrival.lastEntry().getValue());
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
