package dev.restoreguard.events.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StrictYamlTest {

    record Channel(String type, String url, int timeoutMs) {
        Channel {
            ConfigException.required("type", type);
            ConfigException.check(timeoutMs >= 0, "timeout_ms", "must not be negative");
        }
    }

    record Alerts(List<Channel> channels) {
    }

    record Root(Alerts alerts) {
    }

    @Test
    void shouldReadSnakeCaseKeysAndSubstituteVariables() {
        final Root root = StrictYaml.parse("""
                alerts:
                  channels:
                    - type: webhook
                      url: ${HOOK_URL}
                      timeout_ms: ${TIMEOUT:-500}
                """, Root.class, Map.of("HOOK_URL", "http://127.0.0.1:9/x"));
        assertThat(root.alerts().channels()).containsExactly(new Channel("webhook", "http://127.0.0.1:9/x", 500));
    }

    @Test
    void shouldNameTheUnknownKeyWithItsPath() {
        assertThatThrownBy(() -> StrictYaml.parse("alerts:\n  channels:\n    - type: slack\n      urll: x\n",
                Root.class, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("alerts.channels[0].urll: unknown key")
                .hasMessageContaining("(line ");
    }

    @Test
    void shouldRejectDuplicateKeys() {
        assertThatThrownBy(() -> StrictYaml.parse("alerts:\n  channels: []\n  channels: []\n", Root.class, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("channels");
    }

    @Test
    void shouldPrefixValidationErrorsWithTheKeyPath() {
        assertThatThrownBy(() -> StrictYaml.parse("alerts:\n  channels:\n    - url: x\n", Root.class, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("alerts.channels[0].type: required");
    }

    @Test
    void shouldFailOnAnUnsetVariableWithoutDefault() {
        assertThatThrownBy(() -> StrictYaml.parse("alerts:\n  channels:\n    - type: ${KIND}\n", Root.class, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("line 3").hasMessageContaining("KIND");
    }
}
