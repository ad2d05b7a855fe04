package dev.restoreguard.streams.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.Topics;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
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
}
