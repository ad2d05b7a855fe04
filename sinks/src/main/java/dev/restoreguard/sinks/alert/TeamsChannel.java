package dev.restoreguard.sinks.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.sinks.alert.config.TeamsConfig;

/**
 * A Microsoft Teams workflow webhook: a message with one Adaptive Card (1.4) attachment, as the
 * "Post to a channel when a webhook request is received" workflow expects.
 */
public final class TeamsChannel extends HttpJsonChannel {

    public TeamsChannel(final TeamsConfig config) {
        super(config, config.url());
    }

    @Override
    protected JsonNode body(final Alert alert, final AlertMessage message) {
        return payload(alert, message);
    }

    /** The Teams payload (public for tests and docs). */
    public static ObjectNode payload(final Alert alert, final AlertMessage message) {
        final ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("type", "message");
        final ObjectNode attachment = body.putArray("attachments").addObject();
        attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
        attachment.putNull("contentUrl");
        final ObjectNode card = attachment.putObject("content");
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("type", "AdaptiveCard");
        card.put("version", "1.4");
        final ArrayNode items = card.putArray("body");
        items.addObject().put("type", "TextBlock").put("text", message.title()).put("weight", "Bolder")
                .put("size", "Medium").put("wrap", true).put("color", message.retraction() ? "Good" : "Attention");
        final ArrayNode facts = items.addObject().put("type", "FactSet").putArray("facts");
        facts.addObject().put("title", "What").put("value", message.what());
        facts.addObject().put("title", "Where").put("value", message.where());
        facts.addObject().put("title", "When").put("value", alert.timestamp().toString());
        facts.addObject().put("title", "Rule").put("value", alert.rule().id() + " " + alert.rule().name());
        facts.addObject().put("title", "Alert").put("value", alert.alert().id());
        items.addObject().put("type", "TextBlock").put("text", "**Why:** " + message.why()).put("wrap", true);
        items.addObject().put("type", "TextBlock").put("text", "**Check first:** " + message.checkFirst()).put("wrap", true);
        if (message.link() != null) {
            card.putArray("actions").addObject().put("type", "Action.OpenUrl").put("title", "Open timeline")
                    .put("url", message.link());
        }
        return body;
    }
}
