package dev.restoreguard.sinks;

import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * One value deserializer for a consumer that reads topics of different value types (the
 * Elasticsearch sink reads event envelopes and alerts): picks the deserializer by topic. A record
 * it cannot read surfaces as Kafka's {@code RecordDeserializationException}, which the
 * {@link SinkRunner} sends to the dead-letter topic.
 */
public final class TopicDeserializer implements Deserializer<Object> {

    private final Map<String, Deserializer<?>> byTopic;

    public TopicDeserializer(final Map<String, Deserializer<?>> byTopic) {
        this.byTopic = Map.copyOf(byTopic);
    }

    @Override
    public Object deserialize(final String topic, final byte[] data) {
        final Deserializer<?> deserializer = byTopic.get(topic);
        if (deserializer == null) {
            throw new SerializationException("no deserializer for topic " + topic);
        }
        return deserializer.deserialize(topic, data);
    }
}
