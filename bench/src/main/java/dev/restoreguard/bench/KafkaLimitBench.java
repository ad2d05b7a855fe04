package dev.restoreguard.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The physical limit of a single-pass pipeline on this machine: the project's events (the mixed
 * stream's real sizes, serialized as the collectors serialize them) produced with the collectors'
 * producer settings, then consumed back ({@code read_committed}, as the engine and sinks read),
 * on a 6-partition topic like the observer topics. A pipeline that reads each event once and writes
 * it once cannot beat {@code N / (produce time + consume time)}.
 */
final class KafkaLimitBench {

    static final String TOPIC = "restoreguard.bench.kafka-limit";

    /** One run: produce and consume times of {@code records} records of {@code bytes} bytes in all. */
    record Run(int records, long bytes, long produceNanos, long consumeNanos) {
        double producePerSecond() {
            return records / (produceNanos / 1e9);
        }

        double consumePerSecond() {
            return records / (consumeNanos / 1e9);
        }

        /** Records per second for producing and then consuming them all. */
        double limitPerSecond() {
            return records / ((produceNanos + consumeNanos) / 1e9);
        }
    }

    private KafkaLimitBench() {
    }

    static List<Run> run(final BenchKafka kafka, final List<ProducerRecord<String, byte[]>> source, final int runs)
            throws Exception {
        final List<ProducerRecord<String, byte[]>> records = new ArrayList<>(source.size());
        long bytes = 0;
        for (final ProducerRecord<String, byte[]> r : source) {
            records.add(new ProducerRecord<>(TOPIC, r.key(), r.value()));
            bytes += r.value().length;
        }
        final List<Run> out = new ArrayList<>();
        try (Producer<String, byte[]> producer = kafka.producer()) {
            for (int i = 0; i < runs; i++) {
                kafka.recreate(TOPIC, 6);
                final long t0 = System.nanoTime();
                BenchKafka.sendAll(producer, records);
                final long produced = System.nanoTime() - t0;
                final long consumed = consumeAll(kafka.bootstrap(), records.size());
                out.add(new Run(records.size(), bytes, produced, consumed));
            }
        }
        kafka.delete(TOPIC);
        return out;
    }

    private static long consumeAll(final String bootstrap, final int expected) {
        final Map<String, Object> config = Map.of(
                "bootstrap.servers", bootstrap,
                "group.id", "restoreguard-bench-limit-" + System.nanoTime(),
                "auto.offset.reset", "earliest",
                "enable.auto.commit", false,
                "isolation.level", "read_committed",
                "key.deserializer", StringDeserializer.class,
                "value.deserializer", ByteArrayDeserializer.class);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
            // assigned, not subscribed: no group join inside the timing
            final List<TopicPartition> partitions = consumer.partitionsFor(TOPIC).stream()
                    .map(p -> new TopicPartition(TOPIC, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            int seen = 0;
            final long start = System.nanoTime();
            final long deadline = start + Duration.ofMinutes(5).toNanos();
            while (seen < expected) {
                final ConsumerRecords<String, byte[]> batch = consumer.poll(Duration.ofMillis(200));
                seen += batch.count();
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("consumed only " + seen + " of " + expected + " records in 5 minutes");
                }
            }
            return System.nanoTime() - start;
        }
    }
}
