package dev.restoreguard.streams.rules;

import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.events.alert.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A rule that fired: everything needed to publish (or re-publish) its alert.
 *
 * @param rule      the catalog entry
 * @param subject   what the alert is about ({@code restore:veeam:ID}, {@code hosts:OBS:NAME:IP}, ...)
 * @param severity  the verdict's severity
 * @param reason    one sentence an on-call engineer understands
 * @param at        event time of what was judged
 * @param host      the observer or DNS server
 * @param hosts     related host names
 * @param ips       related addresses
 * @param users     related users
 * @param evidence  rule evidence
 */
public record Finding(RuleCatalog rule, String subject, Severity severity, String reason, Instant at, String host,
                      List<String> hosts, List<String> ips, List<String> users, Map<String, Object> evidence) {

    /** The alert document for this finding. */
    public Alert toAlert(final String status) {
        final String id = Alert.idOf(rule.id(), subject);
        return new Alert(at,
                new Alert.Event("alert", rule.categories(), List.of("info"), id, severity.ecsSeverity(),
                        severity.ecsSeverity(), "restoreguard.alerts", "restoreguard"),
                new Alert.Rule(rule.id(), rule.ruleName(), rule.description(), "restoreguard"),
                new Alert.Info(id, subject, severity, status, reason),
                host == null ? null : new Alert.Host(host),
                new Alert.Related(distinct(hosts), distinct(ips), distinct(users)),
                rule.ruleName() + ": " + reason,
                new Alert.Ecs(Alert.ECS_VERSION),
                new Alert.Fields(evidence, null));
    }

    private static List<String> distinct(final List<String> values) {
        return values == null ? List.of() : values.stream().filter(v -> v != null && !v.isBlank()).distinct().toList();
    }
}
