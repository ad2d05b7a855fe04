package dev.restoreguard.events.alert;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Alert severity with its ECS {@code event.severity} number, which is also used as
 * {@code event.risk_score}: the values Elastic Security maps to its own severities.
 */
public enum Severity {
    LOW(21), MEDIUM(47), HIGH(73), CRITICAL(99);

    private final int ecsSeverity;

    Severity(final int ecsSeverity) {
        this.ecsSeverity = ecsSeverity;
    }

    public int ecsSeverity() {
        return ecsSeverity;
    }

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Severity of(final String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
