package dev.restoreguard.sinks.alert.config;

import static dev.restoreguard.events.config.ConfigException.check;
import static dev.restoreguard.events.config.ConfigException.required;

import dev.restoreguard.sinks.retry.CircuitBreaker;
import dev.restoreguard.sinks.retry.RetryPolicy;

/**
 * A generic webhook signed per the Standard Webhooks scheme: {@code url}, and {@code secret}
 * ({@code whsec_} + base64 of 24 to 64 random bytes) shared with the receiver.
 */
public record WebhookConfig(String name, Route route, RetryPolicy retry, CircuitBreaker.Settings circuitBreaker, Long timeoutMs, String url, String secret) implements ChannelConfig {

    public WebhookConfig {
        ChannelConfig.checkCommon(name, timeoutMs);
        route = route == null ? Route.ALL : route;
        retry = retry == null ? DEFAULT_RETRY : retry;
        circuitBreaker = circuitBreaker == null ? CircuitBreaker.Settings.DEFAULT : circuitBreaker;
        timeoutMs = timeoutMs == null ? DEFAULT_TIMEOUT_MS : timeoutMs;
        url = ChannelConfig.checkUrl("url", url);
        required("secret", secret);
        check(secret.startsWith("whsec_"), "secret", "must start with whsec_ (Standard Webhooks format)");
        final byte[] key = secretKey(secret);
        check(key.length >= 24 && key.length <= 64, "secret", "must decode to 24..64 bytes, was " + key.length);
    }

    /** The HMAC key: the base64 part of a {@code whsec_} secret, decoded. */
    public static byte[] secretKey(final String secret) {
        try {
            return java.util.Base64.getDecoder().decode(secret.substring("whsec_".length()));
        } catch (IllegalArgumentException e) {
            throw new dev.restoreguard.events.config.ConfigException("secret: not base64 after whsec_");
        }
    }

    @Override
    public String type() {
        return "webhook";
    }

    @Override
    public String toString() {
        return "WebhookConfig[name=" + name + ", route=" + route + "]";
    }
}
