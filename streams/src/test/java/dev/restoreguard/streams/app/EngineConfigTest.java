package dev.restoreguard.streams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.restoreguard.events.Topics;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineConfigTest {

    @Test
    void shouldLetInternalTopicsHoldRecordsAsLargeAsTheReferenceTopicDoes() {
        // the reference history's changelogs hold whole inventory snapshots; with the broker's 1 MB
        // default an engine on a real broker died on a 100k-asset inventory (found by the benchmark)
        final String referenceLimit = Topics.ENGINE_REFERENCE.topicConfig().get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        assertThat(EngineConfig.defaults().streamsProperties()
                .get(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG))).isEqualTo(referenceLimit);
        assertThat(EngineConfig.defaults().streamsProperties().get(StreamsConfig.producerPrefix("max.request.size")))
                .isEqualTo(Integer.parseInt(referenceLimit));
    }

    @Test
    void shouldRefuseANegativeSessionRetention() {
        // accepted before (found by a property test): a negative retention would drop every session at once
        assertThatThrownBy(() -> EngineConfig.fromEnvironment(Map.of("RESTOREGUARD_ENGINE_SESSION_RETENTION", "-PT1H")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("session_retention");
    }

    @Test
    void shouldNameTheStateDirVariableWhenItIsNotAPath() {
        // was a bare InvalidPathException naming nothing (found by a property test)
        assertThatThrownBy(() -> EngineConfig.fromEnvironment(Map.of("RESTOREGUARD_ENGINE_STATE_DIR", "state\u0000dir")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RESTOREGUARD_ENGINE_STATE_DIR");
    }

    @Test
    void shouldKeepKafkasSessionTimeoutUnlessTheVariableSetsOne() {
        assertThat(EngineConfig.defaults().streamsProperties())
                .containsEntry("consumer.session.timeout.ms", 45_000).containsEntry("consumer.heartbeat.interval.ms", 3_000);
        // EngineCrashIT: a SIGKILLed instance's tasks move after about this long instead of 45 s
        assertThat(EngineConfig.fromEnvironment(Map.of("RESTOREGUARD_ENGINE_SESSION_TIMEOUT", "PT6S")).streamsProperties())
                .containsEntry("consumer.session.timeout.ms", 6_000).containsEntry("consumer.heartbeat.interval.ms", 2_000);
    }

    @Test
    void shouldRefuseASessionTimeoutTheBrokerWouldRefuseNamingTheVariable() {
        // below group.min.session.timeout.ms (6 s by default) the broker answers InvalidSessionTimeoutException
        assertThatThrownBy(() -> EngineConfig.fromEnvironment(Map.of("RESTOREGUARD_ENGINE_SESSION_TIMEOUT", "PT5S")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("RESTOREGUARD_ENGINE_SESSION_TIMEOUT (engine.session_timeout): must be within PT6S..PT30M");
        assertThatThrownBy(() -> EngineConfig.fromEnvironment(Map.of("RESTOREGUARD_ENGINE_SESSION_TIMEOUT", "PT31M")))
                .hasMessageContaining("RESTOREGUARD_ENGINE_SESSION_TIMEOUT");
        assertThatThrownBy(() -> EngineConfig.fromEnvironment(Map.of("RESTOREGUARD_ENGINE_SESSION_TIMEOUT", "6s")))
                .hasMessageContaining("RESTOREGUARD_ENGINE_SESSION_TIMEOUT: not an ISO-8601 duration");
    }

    @Test
    void shouldCommitEveryHundredMillisecondsUnlessTheVariableSetsAnInterval() {
        assertThat(EngineConfig.defaults().streamsProperties()).containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100L);
        assertThat(EngineConfig.fromEnvironment(Map.of("RESTOREGUARD_ENGINE_COMMIT_INTERVAL", "PT0.5S")).streamsProperties())
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 500L);
    }

    @Test
    void shouldRefuseACommitIntervalOutsideTheTransactionTimeoutNamingTheVariable() {
        // at 10 s or more Kafka Streams' exactly-once transaction (10 s timeout) would be aborted by the broker
        assertThatThrownBy(() -> EngineConfig.fromEnvironment(Map.of("RESTOREGUARD_ENGINE_COMMIT_INTERVAL", "PT10S")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("RESTOREGUARD_ENGINE_COMMIT_INTERVAL (engine.commit_interval): must be within PT0.01S..PT5S, was PT10S");
        assertThatThrownBy(() -> EngineConfig.fromEnvironment(Map.of("RESTOREGUARD_ENGINE_COMMIT_INTERVAL", "PT0S")))
                .hasMessageContaining("RESTOREGUARD_ENGINE_COMMIT_INTERVAL (engine.commit_interval)");
    }

    @Test
    void shouldNameTheVariableWhenAValueBreaksARuleOfTheConfiguration() {
        // the record's rules name its keys; a variable's reader looks for the variable (found by EngineConfigPropertiesTest)
        assertThatThrownBy(() -> EngineConfig.fromEnvironment(Map.of("RESTOREGUARD_ENGINE_STREAM_THREADS", "0")))
                .hasMessage("RESTOREGUARD_ENGINE_STREAM_THREADS (engine.stream_threads): must be at least 1, was 0");
        assertThatThrownBy(() -> EngineConfig.fromEnvironment(Map.of("RESTOREGUARD_ENGINE_PROCESSING_GUARANTEE", "exactly_once")))
                .hasMessageStartingWith("RESTOREGUARD_ENGINE_PROCESSING_GUARANTEE (engine.processing_guarantee)");
    }

    @Test
    void shouldNameTheTrustedKeysVariableWhenItIsNotAPath() {
        // was a bare InvalidPathException "Nul character not allowed" (found by EngineConfigPropertiesTest)
        assertThatThrownBy(() -> EngineConfig.fromEnvironment(Map.of("RESTOREGUARD_ENGINE_TRUSTED_KEYS", "keys\u0000dir")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("RESTOREGUARD_ENGINE_TRUSTED_KEYS: ");
        assertThatThrownBy(() -> EngineConfig.fromEnvironment(Map.of("RESTOREGUARD_HOME", "home\u0000dir")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("RESTOREGUARD_HOME");
    }
}
