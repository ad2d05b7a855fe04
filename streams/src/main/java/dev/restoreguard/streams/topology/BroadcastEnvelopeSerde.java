package dev.restoreguard.streams.topology;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.JsonSerde;
import dev.restoreguard.streams.state.BoundedMemory;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The value serde of {@code restoreguard.engine.reference}: {@link JsonSerde} of {@link Envelope},
 * remembering what it read. Every reference change is on every partition, so each task of an
 * engine reads the same bytes again (six times with six partitions) and reading JSON was the
 * largest cost of the broadcast; an {@link Envelope} is immutable, so the tasks and stream threads
 * of one engine share the one they read first. Bounded (least recently used first out); large
 * values (inventory snapshots, read once per task and rarely) are not kept.
 */
final class BroadcastEnvelopeSerde implements Serde<Envelope>, Deserializer<Envelope> {

    static final int CAPACITY = 16_384;
    static final int LARGEST_KEPT = 64 * 1024;

    private static final BoundedMemory<ByteBuffer, Envelope> READ = new BoundedMemory<>(CAPACITY);

    private final JsonSerde<Envelope> json = new JsonSerde<>(Envelope.class);

    @Override
    public Envelope deserialize(final String topic, final byte[] data) {
        if (data == null || data.length > LARGEST_KEPT) {
            return json.deserialize(topic, data);
        }
        // read outside the memory's lock; a failure throws as JsonSerde does (dead-letter handling) and is not kept
        return READ.get(ByteBuffer.wrap(data), key -> json.deserialize(topic, data));
    }

    static int size() {
        return READ.size();
    }

    @Override
    public void configure(final Map<String, ?> configs, final boolean isKey) {
        // configured by its constructor, as JsonSerde
    }

    @Override
    public void close() {
        // the memory is shared by every instance of the engine: nothing of this instance to release
    }

    @Override
    public Serializer<Envelope> serializer() {
        return json.serializer();
    }

    @Override
    public Deserializer<Envelope> deserializer() {
        return this;
    }
}
