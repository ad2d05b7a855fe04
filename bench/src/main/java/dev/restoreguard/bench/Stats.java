package dev.restoreguard.bench;

import java.util.Arrays;
import java.util.Collection;

/** Order statistics of measured values: medians of repeated runs, latency percentiles. */
public final class Stats {

    private Stats() {
    }

    /**
     * The {@code p}-th percentile (0 &lt; p &le; 100) by the nearest-rank method: the smallest value
     * that at least {@code p}% of the values are less than or equal to. No interpolation, so the
     * result is always a measured value (p99 of 1,000 latencies is the 990th smallest).
     *
     * @throws IllegalArgumentException when there are no values or {@code p} is out of range
     */
    public static double percentile(final double[] values, final double p) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], was " + p);
        }
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        final int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(1, rank) - 1];
    }

    /** The median: the middle value, or the mean of the two middle values of an even count. */
    public static double median(final double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        final int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    public static double median(final Collection<? extends Number> values) {
        return median(values.stream().mapToDouble(Number::doubleValue).toArray());
    }

    public static double max(final double[] values) {
        return Arrays.stream(values).max().orElseThrow(() -> new IllegalArgumentException("no values"));
    }
}
