package dev.restoreguard.events.alert;

import static dev.restoreguard.events.EventValidationException.require;
import static dev.restoreguard.events.EventValidationException.requireOneOf;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.restoreguard.events.EventValidationException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    /** The values of {@code alert.status}. */
    public static final Set<String> STATUSES = Set.of(OPEN, RETRACTED);

    // the required fields of the contract's alert document (section 4), except host: pipeline-health
    // alerts (RG-9xx) are about a topic, not a machine
    public Alert {
        require("@timestamp", timestamp);
        require("event", event);
        require("rule", rule);
        require("alert", alert);
        require("related", related);
        require("restoreguard", restoreguard);
        if (event.severity() != alert.severity().ecsSeverity()) {
            throw new EventValidationException("event.severity: must be " + alert.severity().ecsSeverity()
                    + " for alert.severity " + alert.severity().label() + ", was " + event.severity());
        }
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
        public Event {
            requireOneOf("event.kind", kind, Set.of("alert"));
            if (category == null || category.isEmpty()) {
                throw new EventValidationException("event.category: required");
            }
            category = List.copyOf(category);
            type = type == null ? null : List.copyOf(type);
            require("event.id", id);
        }
    }

    /** ECS {@code rule.*}. */
    public record Rule(String id, String name, String description, String ruleset) {
        public Rule {
            require("rule.id", id);
            require("rule.name", name);
        }
    }

    /** {@code alert.*}: identity, verdict and the reason an operator reads at 2 a.m. */
    public record Info(String id, String subject, Severity severity, String status, String reason) {
        public Info {
            require("alert.id", id);
            require("alert.subject", subject);
            require("alert.severity", severity);
            requireOneOf("alert.status", status, STATUSES);
            require("alert.reason", reason);
        }
    }

    /** ECS {@code host.*}. */
    public record Host(String name) {
        public Host {
            require("host.name", name);
        }
    }

    /** ECS {@code related.*}. */
    public record Related(List<String> hosts, List<String> ip, List<String> user) {
        public Related {
            // always written, empty when nothing applies, so the document has the contract's shape
            hosts = hosts == null ? List.of() : List.copyOf(hosts);
            ip = ip == null ? List.of() : List.copyOf(ip);
            user = user == null ? List.of() : List.copyOf(user);
        }
    }

    /** ECS {@code ecs.*}. */
    public record Ecs(String version) {
    }

    /** {@code restoreguard.*}: the evidence and whether the verdict came from a late record. */
    public record Fields(Map<String, Object> evidence, Boolean late) {
        public Fields {
            require("restoreguard.evidence", evidence);
        }
    }
}
