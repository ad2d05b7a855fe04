package dev.restoreguard.producers.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.restoreguard.events.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Jazzer fuzz test of {@code restoreguard.yaml} (StrictYaml into {@link CollectorConfig}).
 * Invariant: any text is a configuration or a {@link ConfigException} with a message, nothing else.
 */
class CollectorConfigFuzzTest {

    static final Map<String, String> ENV = Map.of("BOOTSTRAP", "127.0.0.1:9092", "RESTORE_HTTP_TOKEN", "0123456789abcdef0123",
            "SQL01_TOKEN", "0123456789abcdef0124", "RESTORE_HTTP_TLS_PASSWORD", "pw");

    @FuzzTest(maxDuration = "60s")
    void shouldReadAnyYaml(final byte[] input) {
        check(new String(input, StandardCharsets.UTF_8));
    }

    static void check(final String yaml) {
        try {
            final CollectorConfig c = CollectorConfig.parse(yaml, ENV);
            assertThat(c.collectors().hostsFile().paths()).isNotEmpty();
            assertThat(c.kafka().bootstrapServers()).isNotBlank();
        } catch (ConfigException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }
}
