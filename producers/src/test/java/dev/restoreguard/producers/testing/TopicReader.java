package dev.restoreguard.producers.testing;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Json;
import dev.restoreguard.testkit.TestStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads envelopes of one key from a topic of the test stack (ITs). */
public final class TopicReader {

    private TopicReader() {
    }

    /** Reads {@code topic} from the start until {@code done} holds for the envelopes keyed {@code key} (60 s at most). */
    public static List<Envelope> read(final TestStack stack, final String topic, final String key,
                                      final Predicate<List<Envelope>> done) throws Exception {
        final Map<String, Object> config = stack.kafkaConfig();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        final List<Envelope> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!done.test(out) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(300))) {
                    if (key.equals(r.key())) {
                        out.add(Json.MAPPER.readValue(r.value(), Envelope.class));
                    }
                }
            }
        }
        return out;
    }
}
