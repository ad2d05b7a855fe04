package dev.restoreguard.sinks.alert.config;

import static dev.restoreguard.events.config.ConfigException.check;
import static dev.restoreguard.events.config.ConfigException.required;

import dev.restoreguard.sinks.retry.CircuitBreaker;
import dev.restoreguard.sinks.retry.RetryPolicy;
import java.util.List;

/**
 * Email over SMTP: {@code host}, {@code port} (default 587 with STARTTLS, 465 with TLS, 25 without),
 * {@code security} ({@code starttls}, {@code tls} or {@code none}; default {@code starttls}),
 * optional {@code username}/{@code password}, {@code from}, {@code to}.
 */
public record EmailConfig(String name, Route route, RetryPolicy retry, CircuitBreaker.Settings circuitBreaker, Long timeoutMs, String host, Integer port, String security, String username, String password, String from, List<String> to) implements ChannelConfig {

    public EmailConfig {
        ChannelConfig.checkCommon(name, timeoutMs);
        route = route == null ? Route.ALL : route;
        retry = retry == null ? DEFAULT_RETRY : retry;
        circuitBreaker = circuitBreaker == null ? CircuitBreaker.Settings.DEFAULT : circuitBreaker;
        timeoutMs = timeoutMs == null ? DEFAULT_TIMEOUT_MS : timeoutMs;
        required("host", host);
        security = security == null ? "starttls" : security;
        check(List.of("starttls", "tls", "none").contains(security), "security", "one of starttls, tls, none; was " + security);
        port = port == null ? ("tls".equals(security) ? 465 : "starttls".equals(security) ? 587 : 25) : port;
        check(port > 0 && port < 65536, "port", "must be 1..65535");
        check(username == null || password != null, "password", "required with username");
        required("from", from);
        check(from.contains("@"), "from", "not an email address: " + from);
        check(to != null && !to.isEmpty(), "to", "at least one recipient");
        to = List.copyOf(to);
        for (int i = 0; i < to.size(); i++) {
            check(to.get(i) != null && to.get(i).contains("@"), "to[" + i + "]", "not an email address: " + to.get(i));
        }
    }

    @Override
    public String type() {
        return "email";
    }

    @Override
    public String toString() {
        return "EmailConfig[name=" + name + ", route=" + route + "]";
    }
}
