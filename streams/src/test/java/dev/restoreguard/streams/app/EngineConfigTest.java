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
}
