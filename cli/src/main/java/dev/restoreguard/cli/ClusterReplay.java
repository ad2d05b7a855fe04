package dev.restoreguard.cli;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.JsonSerde;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.alert.Alert;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Replays a scenario against a live cluster: publishes each event to its catalog topic with its
 * event time as record timestamp (idempotent producer, {@code acks=all}), and collects the alerts a
 * running engine publishes from then on (read_committed) until none arrived for the settle time.
 *
 * <p>A scenario packs hours into milliseconds. The engine copies each DNS, approval and inventory
 * record to every partition of its reference topic before the observer tasks see it; after such a
 * record, replay waits until the engine has consumed the copies (its group's committed offsets
 * reach the topic's end), so the next restore is judged with it, as it would be in real time.
 *
 * <p>Writes the normalized event topics; reads {@code restoreguard.alerts}.
 */
final class ClusterReplay implements ReplayCommand.ReplayTarget {

    private static final Duration MAX_WAIT = Duration.ofMinutes(5);

    private final KafkaProducer<String, Envelope> producer;
    private final KafkaConsumer<String, Alert> consumer;
    private final Duration settle;
    private final org.apache.kafka.clients.admin.Admin admin;
    private final String engineGroup;

    ClusterReplay(final String bootstrap, final Duration settle, final String engineGroup) {
        this.settle = settle;
        this.engineGroup = engineGroup;
        this.admin = org.apache.kafka.clients.admin.Admin.create(Map.of(
                org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 32 * 1024 * 1024),
                new StringSerializer(), new JsonSerde<>(Envelope.class));
        this.consumer = AlertsTail.open(bootstrap);
    }

    @Override
    public void send(final String topic, final String key, final Envelope event) {
        try {
            // one at a time, acknowledged: the engine sees the scenario's arrival order
            producer.send(new ProducerRecord<>(topic, null, event.timestamp(), key, event)).get();
            if (topic.equals(Topics.DNS.name()) || topic.equals(Topics.APPROVALS.name())
                    || topic.equals(Topics.INVENTORY.name())) {
                awaitReferenceConsumed();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot publish to " + topic + ": " + e.getCause().getMessage(), e);
        }
    }

    /** Waits until the engine's group has committed every record of the reference topic (bounded). */
    private void awaitReferenceConsumed() throws InterruptedException, ExecutionException {
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        final List<TopicPartition> partitions = consumer.partitionsFor(Topics.ENGINE_REFERENCE.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        long previousEnd = -1;
        while (System.nanoTime() < deadline) {
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions); // read_committed: the LSO
            final Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(engineGroup).partitionsToOffsetAndMetadata().get();
            final long total = end.values().stream().mapToLong(Long::longValue).sum();
            final boolean consumed = partitions.stream().allMatch(tp -> committed.get(tp) != null
                    && committed.get(tp).offset() >= end.get(tp));
            // the copy may not be written yet: require the end to have been stable over one round
            if (consumed && total == previousEnd) {
                return;
            }
            previousEnd = total;
            Thread.sleep(100); // polling a readiness condition, bounded by the deadline
        }
        System.err.println("replay: the engine (group " + engineGroup + ") did not consume the reference topic "
                + "within 30 s; is it running (./restoreguard up)?");
    }

    @Override
    public List<Alert> finalAlerts() {
        final Map<String, Alert> latest = new LinkedHashMap<>();
        final long deadline = System.nanoTime() + MAX_WAIT.toNanos();
        long quietSince = System.nanoTime();
        while (System.nanoTime() - quietSince < settle.toNanos() && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, Alert> record : consumer.poll(Duration.ofMillis(250))) {
                latest.put(record.key(), record.value());
                quietSince = System.nanoTime();
            }
        }
        return new ArrayList<>(latest.values());
    }

    @Override
    public void close() {
        producer.close();
        consumer.close();
        admin.close();
    }
}
