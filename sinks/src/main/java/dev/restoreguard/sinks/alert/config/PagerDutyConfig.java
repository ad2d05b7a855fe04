package dev.restoreguard.sinks.alert.config;

import static dev.restoreguard.events.config.ConfigException.check;
import static dev.restoreguard.events.config.ConfigException.required;

import dev.restoreguard.sinks.retry.CircuitBreaker;
import dev.restoreguard.sinks.retry.RetryPolicy;

/**
 * PagerDuty Events API v2: {@code routing_key} of the service's integration, {@code url} defaults to
 * {@code https://events.pagerduty.com/v2/enqueue}.
 */
public record PagerDutyConfig(String name, Route route, RetryPolicy retry, CircuitBreaker.Settings circuitBreaker, Long timeoutMs, String url, String routingKey) implements ChannelConfig {

    public PagerDutyConfig {
        ChannelConfig.checkCommon(name, timeoutMs);
        route = route == null ? Route.ALL : route;
        retry = retry == null ? DEFAULT_RETRY : retry;
        circuitBreaker = circuitBreaker == null ? CircuitBreaker.Settings.DEFAULT : circuitBreaker;
        timeoutMs = timeoutMs == null ? DEFAULT_TIMEOUT_MS : timeoutMs;
        url = ChannelConfig.checkUrl("url", url == null ? "https://events.pagerduty.com/v2/enqueue" : url);
        required("routing_key", routingKey);
        check(routingKey.matches("[A-Za-z0-9]{20,64}"), "routing_key", "expected the 32-character integration key");
    }

    @Override
    public String type() {
        return "pagerduty";
    }

    @Override
    public String toString() {
        return "PagerDutyConfig[name=" + name + ", route=" + route + "]";
    }
}
