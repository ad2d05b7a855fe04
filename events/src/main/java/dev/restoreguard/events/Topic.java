package dev.restoreguard.events;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * One entry of the topic catalog: everything a producer, the engine, a sink and the
 * infrastructure need to agree on for a topic.
 *
 * @param name       lower-case, dotted topic name
 * @param keyMeaning what the record key is (documentation; also shown by {@code stack status})
 * @param keySerde   serde of the key
 * @param valueSerde serde of the value
 * @param partitions partition count created by {@code infra}
 * @param cleanup    {@code delete}, {@code compact} or {@code compact,delete}
 * @param retention  retention of the topic ({@code null} means infinite)
 * @param extraConfig further topic-level configuration (for example {@code max.message.bytes})
 */
public record Topic<K, V>(
        String name,
        String keyMeaning,
        Serde<K> keySerde,
        Serde<V> valueSerde,
        int partitions,
        String cleanup,
        Duration retention,
        Map<String, String> extraConfig) {

    public Topic {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[a-z0-9]+(\\.[a-z0-9-]+)+")) {
            throw new IllegalArgumentException("topic name must be lower-case and dotted: " + name);
        }
        if (partitions < 1) {
            throw new IllegalArgumentException(name + ": partitions must be >= 1");
        }
        if (!cleanup.equals("delete") && !cleanup.equals("compact") && !cleanup.equals("compact,delete")) {
            throw new IllegalArgumentException(name + ": unknown cleanup policy " + cleanup);
        }
        extraConfig = Map.copyOf(extraConfig);
    }

    /** Topic-level configuration to create the topic with. */
    public Map<String, String> topicConfig() {
        final var config = new java.util.TreeMap<String, String>(extraConfig);
        config.put("cleanup.policy", cleanup);
        config.put("retention.ms", retention == null ? "-1" : Long.toString(retention.toMillis()));
        return config;
    }

    @Override
    public String toString() {
        return name;
    }
}
