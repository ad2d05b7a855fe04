package dev.restoreguard.sinks.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.sinks.alert.config.PagerDutyConfig;

/**
 * PagerDuty Events API v2. An open alert is a {@code trigger} with {@code dedup_key} = {@code alert.id},
 * so every version of one alert updates one incident; a retraction is a {@code resolve} of that key.
 * Severity: critical → critical, high → error, medium → warning, low → info.
 */
public final class PagerDutyChannel extends HttpJsonChannel {

    private final String routingKey;

    public PagerDutyChannel(final PagerDutyConfig config) {
        super(config, config.url());
        this.routingKey = config.routingKey();
    }

    @Override
    protected JsonNode body(final Alert alert, final AlertMessage message) {
        return event(routingKey, alert, message);
    }

    /** The Events API v2 body (public for tests and docs). */
    public static ObjectNode event(final String routingKey, final Alert alert, final AlertMessage message) {
        final ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("routing_key", routingKey);
        body.put("dedup_key", alert.alert().id());
        if (Alert.RETRACTED.equals(alert.alert().status())) {
            body.put("event_action", "resolve");
            return body;
        }
        body.put("event_action", "trigger");
        body.put("client", "RestoreGuard");
        final ObjectNode payload = body.putObject("payload");
        payload.put("summary", cut(message.title() + ": " + message.why(), 1024));
        payload.put("source", alert.host() == null ? "restoreguard" : alert.host().name());
        payload.put("severity", switch (alert.alert().severity()) {
            case CRITICAL -> "critical";
            case HIGH -> "error";
            case MEDIUM -> "warning";
            case LOW -> "info";
        });
        payload.put("timestamp", alert.timestamp().toString());
        payload.put("component", alert.rule().id());
        payload.put("group", alert.alert().subject().split(":", 2)[0]);
        payload.put("class", alert.rule().name());
        final ObjectNode details = payload.putObject("custom_details");
        details.put("what", message.what());
        details.put("where", message.where());
        details.put("why", message.why());
        details.put("check_first", message.checkFirst());
        details.put("subject", alert.alert().subject());
        details.set("evidence", Json.MAPPER.valueToTree(alert.restoreguard().evidence()));
        if (message.link() != null) {
            body.putArray("links").addObject().put("href", message.link()).put("text", "RestoreGuard timeline");
        }
        return body;
    }
}
