package dev.restoreguard.testkit;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * The lengths of the fault tests (docs/reliability.md), read from system properties that the
 * root pom passes to Failsafe: short in CI, long with {@code -Psoak}. A test run outside Maven
 * (an IDE) gets the CI values.
 */
public final class FaultSettings {

    private FaultSettings() {
    }

    /** How long Elasticsearch or the alert channel's receiver stays down [{@code PT3S}; soak {@code PT2M}]. */
    public static Duration outage() {
        return duration("restoreguard.faults.outage", Duration.ofSeconds(3));
    }

    /** How long the Kafka broker stays down [{@code PT3S}; soak {@code PT10M}]. */
    public static Duration brokerOutage() {
        return duration("restoreguard.faults.broker-outage", Duration.ofSeconds(3));
    }

    /** How many times a collector JVM is killed with SIGKILL [5; soak 20]. */
    public static int collectorKills() {
        return count("restoreguard.faults.collector-kills", 5);
    }

    /** How many mutated records are injected across the input topics [5,000; soak 100,000]. */
    public static int badInputRecords() {
        return count("restoreguard.faults.bad-input-records", 5_000);
    }

    /** How many times an engine instance is killed with SIGKILL [unset: the engine-crash test is skipped; soak 3]. */
    public static int engineKills() {
        return count("restoreguard.faults.engine-kills", 3);
    }

    /**
     * With which {@code num.standby.replicas} the engine-crash test runs, comma-separated [{@code 0,1}]:
     * its failover time is measured for each.
     */
    public static java.util.Set<Integer> engineStandbyReplicas() {
        final String key = "restoreguard.faults.engine-standbys";
        final String value = System.getProperty(key, "0,1");
        final java.util.Set<Integer> modes = new java.util.TreeSet<>();
        for (String mode : (value.isBlank() ? "0,1" : value).split(",")) {
            try {
                modes.add(Integer.parseInt(mode.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + ": not a comma-separated list of whole numbers: '" + value + "'", e);
            }
        }
        return modes;
    }

    private static Duration duration(final String key, final Duration fallback) {
        final String value = System.getProperty(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Duration.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(key + ": not an ISO-8601 duration (like PT2M): '" + value + "'", e);
        }
    }

    private static int count(final String key, final int fallback) {
        final String value = System.getProperty(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            final int n = Integer.parseInt(value.trim());
            if (n < 1) {
                throw new IllegalArgumentException(key + ": must be at least 1, was " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": not a whole number: '" + value + "'", e);
        }
    }
}
