package dev.restoreguard.sinks.alert.config;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.restoreguard.sinks.retry.CircuitBreaker;
import dev.restoreguard.sinks.retry.RetryPolicy;

/**
 * One alert channel of {@code sinks.alerts.channels}; the {@code type} key picks the variant.
 * Every channel has a unique {@code name} (its consumer group is {@code restoreguard-sink-alerts-<name>}),
 * a {@code route}, and optional {@code retry}, {@code circuit_breaker} and {@code timeout_ms}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = WebhookConfig.class, name = "webhook"),
    @JsonSubTypes.Type(value = SlackConfig.class, name = "slack"),
    @JsonSubTypes.Type(value = TeamsConfig.class, name = "teams"),
    @JsonSubTypes.Type(value = PagerDutyConfig.class, name = "pagerduty"),
    @JsonSubTypes.Type(value = EmailConfig.class, name = "email"),
    @JsonSubTypes.Type(value = SyslogConfig.class, name = "syslog")
})
public sealed interface ChannelConfig
        permits WebhookConfig, SlackConfig, TeamsConfig, PagerDutyConfig, EmailConfig, SyslogConfig {

    /** Default retry of a channel: 5 attempts, 500 ms doubling to 30 s. */
    RetryPolicy DEFAULT_RETRY = new RetryPolicy(5, 500L, 30_000L);
    /** Default per-request timeout. */
    long DEFAULT_TIMEOUT_MS = 10_000;

    /** The {@code type} tag. */
    String type();

    String name();

    Route route();

    RetryPolicy retry();

    CircuitBreaker.Settings circuitBreaker();

    Long timeoutMs();

    /** Validates the common keys; each record calls it from its compact constructor. */
    static void checkCommon(final String name, final Long timeoutMs) {
        dev.restoreguard.events.config.ConfigException.required("name", name);
        dev.restoreguard.events.config.ConfigException.check(name.matches("[a-z0-9][a-z0-9-]{0,62}"), "name",
                "lower-case letters, digits and '-' (it names the consumer group), was " + name);
        dev.restoreguard.events.config.ConfigException.check(timeoutMs == null || timeoutMs >= 100, "timeout_ms",
                "must be at least 100");
    }

    /** Requires an http(s) URL. */
    static String checkUrl(final String key, final String url) {
        dev.restoreguard.events.config.ConfigException.required(key, url);
        dev.restoreguard.events.config.ConfigException.check(url.startsWith("https://") || url.startsWith("http://"),
                key, "must be an http:// or https:// URL");
        try {
            java.net.URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new dev.restoreguard.events.config.ConfigException(key + ": not a URL: " + e.getMessage());
        }
        return url;
    }
}
