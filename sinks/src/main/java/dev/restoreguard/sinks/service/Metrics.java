package dev.restoreguard.sinks.service;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * The sinks' counters and gauges, rendered in the Prometheus text format on {@code /metrics}.
 * Deliberately tiny (no client library): a name, sorted labels, a number.
 */
public final class Metrics {

    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
    private final Map<String, DoubleSupplier> gauges = new ConcurrentHashMap<>();

    /** Adds {@code delta} to counter {@code name} with {@code labels} (name/value pairs). */
    public void count(final String name, final long delta, final String... labels) {
        counters.computeIfAbsent(key(name, labels), k -> new LongAdder()).add(delta);
    }

    /** Current value of a counter (0 when never counted). */
    public long counter(final String name, final String... labels) {
        final LongAdder adder = counters.get(key(name, labels));
        return adder == null ? 0 : adder.sum();
    }

    /** Registers a gauge read at every scrape. */
    public void gauge(final String name, final DoubleSupplier value, final String... labels) {
        gauges.put(key(name, labels), value);
    }

    /** The Prometheus text exposition of every counter and gauge. */
    public String render() {
        final StringBuilder out = new StringBuilder();
        final Map<String, String> types = new TreeMap<>();
        final Map<String, String> lines = new TreeMap<>();
        counters.forEach((key, adder) -> {
            types.put(base(key), "counter");
            lines.put(key, Long.toString(adder.sum()));
        });
        gauges.forEach((key, supplier) -> {
            types.put(base(key), "gauge");
            double value;
            try {
                value = supplier.getAsDouble();
            } catch (RuntimeException e) {
                value = Double.NaN;
            }
            lines.put(key, Double.toString(value));
        });
        String lastBase = null;
        for (final Map.Entry<String, String> line : lines.entrySet()) {
            final String base = base(line.getKey());
            if (!base.equals(lastBase)) {
                out.append("# TYPE ").append(base).append(' ').append(types.get(base)).append('\n');
                lastBase = base;
            }
            out.append(line.getKey()).append(' ').append(line.getValue()).append('\n');
        }
        return out.toString();
    }

    private static String base(final String key) {
        final int brace = key.indexOf('{');
        return brace < 0 ? key : key.substring(0, brace);
    }

    private static String key(final String name, final String... labels) {
        if (labels.length == 0) {
            return name;
        }
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException("labels come in name/value pairs: " + String.join(",", labels));
        }
        final Map<String, String> sorted = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            sorted.put(labels[i], labels[i + 1]);
        }
        final StringBuilder key = new StringBuilder(name).append('{');
        String separator = "";
        for (final Map.Entry<String, String> label : sorted.entrySet()) {
            key.append(separator).append(label.getKey()).append("=\"")
                    .append(label.getValue().replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"))
                    .append('"');
            separator = ",";
        }
        return key.append('}').toString();
    }
}
