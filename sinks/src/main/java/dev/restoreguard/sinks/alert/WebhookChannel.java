package dev.restoreguard.sinks.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.sinks.alert.config.WebhookConfig;
import java.time.Clock;
import java.util.Map;

/**
 * A generic webhook signed per Standard Webhooks. The body is
 * {@code {"type": "restoreguard.alert.open|retracted", "timestamp": ..., "data": {"alert": <alert document>, "message": {...}}}};
 * {@code webhook-id} is the alert version's stable id, so a receiver that de-duplicates on it
 * ignores our retries; {@code webhook-timestamp} is the attempt's time (receivers reject old ones).
 */
public final class WebhookChannel extends HttpJsonChannel {

    private final byte[] key;
    private final Clock clock;

    public WebhookChannel(final WebhookConfig config, final Clock clock) {
        super(config, config.url());
        this.key = WebhookConfig.secretKey(config.secret());
        this.clock = clock;
    }

    @Override
    protected JsonNode body(final Alert alert, final AlertMessage message) {
        final ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("type", "restoreguard.alert." + alert.alert().status());
        body.put("timestamp", clock.instant().toString());
        final ObjectNode data = body.putObject("data");
        data.set("alert", Json.MAPPER.valueToTree(alert));
        data.set("message", Json.MAPPER.valueToTree(message));
        return body;
    }

    @Override
    protected Map<String, String> headers(final String messageId, final String json) {
        final long timestamp = clock.instant().getEpochSecond();
        return Map.of(
                "webhook-id", messageId,
                "webhook-timestamp", Long.toString(timestamp),
                "webhook-signature", StandardWebhooks.sign(key, messageId, timestamp, json));
    }
}
