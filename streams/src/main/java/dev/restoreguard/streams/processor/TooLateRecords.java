package dev.restoreguard.streams.processor;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Records this JVM's engines applied later than the allowed lateness (contract §3: applied to
 * state, revising no earlier verdict), by event kind. Each is also logged; the count is what an
 * operator watches ({@code restoreguard_engine_records_too_late_total}) because a burst of them
 * means verdicts were given without facts that preceded them: a collector that delivered late
 * (lateness counts in arrival order, so the order the engine reads a backlog in adds none). A
 * reference change is on every partition; it counts once (its copy on partition 0).
 */
public final class TooLateRecords {

    private static final Map<String, LongAdder> BY_KIND = new ConcurrentHashMap<>();

    private TooLateRecords() {
    }

    static void record(final String kind) {
        BY_KIND.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    /** Too-late records since this JVM started, by event kind (sorted). */
    public static Map<String, Long> byKind() {
        final Map<String, Long> out = new TreeMap<>();
        BY_KIND.forEach((kind, count) -> out.put(kind, count.sum()));
        return out;
    }

    /** Too-late records of every kind since this JVM started. */
    public static long total() {
        return BY_KIND.values().stream().mapToLong(LongAdder::sum).sum();
    }
}
