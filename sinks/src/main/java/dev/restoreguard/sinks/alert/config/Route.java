package dev.restoreguard.sinks.alert.config;

import static dev.restoreguard.events.config.ConfigException.check;

import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.events.alert.Severity;
import dev.restoreguard.events.config.ConfigException;
import java.util.List;
import java.util.Locale;

/**
 * Which alerts a channel receives: at least {@code min_severity}, of the listed {@code rules} (all
 * when empty), none of {@code exclude_rules}; retractions too unless {@code retractions: false}
 * (PagerDuty needs them to resolve its incident).
 */
public record Route(String minSeverity, List<String> rules, List<String> excludeRules, Boolean retractions) {

    public static final Route ALL = new Route(null, null, null, null);

    public Route {
        minSeverity = minSeverity == null ? "low" : minSeverity.toLowerCase(Locale.ROOT);
        try {
            Severity.of(minSeverity);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("min_severity: one of low, medium, high, critical; was " + minSeverity);
        }
        rules = rules == null ? List.of() : List.copyOf(rules);
        excludeRules = excludeRules == null ? List.of() : List.copyOf(excludeRules);
        for (int i = 0; i < rules.size(); i++) {
            check(rules.get(i).matches("RG-\\d{3}"), "rules[" + i + "]", "a rule id like RG-001, was " + rules.get(i));
        }
        for (int i = 0; i < excludeRules.size(); i++) {
            check(excludeRules.get(i).matches("RG-\\d{3}"), "exclude_rules[" + i + "]",
                    "a rule id like RG-001, was " + excludeRules.get(i));
        }
        retractions = retractions == null ? Boolean.TRUE : retractions;
    }

    /** Whether this route sends {@code alert}. */
    public boolean matches(final Alert alert) {
        if (alert.alert().severity().compareTo(Severity.of(minSeverity)) < 0) {
            return false;
        }
        final String rule = alert.rule().id();
        if (!rules.isEmpty() && !rules.contains(rule)) {
            return false;
        }
        if (excludeRules.contains(rule)) {
            return false;
        }
        return retractions || !Alert.RETRACTED.equals(alert.alert().status());
    }
}
