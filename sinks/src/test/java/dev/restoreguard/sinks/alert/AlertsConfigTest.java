package dev.restoreguard.sinks.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.restoreguard.events.alert.Severity;
import dev.restoreguard.events.config.ConfigException;
import dev.restoreguard.sinks.Fixtures;
import dev.restoreguard.sinks.alert.config.AlertsConfig;
import dev.restoreguard.sinks.alert.config.EmailConfig;
import dev.restoreguard.sinks.alert.config.PagerDutyConfig;
import dev.restoreguard.sinks.alert.config.SinksFile;
import dev.restoreguard.sinks.alert.config.SyslogConfig;
import dev.restoreguard.sinks.alert.config.WebhookConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertsConfigTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private static final String YAML = """
            sinks:
              elasticsearch:
                urls: [https://es.corp.example:9200]
                api_key: ${ES_API_KEY}
                ca_file: /etc/restoreguard/ca.pem
              alerts:
                link_template: https://kibana.corp.example/app/discover#/?_a=(query:(query:'alert.id:"{alert.id}"'))
                channels:
                  - type: pagerduty
                    name: oncall
                    routing_key: ${PD_KEY}
                    route: {min_severity: high, rules: [RG-001, RG-002, RG-005]}
                  - type: webhook
                    name: soar
                    url: https://soar.corp.example/hooks/restoreguard
                    secret: %s
                    retry: {max_attempts: 8, initial_backoff_ms: 250, max_backoff_ms: 20000}
                    circuit_breaker: {failure_threshold: 3, open_ms: 10000}
                  - type: email
                    name: dba-mail
                    host: smtp.corp.example
                    from: restoreguard@corp.example
                    to: [dba-oncall@corp.example]
                    route: {retractions: false}
                  - type: syslog
                    name: siem
                    host: siem.corp.example
                    protocol: udp
            """.formatted(SECRET);

    @Test
    void shouldReadEveryChannelTypeWithDefaults() {
        final SinksFile file = SinksFile.parse(YAML, Map.of("ES_API_KEY", "a2V5", "PD_KEY", "R0123456789abcdef0123456789abcde"));
        final AlertsConfig alerts = file.requireAlerts();
        assertThat(alerts.channels()).extracting(c -> c.type()).containsExactly("pagerduty", "webhook", "email", "syslog");
        final PagerDutyConfig pd = (PagerDutyConfig) alerts.channels().get(0);
        assertThat(pd.url()).isEqualTo("https://events.pagerduty.com/v2/enqueue");
        assertThat(pd.route().minSeverity()).isEqualTo("high");
        assertThat(((WebhookConfig) alerts.channels().get(1)).retry().maxAttempts()).isEqualTo(8);
        final EmailConfig email = (EmailConfig) alerts.channels().get(2);
        assertThat(email.port()).as("STARTTLS submission port by default").isEqualTo(587);
        assertThat(email.security()).isEqualTo("starttls");
        assertThat(((SyslogConfig) alerts.channels().get(3)).facility()).isEqualTo("local0");
        assertThat(file.sinks().elasticsearch().apiKey()).isEqualTo("a2V5");
        assertThat(file.sinks().elasticsearch().toString()).doesNotContain("a2V5");
    }

    @Test
    void shouldRouteBySeverityRuleAndStatus() {
        final SinksFile file = SinksFile.parse(YAML, Map.of("ES_API_KEY", "k", "PD_KEY", "R0123456789abcdef0123456789abcde"));
        final var pagerDuty = file.requireAlerts().channels().get(0).route();
        final var email = file.requireAlerts().channels().get(2).route();
        assertThat(pagerDuty.matches(Fixtures.alert("open"))).isTrue();
        assertThat(pagerDuty.matches(Fixtures.alert("RG-006", "restore:veeam:x", Severity.MEDIUM, "open", List.of())))
                .as("medium is below high").isFalse();
        assertThat(pagerDuty.matches(Fixtures.alert("RG-003", "hosts:a:b:c", Severity.HIGH, "open", List.of())))
                .as("rule not listed").isFalse();
        assertThat(email.matches(Fixtures.alert("retracted"))).as("retractions: false").isFalse();
    }

    @Test
    void shouldNameTheKeyPathOfAMissingField() {
        assertThatThrownBy(() -> SinksFile.parse("""
                sinks:
                  alerts:
                    channels:
                      - type: slack
                        name: secops
                """, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("sinks.alerts.channels[0].url: required");
    }

    @Test
    void shouldRejectUnknownKeysTypesAndDuplicateNames() {
        assertThatThrownBy(() -> SinksFile.parse("""
                sinks:
                  alerts:
                    channels:
                      - type: slack
                        name: secops
                        url: https://hooks.slack.com/services/T/B/X
                        colour: red
                """, Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining("colour").hasMessageContaining("unknown key");
        assertThatThrownBy(() -> SinksFile.parse("""
                sinks:
                  alerts:
                    channels:
                      - type: carrier-pigeon
                        name: x
                """, Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining("carrier-pigeon");
        assertThatThrownBy(() -> SinksFile.parse("""
                sinks:
                  alerts:
                    channels:
                      - {type: slack, name: a, url: "https://hooks.slack.com/a"}
                      - {type: teams, name: a, url: "https://example.webhook.office.com/b"}
                """, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("channels[1].name: duplicate channel name 'a'");
    }

    @Test
    void shouldRejectAWebhookSecretThatIsNotStandardWebhooksFormat() {
        assertThatThrownBy(() -> SinksFile.parse("""
                sinks:
                  alerts:
                    channels:
                      - {type: webhook, name: soar, url: "https://soar.example/h", secret: "hunter2"}
                """, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("sinks.alerts.channels[0].secret: must start with whsec_");
    }

    @Test
    void shouldNameTheRetryKeyOfAnInvalidPolicy() {
        assertThatThrownBy(() -> SinksFile.parse("""
                sinks:
                  alerts:
                    channels:
                      - {type: slack, name: a, url: "https://hooks.slack.com/a", retry: {max_attempts: 0}}
                """, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("sinks.alerts.channels[0].retry.max_attempts: must be at least 1");
    }
}
