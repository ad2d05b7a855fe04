package dev.restoreguard.streams.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.streams.approval.TrustedKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded property tests (plain JUnit; see docs/reliability.md "Why no jqwik"): the engine's
 * configuration comes from {@code RESTOREGUARD_*} variables, and any values give either a valid
 * configuration or an {@link IllegalArgumentException} (the exception {@link
 * CorrelationApp#main} and {@code restoreguard engine} turn into "invalid engine configuration",
 * exit 2) whose message names a variable that was set, never another exception. Environments of
 * only good values always give a configuration that holds them. Each seed is its own test (its name
 * shows the seed); a failure names the environment.
 */
class EngineConfigPropertiesTest {

    private static final int TRIES = 1_000;
    private static final List<String> KEYS = List.of("RESTOREGUARD_BOOTSTRAP_SERVERS", "RESTOREGUARD_ENGINE_APPLICATION_ID",
            "RESTOREGUARD_ENGINE_STATE_DIR", "RESTOREGUARD_ENGINE_STREAM_THREADS", "RESTOREGUARD_ENGINE_ALLOWED_LATENESS",
            "RESTOREGUARD_ENGINE_HISTORY_RETENTION", "RESTOREGUARD_ENGINE_SESSION_RETENTION", "RESTOREGUARD_ENGINE_HTTP_PORT",
            "RESTOREGUARD_ENGINE_PROCESSING_GUARANTEE", "RESTOREGUARD_ENGINE_COLLECTOR_SILENCE",
            "RESTOREGUARD_ENGINE_STANDBY_REPLICAS", "RESTOREGUARD_ENGINE_SESSION_TIMEOUT", TrustedKeys.VARIABLE,
            "RESTOREGUARD_HOME");
    private static final List<String> VALUES = List.of("", " ", "0", "1", "-1", "3", "65535", "65536", "8710", "2147483648",
            "PT0S", "PT1S", "PT5S", "PT6S", "PT10S", "PT10M", "PT-1M", "PT31M", "P7D", "P-1D", "10m", "P1Y", "PT0.0001S",
            "exactly_once_v2", "at_least_once", "exactly_once", "EXACTLY_ONCE_V2", "127.0.0.1:9092", "/tmp/x", "a\u0000b",
            "/nonexistent/keys", "\t", "PT10M ", "+1", "0x10", "1e3");

    @TempDir
    static Path dir;
    /** Trusted-keys sources that exist but are broken: YAML that is no key list, a key file that is no key. */
    private static List<String> brokenKeys;

    @BeforeAll
    static void brokenKeySources() throws IOException {
        final Path keysDir = Files.createDirectories(dir.resolve("keys"));
        Files.writeString(keysDir.resolve("bridge.pub"), "not a PEM key");
        brokenKeys = List.of(Files.writeString(dir.resolve("keys.yaml"), "trusted_keys: 42\n").toString(),
                Files.writeString(dir.resolve("empty.yaml"), "null\n").toString(),
                Files.writeString(dir.resolve("other.yaml"), "trusted_keys:\n  - key_id: k\n    public_key: missing.pem\n").toString(),
                keysDir.toString(), dir.toString());
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1L, 20_261_127L, 99L})
    void shouldReadAnyEnvironmentOrNameTheBadVariable(final long seed) {
        final Random random = new Random(seed);
        for (int i = 0; i < TRIES; i++) {
            final Map<String, String> env = new HashMap<>();
            final int size = random.nextInt(4);
            for (int k = 0; k < size; k++) {
                env.put(KEYS.get(random.nextInt(KEYS.size())), value(random));
            }
            try {
                assertConfigurationOrNamedError(env);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + ", environment #" + i + ": " + env, e);
            }
        }
    }

    private static void assertConfigurationOrNamedError(final Map<String, String> env) {
        final EngineConfig c;
        try {
            c = EngineConfig.fromEnvironment(env);
        } catch (IllegalArgumentException e) {
            assertThat(env.keySet()).as("the message names a variable that was set: " + e.getMessage())
                    .anyMatch(key -> e.getMessage().contains(key));
            return;
        }
        assertThat(c.streamThreads()).isPositive();
        assertThat(c.allowedLateness().isNegative()).isFalse();
        assertThat(c.sessionRetention().isNegative()).isFalse();
        assertThat(c.historyRetention()).isGreaterThanOrEqualTo(c.allowedLateness());
        assertThat(c.sessionTimeout()).isBetween(Duration.ofSeconds(6), Duration.ofMinutes(30));
        assertThat(c.streamsProperties()).isNotEmpty();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {2L, 20_261_127L})
    void shouldAcceptEveryEnvironmentOfGoodValuesAndHoldThem(final long seed) {
        final Random random = new Random(seed);
        for (int i = 0; i < TRIES; i++) {
            final int threads = 1 + random.nextInt(8);
            final Duration lateness = Duration.ofMinutes(random.nextInt(120));
            final Duration timeout = Duration.ofMillis(6_000 + random.nextInt(30 * 60_000 - 6_000 + 1));
            final int standbys = random.nextInt(3);
            final int port = random.nextInt(65536);
            final Map<String, String> env = Map.of("RESTOREGUARD_ENGINE_STREAM_THREADS", " " + threads,
                    "RESTOREGUARD_ENGINE_ALLOWED_LATENESS", lateness.toString(),
                    "RESTOREGUARD_ENGINE_HISTORY_RETENTION", lateness.plusHours(random.nextInt(200)).toString(),
                    "RESTOREGUARD_ENGINE_SESSION_TIMEOUT", timeout.toString(),
                    "RESTOREGUARD_ENGINE_STANDBY_REPLICAS", Integer.toString(standbys),
                    "RESTOREGUARD_ENGINE_HTTP_PORT", Integer.toString(port),
                    "RESTOREGUARD_ENGINE_PROCESSING_GUARANTEE", random.nextBoolean() ? "exactly_once_v2" : "at_least_once",
                    "RESTOREGUARD_ENGINE_STATE_DIR", dir.resolve("state-" + i).toString(),
                    "RESTOREGUARD_HOME", dir.resolve("no-home").toString());
            try {
                final EngineConfig c = EngineConfig.fromEnvironment(env);
                assertThat(c.streamThreads()).isEqualTo(threads);
                assertThat(c.allowedLateness()).isEqualTo(lateness);
                assertThat(c.sessionTimeout()).isEqualTo(timeout);
                assertThat(c.standbyReplicas()).isEqualTo(standbys);
                assertThat(c.httpPort()).isEqualTo(port);
                assertThat(c.streamsProperties())
                        .containsEntry(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), (int) timeout.toMillis())
                        .containsEntry(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, standbys);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + ", environment #" + i + ": " + env, e);
            }
        }
    }

    private static String value(final Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> brokenKeys.get(r.nextInt(brokenKeys.size()));
            case 1 -> {
                final StringBuilder b = new StringBuilder();
                final int length = r.nextInt(20);
                for (int i = 0; i < length; i++) {
                    b.append((char) (r.nextBoolean() ? r.nextInt(0x80) : r.nextInt(0xD800)));
                }
                yield b.toString();
            }
            default -> VALUES.get(r.nextInt(VALUES.size()));
        };
    }
}
