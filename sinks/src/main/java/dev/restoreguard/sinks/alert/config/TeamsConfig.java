package dev.restoreguard.sinks.alert.config;


import dev.restoreguard.sinks.retry.CircuitBreaker;
import dev.restoreguard.sinks.retry.RetryPolicy;

/** A Microsoft Teams workflow webhook ("When a Teams webhook request is received"), which posts an Adaptive Card. */
public record TeamsConfig(String name, Route route, RetryPolicy retry, CircuitBreaker.Settings circuitBreaker, Long timeoutMs, String url) implements ChannelConfig {

    public TeamsConfig {
        ChannelConfig.checkCommon(name, timeoutMs);
        route = route == null ? Route.ALL : route;
        retry = retry == null ? DEFAULT_RETRY : retry;
        circuitBreaker = circuitBreaker == null ? CircuitBreaker.Settings.DEFAULT : circuitBreaker;
        timeoutMs = timeoutMs == null ? DEFAULT_TIMEOUT_MS : timeoutMs;
        url = ChannelConfig.checkUrl("url", url);
    }

    @Override
    public String type() {
        return "teams";
    }

    @Override
    public String toString() {
        return "TeamsConfig[name=" + name + ", route=" + route + "]";
    }
}
