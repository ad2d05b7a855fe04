package dev.restoreguard.sinks;

import java.util.Objects;
import org.apache.kafka.common.TopicPartition;

/**
 * One consumed record handed to a {@link Sink}: the decoded value plus where it came from and its
 * raw bytes, so that a record the destination refuses for good can go to the dead-letter topic
 * exactly as it was read.
 *
 * @param topic     source topic
 * @param partition source partition
 * @param offset    source offset
 * @param timestamp record timestamp (epoch ms)
 * @param key       record key (may be null)
 * @param value     decoded value
 * @param rawKey    key bytes as read (may be null)
 * @param rawValue  value bytes as read
 */
public record SinkRecord<V>(String topic, int partition, long offset, long timestamp, String key, V value,
                            byte[] rawKey, byte[] rawValue) {

    public SinkRecord {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(value, "value");
    }

    public TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
