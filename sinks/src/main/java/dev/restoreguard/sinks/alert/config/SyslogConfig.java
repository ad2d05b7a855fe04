package dev.restoreguard.sinks.alert.config;

import static dev.restoreguard.events.config.ConfigException.check;
import static dev.restoreguard.events.config.ConfigException.required;

import dev.restoreguard.sinks.retry.CircuitBreaker;
import dev.restoreguard.sinks.retry.RetryPolicy;
import java.util.List;

/**
 * RFC 5424 syslog to a SIEM: {@code host}, {@code port} (default 514), {@code protocol} ({@code tcp}
 * with octet-counting framing per RFC 6587, or {@code udp}), {@code facility} (default {@code local0}),
 * {@code app_name} (default {@code restoreguard}).
 */
public record SyslogConfig(String name, Route route, RetryPolicy retry, CircuitBreaker.Settings circuitBreaker, Long timeoutMs, String host, Integer port, String protocol, String facility, String appName) implements ChannelConfig {

    /** Facility names in code order (RFC 5424 section 6.2.1). */
    public static final List<String> FACILITIES = List.of("kern", "user", "mail", "daemon", "auth", "syslog", "lpr",
            "news", "uucp", "cron", "authpriv", "ftp", "ntp", "audit", "alert", "clock", "local0", "local1", "local2",
            "local3", "local4", "local5", "local6", "local7");

    public SyslogConfig {
        ChannelConfig.checkCommon(name, timeoutMs);
        route = route == null ? Route.ALL : route;
        retry = retry == null ? DEFAULT_RETRY : retry;
        circuitBreaker = circuitBreaker == null ? CircuitBreaker.Settings.DEFAULT : circuitBreaker;
        timeoutMs = timeoutMs == null ? DEFAULT_TIMEOUT_MS : timeoutMs;
        required("host", host);
        port = port == null ? 514 : port;
        check(port > 0 && port < 65536, "port", "must be 1..65535");
        protocol = protocol == null ? "tcp" : protocol;
        check(List.of("tcp", "udp").contains(protocol), "protocol", "tcp or udp, was " + protocol);
        facility = facility == null ? "local0" : facility;
        check(FACILITIES.contains(facility), "facility", "one of " + FACILITIES + ", was " + facility);
        appName = appName == null ? "restoreguard" : appName;
        check(appName.matches("[!-~]{1,48}"), "app_name", "1..48 printable ASCII characters without spaces");
    }

    @Override
    public String type() {
        return "syslog";
    }
}
