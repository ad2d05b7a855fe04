package dev.restoreguard.sinks.alert.config;


import dev.restoreguard.sinks.retry.CircuitBreaker;
import dev.restoreguard.sinks.retry.RetryPolicy;

/** A Slack incoming webhook ({@code url} from the Slack app's "Incoming Webhooks" page). */
public record SlackConfig(String name, Route route, RetryPolicy retry, CircuitBreaker.Settings circuitBreaker, Long timeoutMs, String url) implements ChannelConfig {

    public SlackConfig {
        ChannelConfig.checkCommon(name, timeoutMs);
        route = route == null ? Route.ALL : route;
        retry = retry == null ? DEFAULT_RETRY : retry;
        circuitBreaker = circuitBreaker == null ? CircuitBreaker.Settings.DEFAULT : circuitBreaker;
        timeoutMs = timeoutMs == null ? DEFAULT_TIMEOUT_MS : timeoutMs;
        url = ChannelConfig.checkUrl("url", url);
    }

    @Override
    public String type() {
        return "slack";
    }

    @Override
    public String toString() {
        return "SlackConfig[name=" + name + ", route=" + route + "]";
    }
}
