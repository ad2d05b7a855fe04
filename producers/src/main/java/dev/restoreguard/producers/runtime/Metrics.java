package dev.restoreguard.producers.runtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The collector's counters and gauges, rendered in the Prometheus text format on {@code /metrics}.
 * Deliberately tiny (no client library): a collector on a backup server should pull in as little
 * as possible. Counter names end in {@code _total}; every metric carries its help text.
 */
public final class Metrics {

    /** Events accepted into the spool (durable, not yet necessarily in Kafka). */
    public static final String SPOOLED = "restoreguard_collector_events_spooled_total";
    /** Events Kafka acknowledged (acks=all). */
    public static final String SENT = "restoreguard_collector_events_sent_total";
    /** Events refused because the spool was full (never silent: each one is logged at ERROR too). */
    public static final String DROPPED = "restoreguard_collector_events_dropped_total";
    /** Send failures, spool I/O errors and collector errors. */
    public static final String ERRORS = "restoreguard_collector_errors_total";
    /** Events Kafka can never accept (for example too large), moved to the spool's rejected file. */
    public static final String REJECTED = "restoreguard_collector_events_rejected_total";
    /** Input a collector skipped (junk lines, unsupported records, oversized input). */
    public static final String SKIPPED = "restoreguard_collector_input_skipped_total";

    private record Counter(String help, LongAdder value) {
    }

    private record Gauge(String help, LongSupplier value) {
    }

    private final Map<String, Counter> counters = new ConcurrentSkipListMap<>();
    private final Map<String, Gauge> gauges = new ConcurrentSkipListMap<>();
    private final Map<String, LongAdder> labelled = new ConcurrentHashMap<>();

    public Metrics() {
        counter(SPOOLED, "Events written to the durable spool");
        counter(SENT, "Events acknowledged by Kafka (acks=all)");
        counter(DROPPED, "Events refused because the spool was full");
        counter(ERRORS, "Send, spool and collector errors");
        counter(REJECTED, "Events Kafka can never accept, kept in the spool's rejected file");
        counter(SKIPPED, "Input the collector skipped (junk, unsupported, oversized)");
    }

    /** Declares a counter (idempotent). */
    public void counter(final String name, final String help) {
        counters.computeIfAbsent(name, n -> new Counter(help, new LongAdder()));
    }

    /** Declares a gauge read at scrape time. */
    public void gauge(final String name, final String help, final LongSupplier value) {
        gauges.put(name, new Gauge(help, value));
    }

    /** Adds one to a declared counter. */
    public void increment(final String name) {
        add(name, 1);
    }

    /** Adds {@code n} to a declared counter. */
    public void add(final String name, final long n) {
        final Counter c = counters.get(name);
        if (c == null) {
            throw new IllegalArgumentException("undeclared counter " + name);
        }
        c.value().add(n);
    }

    /** Adds one to the skipped counter with a {@code reason} label. */
    public void skipped(final String reason) {
        increment(SKIPPED);
        labelled.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    /** Current value of a counter or gauge (0 when unknown). */
    public long value(final String name) {
        final Counter c = counters.get(name);
        if (c != null) {
            return c.value().sum();
        }
        final Gauge g = gauges.get(name);
        return g == null ? 0 : g.value().getAsLong();
    }

    /** Skips counted under {@code reason}. */
    public long skippedCount(final String reason) {
        final LongAdder a = labelled.get(reason);
        return a == null ? 0 : a.sum();
    }

    /** The Prometheus text exposition (format 0.0.4). */
    public String render() {
        final StringBuilder out = new StringBuilder(2048);
        counters.forEach((name, c) -> {
            out.append("# HELP ").append(name).append(' ').append(c.help()).append('\n');
            out.append("# TYPE ").append(name).append(" counter\n");
            if (name.equals(SKIPPED) && !labelled.isEmpty()) {
                new java.util.TreeMap<>(labelled).forEach((reason, v) -> out.append(name).append("{reason=\"")
                        .append(escape(reason)).append("\"} ").append(v.sum()).append('\n'));
            } else {
                out.append(name).append(' ').append(c.value().sum()).append('\n');
            }
        });
        gauges.forEach((name, g) -> {
            out.append("# HELP ").append(name).append(' ').append(g.help()).append('\n');
            out.append("# TYPE ").append(name).append(" gauge\n");
            out.append(name).append(' ').append(g.value().getAsLong()).append('\n');
        });
        return out.toString();
    }

    private static String escape(final String label) {
        return label.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
