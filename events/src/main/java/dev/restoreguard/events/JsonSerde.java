package dev.restoreguard.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka serde for any event type through the shared {@link Json#MAPPER}. Failures surface as
 * {@link SerializationException} so that Kafka Streams' deserialization handler and the
 * dead-letter queue take over instead of a crashed thread. Records that validate themselves in
 * their constructors (every {@link Envelope}) fail here with a message naming the field.
 */
public final class JsonSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {

    private final Class<T> type;
    private final ObjectReader reader;
    private final ObjectWriter writer;

    public JsonSerde(final Class<T> type) {
        this.type = type;
        this.reader = Json.MAPPER.readerFor(type);
        this.writer = Json.MAPPER.writerFor(type);
    }

    @Override
    public byte[] serialize(final String topic, final T data) {
        if (data == null) {
            return null;
        }
        try {
            return writer.writeValueAsBytes(data);
        } catch (JsonProcessingException e) {
            throw new SerializationException("cannot write " + type.getSimpleName() + " to " + topic + ": " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public T deserialize(final String topic, final byte[] data) {
        if (data == null) {
            return null;
        }
        final T value;
        try {
            value = reader.readValue(data);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot read " + type.getSimpleName() + " from " + topic + ": "
                    + EventValidationException.describe(e), e);
        }
        if (value == null) {
            // the JSON text "null" is not a tombstone (those have no bytes): left as null, every
            // stage would skip it silently instead of dead-lettering it
            throw new SerializationException("cannot read " + type.getSimpleName() + " from " + topic
                    + ": the value is the JSON literal null, not " + type.getSimpleName() + " JSON");
        }
        return value;
    }

    @Override
    public void configure(final java.util.Map<String, ?> configs, final boolean isKey) {
        // configured by its constructor: nothing to read from client configs
    }

    @Override
    public void close() {
        // stateless: nothing to release
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }
}
