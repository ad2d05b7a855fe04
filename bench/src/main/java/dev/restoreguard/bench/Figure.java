package dev.restoreguard.bench;

import java.util.Locale;
import java.util.Objects;

/**
 * One measured figure of the benchmark, with the product's target for it when it has one.
 *
 * @param section  which part of the benchmark measured it ({@code kafka}, {@code engine}, ...)
 * @param name     what it is, for people ({@code produce then consume, records/s})
 * @param value    the measured value (a median or a ratio measured in the same run)
 * @param unit     unit of {@code value}: {@code records/s}, {@code events/s}, {@code ms}, {@code ratio}, ...
 * @param target   the target, or {@code null} when the figure is context (a limit, a count)
 * @param detail   how it was obtained: runs, sizes, spread; free text
 */
public record Figure(String section, String name, double value, String unit, Target target, String detail) {

    public Figure {
        Objects.requireNonNull(section, "section");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(unit, "unit");
        detail = detail == null ? "" : detail;
    }

    /** A figure without a target. */
    public static Figure of(final String section, final String name, final double value, final String unit,
                            final String detail) {
        return new Figure(section, name, value, unit, null, detail);
    }

    /** Whether the target is met; {@code null} when there is none or the value is not a number. */
    public Boolean met() {
        return target == null || Double.isNaN(value) ? null : target.isMetBy(value);
    }

    /** The value as printed: thousands separators for rates, one decimal for times, two for ratios. */
    public String formatted() {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        return switch (unit) {
            case "ratio" -> String.format(Locale.ROOT, "%.2f", value);
            case "ms" -> String.format(Locale.ROOT, value >= 100 ? "%,.0f ms" : "%.1f ms", value);
            case "%" -> String.format(Locale.ROOT, "%.2f %%", value);
            case "MiB" -> String.format(Locale.ROOT, "%.1f MiB", value);
            default -> String.format(Locale.ROOT, "%,.0f %s", value, unit);
        };
    }

    /**
     * A target: the value must be at least or at most {@code bound}.
     *
     * @param atLeast {@code true} for "at least" (throughput), {@code false} for "at most" (latency, memory)
     * @param bound   the bound, in the figure's unit
     */
    public record Target(boolean atLeast, double bound) {

        public static Target atLeast(final double bound) {
            return new Target(true, bound);
        }

        public static Target atMost(final double bound) {
            return new Target(false, bound);
        }

        public boolean isMetBy(final double value) {
            return atLeast ? value >= bound : value <= bound;
        }

        /** The target as printed beside a figure of unit {@code unit}: {@code ≤ 100 ms}, {@code ≥ 0.50}. */
        public String describe(final String unit) {
            final String op = atLeast ? "≥ " : "≤ ";
            return op + new Figure("", "", bound, unit, null, "").formatted();
        }
    }
}
