package dev.restoreguard.sinks.alert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.sinks.alert.config.ChannelConfig;
import java.time.Duration;
import java.util.Map;

/**
 * The skeleton shared by the channels that POST one JSON document per alert version: the name and
 * type come from the config, the request goes through an {@link HttpSender} with the config's
 * timeout. A subclass supplies the body and, if it needs any, extra headers.
 */
public abstract class HttpJsonChannel implements AlertChannel {

    private final ChannelConfig config;
    private final String url;
    private final HttpSender http;

    protected HttpJsonChannel(final ChannelConfig config, final String url) {
        this.config = config;
        this.url = url;
        this.http = new HttpSender(Duration.ofMillis(config.timeoutMs()));
    }

    @Override
    public final String name() {
        return config.name();
    }

    @Override
    public final String type() {
        return config.type();
    }

    @Override
    public final String send(final Alert alert, final AlertMessage message, final String messageId) throws Exception {
        final String json = Json.MAPPER.writeValueAsString(body(alert, message));
        return http.postJson(url, headers(messageId, json), json);
    }

    /** The JSON document to POST for one alert version. */
    protected abstract JsonNode body(Alert alert, AlertMessage message);

    /** Extra request headers, computed from the serialised body; none by default. */
    protected Map<String, String> headers(final String messageId, final String json) {
        return Map.of();
    }

    /** {@code text} cut to {@code max} characters, ending with an ellipsis when cut. */
    protected static String cut(final String text, final int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
