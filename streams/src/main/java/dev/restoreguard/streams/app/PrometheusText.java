package dev.restoreguard.streams.app;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A minimal writer of the Prometheus text exposition format (version 0.0.4): families with one
 * {@code # HELP} and {@code # TYPE} line, then their samples. Enough for a handful of engine
 * metrics without pulling in a metrics library.
 */
final class PrometheusText {

    /** The content type Prometheus expects for this format. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out = new StringBuilder(4096);
    private String currentFamily;

    /** Starts a family unless it is the current one. */
    PrometheusText family(final String name, final String type, final String help) {
        if (!name.equals(currentFamily)) {
            currentFamily = name;
            out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
            out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        }
        return this;
    }

    /** Adds a sample of the current family. */
    PrometheusText sample(final String name, final Map<String, String> labels, final double value) {
        out.append(name);
        if (!labels.isEmpty()) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, String> label : new TreeMap<>(labels).entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                out.append(sanitize(label.getKey())).append("=\"").append(escapeLabel(label.getValue())).append('"');
            }
            out.append('}');
        }
        out.append(' ').append(format(value)).append('\n');
        return this;
    }

    /** A metric or label name made of {@code [a-zA-Z0-9_]} (Kafka's dashes and dots become underscores). */
    static String sanitize(final String name) {
        final String s = name.replaceAll("[^a-zA-Z0-9_]", "_");
        return Character.isDigit(s.charAt(0)) ? "_" + s : s;
    }

    static String format(final double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return String.format(Locale.ROOT, "%s", value);
    }

    private static String escapeLabel(final String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String escapeHelp(final String value) {
        return value.replace("\\", "\\\\").replace("\n", "\\n");
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
