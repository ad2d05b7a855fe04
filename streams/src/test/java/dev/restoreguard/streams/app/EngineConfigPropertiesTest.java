package dev.restoreguard.streams.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * jqwik: the engine's configuration comes from {@code RESTOREGUARD_ENGINE_*} variables; any values
 * give a configuration or an {@link IllegalArgumentException} that names the variable or key,
 * nothing else (no NPE, no bare parse error).
 */
class EngineConfigPropertiesTest {

    private static final List<String> KEYS = List.of("RESTOREGUARD_BOOTSTRAP_SERVERS", "RESTOREGUARD_ENGINE_APPLICATION_ID",
            "RESTOREGUARD_ENGINE_STATE_DIR", "RESTOREGUARD_ENGINE_STREAM_THREADS", "RESTOREGUARD_ENGINE_ALLOWED_LATENESS",
            "RESTOREGUARD_ENGINE_HISTORY_RETENTION", "RESTOREGUARD_ENGINE_SESSION_RETENTION", "RESTOREGUARD_ENGINE_HTTP_PORT",
            "RESTOREGUARD_ENGINE_PROCESSING_GUARANTEE");

    @Property(tries = 1000)
    void shouldReadAnyEnvironmentOrNameTheBadVariable(@ForAll("environments") final Map<String, String> env) {
        try {
            final EngineConfig c = EngineConfig.fromEnvironment(env);
            assertThat(c.streamThreads()).isPositive();
            assertThat(c.allowedLateness().isNegative()).isFalse();
            assertThat(c.sessionRetention().isNegative()).as("session retention negative: " + c.sessionRetention()).isFalse();
            assertThat(c.streamsProperties()).isNotEmpty();
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).as(e.toString()).containsAnyOf("RESTOREGUARD_", "engine.");
        }
    }

    @Provide
    Arbitrary<Map<String, String>> environments() {
        final Arbitrary<String> value = Arbitraries.oneOf(
                Arbitraries.of("", " ", "0", "1", "-1", "65536", "8710", "2147483648", "PT10M", "PT-1M", "P7D", "10m", "P1Y",
                        "exactly_once_v2", "at_least_once", "exactly_once", "127.0.0.1:9092", "/tmp/x", "a\u0000b"),
                Arbitraries.strings().ofMaxLength(20));
        return Arbitraries.maps(Arbitraries.of(KEYS), value).ofMaxSize(KEYS.size()).map(HashMap::new);
    }
}
