package dev.restoreguard.events.alert;

import static dev.restoreguard.events.EventValidationException.require;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The alert document of the detection contract (section 4), shaped as ECS so Elastic Security's
 * external-alert rule picks it up. Published on {@code restoreguard.alerts} keyed by
 * {@code alert.id}; every version of an alert (an update, a retraction) has the same id.
 *
 * @param timestamp    event time of what the verdict judges (a restore's restore time)
 * @param event        ECS event fields ({@code kind: alert}, severity, risk score)
 * @param rule         the catalog rule
 * @param alert        id, subject, severity, status and the one-sentence reason
 * @param host         the observer (or DNS server) the finding is about
 * @param related      every host, IP and user involved
 * @param message      the alert's title
 * @param ecs          ECS version
 * @param restoreguard RestoreGuard's own fields: the evidence
 */
@JsonPropertyOrder({"@timestamp", "event", "rule", "alert", "host", "related", "message", "ecs", "restoreguard"})
public record Alert(
        @JsonProperty("@timestamp") Instant timestamp,
        Event event,
        Rule rule,
        Info alert,
        Host host,
        Related related,
        String message,
        Ecs ecs,
        Fields restoreguard) {

    public static final String ECS_VERSION = "9.4.0";
    public static final String OPEN = "open";
    public static final String RETRACTED = "retracted";

    public Alert {
        require("@timestamp", timestamp);
        require("event", event);
        require("rule", rule);
        require("alert", alert);
    }

    /** The deterministic alert id: the same (rule, subject) is always the same alert. */
    public static String idOf(final String ruleId, final String subject) {
        return UUID.nameUUIDFromBytes((ruleId + '\n' + subject).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** This alert with another status (same id, same evidence). */
    public Alert withStatus(final String status) {
        return new Alert(timestamp, event, rule, new Info(alert.id, alert.subject, alert.severity, status, alert.reason),
                host, related, message, ecs, restoreguard);
    }

    /** ECS {@code event.*}. */
    public record Event(String kind, List<String> category, List<String> type, String id, int severity,
                        double riskScore, String dataset, String module) {
    }

    /** ECS {@code rule.*}. */
    public record Rule(String id, String name, String description, String ruleset) {
    }

    /** {@code alert.*}: identity, verdict and the reason an operator reads at 2 a.m. */
    public record Info(String id, String subject, Severity severity, String status, String reason) {
        public Info {
            require("alert.id", id);
            require("alert.subject", subject);
            require("alert.severity", severity);
            require("alert.status", status);
        }
    }

    /** ECS {@code host.*}. */
    public record Host(String name) {
    }

    /** ECS {@code related.*}. */
    public record Related(List<String> hosts, List<String> ip, List<String> user) {
    }

    /** ECS {@code ecs.*}. */
    public record Ecs(String version) {
    }

    /** {@code restoreguard.*}: the evidence and whether the verdict came from a late record. */
    public record Fields(Map<String, Object> evidence, Boolean late) {
    }
}
