package dev.restoreguard.sinks.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.sinks.alert.config.SlackConfig;

/** A Slack incoming webhook: a Block Kit message (header, what/where/why/check-first, timeline button) with a text fallback. */
public final class SlackChannel extends HttpJsonChannel {

    public SlackChannel(final SlackConfig config) {
        super(config, config.url());
    }

    @Override
    protected JsonNode body(final Alert alert, final AlertMessage message) {
        return payload(alert, message);
    }

    /** The Slack payload (public for tests and docs). */
    public static ObjectNode payload(final Alert alert, final AlertMessage message) {
        final ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("text", message.title());
        final ArrayNode blocks = body.putArray("blocks");
        final ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text").put("type", "plain_text").put("text", cut(message.title(), 150));
        final ObjectNode section = blocks.addObject().put("type", "section");
        section.putObject("text").put("type", "mrkdwn").put("text", cut(
                "*What:* " + escape(message.what()) + "\n*Where:* " + escape(message.where()) + "\n*When:* "
                        + alert.timestamp() + "\n*Why:* " + escape(message.why()) + "\n*Check first:* "
                        + escape(message.checkFirst()), 3000));
        if (message.link() != null) {
            final ObjectNode actions = blocks.addObject().put("type", "actions");
            final ObjectNode button = actions.putArray("elements").addObject().put("type", "button").put("url", message.link());
            button.putObject("text").put("type", "plain_text").put("text", "Open timeline");
        }
        final ObjectNode context = blocks.addObject().put("type", "context");
        context.putArray("elements").addObject().put("type", "mrkdwn").put("text", cut(escape(
                alert.rule().id() + " · " + alert.alert().severity().label() + " · " + alert.alert().status()
                        + " · alert " + alert.alert().id()), 3000));
        return body;
    }

    private static String escape(final String text) {
        // Slack's mrkdwn control characters
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
