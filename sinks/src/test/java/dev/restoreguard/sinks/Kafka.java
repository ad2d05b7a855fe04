package dev.restoreguard.sinks;

import dev.restoreguard.events.Json;
import dev.restoreguard.testkit.TestStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Small Kafka helpers for the ITs: private topics, producing JSON, reading a topic to the end. */
public final class Kafka {

    private Kafka() {
    }

    /** Creates topics (partitions each) and returns their names. */
    public static void createTopics(final TestStack stack, final int partitions, final String... names) throws Exception {
        try (Admin admin = Admin.create(stack.kafkaConfig())) {
            final List<NewTopic> topics = new ArrayList<>();
            for (final String name : names) {
                topics.add(new NewTopic(name, partitions, (short) 1));
            }
            admin.createTopics(topics).all().get();
        }
    }

    public static String unique(final String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    /** Produces values as JSON (Json.MAPPER), or raw bytes when the value is a byte[]; waits for every ack. */
    public static void produce(final TestStack stack, final String topic, final List<Map.Entry<String, Object>> records)
            throws Exception {
        final Map<String, Object> config = stack.kafkaConfig();
        config.put("acks", "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (final Map.Entry<String, Object> record : records) {
                final byte[] value = record.getValue() instanceof byte[] b ? b : Json.MAPPER.writeValueAsBytes(record.getValue());
                producer.send(new ProducerRecord<>(topic, record.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8), value)).get();
            }
        }
    }

    /** Reads a topic from the beginning until {@code done} holds for what was read, or the timeout. */
    public static List<ConsumerRecord<byte[], byte[]>> readUntil(final TestStack stack, final String topic,
                                                                  final Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
                                                                  final Duration timeout) {
        final Map<String, Object> config = new HashMap<>(stack.kafkaConfig());
        config.put("isolation.level", "read_committed");
        final List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(read) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
            }
        }
        return read;
    }

    /** The committed offsets of a group equal the end offsets of {@code topics} (it consumed everything). */
    public static boolean caughtUp(final TestStack stack, final String group, final Set<String> topics) throws Exception {
        try (Admin admin = Admin.create(stack.kafkaConfig())) {
            final var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            final var descriptions = admin.describeTopics(topics).allTopicNames().get();
            final Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new HashMap<>();
            descriptions.forEach((name, d) -> d.partitions().forEach(p ->
                    latest.put(new TopicPartition(name, p.partition()), org.apache.kafka.clients.admin.OffsetSpec.latest())));
            final var ends = admin.listOffsets(latest).all().get();
            for (final var end : ends.entrySet()) {
                final var offset = committed.get(end.getKey());
                final long position = offset == null ? 0 : offset.offset();
                if (position < end.getValue().offset()) {
                    return false;
                }
            }
            return true;
        }
    }
}
