package dev.restoreguard.bench;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Topic;
import dev.restoreguard.events.Topics;
import dev.restoreguard.producers.runtime.EventPublisher;
import dev.restoreguard.producers.scenario.Routed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The benchmark's Kafka plumbing on the stack it started: topics emptied between runs (deleted and
 * created again from the {@link Topics} catalog), producers with the collectors' settings, and the
 * progress of a consumer group.
 */
final class BenchKafka implements AutoCloseable {

    private static final long CALL_SECONDS = 60;

    private final String bootstrap;
    private final Admin admin;

    BenchKafka(final String bootstrap) {
        this.bootstrap = bootstrap;
        this.admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
    }

    String bootstrap() {
        return bootstrap;
    }

    Admin admin() {
        return admin;
    }

    /**
     * A producer with exactly the collectors' settings ({@link EventPublisher#producerConfig}:
     * idempotent, {@code acks=all}, lz4, linger 5 ms), values as bytes.
     */
    Producer<String, byte[]> producer() {
        final Map<String, Object> extra = new HashMap<>();
        extra.put("bootstrap.servers", bootstrap);
        extra.put("client.id", "restoreguard-bench");
        // inventory snapshots of 100k assets are several MB, as for the engine
        extra.put("max.request.size", 32 * 1024 * 1024);
        return new KafkaProducer<>(EventPublisher.producerConfig(extra));
    }

    /** The serialized value of a routed event, with its topic's serde. */
    static byte[] serialize(final Routed routed) {
        for (final Topic<String, Envelope> topic : Topics.events()) {
            if (topic.name().equals(routed.topic())) {
                return topic.valueSerde().serializer().serialize(routed.topic(), routed.envelope());
            }
        }
        throw new IllegalArgumentException("not an event topic: " + routed.topic());
    }

    /** Producer records of routed events (serialized once, outside any timing). */
    static List<ProducerRecord<String, byte[]>> records(final List<Routed> events, final String topicOverride) {
        final List<ProducerRecord<String, byte[]>> out = new ArrayList<>(events.size());
        for (final Routed r : events) {
            out.add(new ProducerRecord<>(topicOverride == null ? r.topic() : topicOverride, r.key(), serialize(r)));
        }
        return out;
    }

    /** Deletes the catalog topics and creates them again empty (with the catalog's partitions and configs). */
    void resetCatalogTopics() throws Exception {
        final Set<String> names = Topics.all().stream().map(Topic::name).collect(Collectors.toSet());
        final Set<String> existing = admin.listTopics().names().get(CALL_SECONDS, TimeUnit.SECONDS);
        final List<String> delete = names.stream().filter(existing::contains).toList();
        deleteAndWait(delete);
        final List<NewTopic> create = new ArrayList<>();
        for (final Topic<?, ?> t : Topics.all()) {
            create.add(new NewTopic(t.name(), t.partitions(), (short) 1).configs(t.topicConfig()));
        }
        createRetrying(create);
    }

    /** Creates (after deleting, if present) one topic. */
    void recreate(final String name, final int partitions) throws Exception {
        if (admin.listTopics().names().get(CALL_SECONDS, TimeUnit.SECONDS).contains(name)) {
            deleteAndWait(List.of(name));
        }
        createRetrying(List.of(new NewTopic(name, partitions, (short) 1)));
    }

    void delete(final String name) throws Exception {
        deleteAndWait(List.of(name));
    }

    private void deleteAndWait(final Collection<String> topics) throws Exception {
        if (topics.isEmpty()) {
            return;
        }
        try {
            admin.deleteTopics(topics).all().get(CALL_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                throw e;
            }
        }
        final long deadline = System.nanoTime() + Duration.ofSeconds(CALL_SECONDS).toNanos();
        while (System.nanoTime() < deadline) {
            final Set<String> left = admin.listTopics().names().get(CALL_SECONDS, TimeUnit.SECONDS);
            if (topics.stream().noneMatch(left::contains)) {
                return;
            }
            Thread.sleep(100); // polling the broker's metadata; deletion has no completion event
        }
        throw new TimeoutException("topics still present after deletion: " + topics);
    }

    private void createRetrying(final List<NewTopic> topics) throws Exception {
        final long deadline = System.nanoTime() + Duration.ofSeconds(CALL_SECONDS).toNanos();
        List<NewTopic> pending = topics;
        while (!pending.isEmpty()) {
            final List<NewTopic> retry = new ArrayList<>();
            final var result = admin.createTopics(pending).values();
            for (final NewTopic t : pending) {
                try {
                    result.get(t.name()).get(CALL_SECONDS, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    // a topic just deleted may still be "marked for deletion" for a moment
                    if (!(e.getCause() instanceof TopicExistsException) || System.nanoTime() > deadline) {
                        throw e;
                    }
                    retry.add(t);
                }
            }
            pending = retry;
            if (!pending.isEmpty()) {
                Thread.sleep(200);
            }
        }
        awaitLeaders(topics.stream().map(NewTopic::name).toList(), deadline);
    }

    /**
     * Waits until every partition of {@code topics} has a leader: on a loaded broker a topic just
     * created may have none for seconds, and records sent meanwhile expire instead of measuring.
     */
    private void awaitLeaders(final List<String> topics, final long deadline) throws Exception {
        while (true) {
            boolean ready;
            try {
                ready = admin.describeTopics(topics).allTopicNames().get(CALL_SECONDS, TimeUnit.SECONDS).values()
                        .stream().allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null && p.leader().id() >= 0));
            } catch (ExecutionException e) {
                // the controller has the topic, the broker's metadata not yet: not ready, ask again
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
                ready = false;
            }
            if (ready) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("partitions without a leader after creation: " + topics);
            }
            Thread.sleep(100); // metadata polling: there is no event for a leader election
        }
    }

    /** Latest offsets of every partition of {@code topics}. */
    Map<TopicPartition, Long> endOffsets(final Collection<String> topics) throws Exception {
        final Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (final var description : admin.describeTopics(topics).allTopicNames().get(CALL_SECONDS, TimeUnit.SECONDS)
                .values()) {
            description.partitions().forEach(p -> request.put(new TopicPartition(description.name(), p.partition()),
                    OffsetSpec.latest()));
        }
        final Map<TopicPartition, Long> out = new HashMap<>();
        for (final Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e
                : admin.listOffsets(request).all().get(CALL_SECONDS, TimeUnit.SECONDS).entrySet()) {
            out.put(e.getKey(), e.getValue().offset());
        }
        return out;
    }

    /** Whether {@code group} has committed every partition in {@code end} up to its offset. */
    boolean caughtUp(final String group, final Map<TopicPartition, Long> end) throws Exception {
        final Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(CALL_SECONDS, TimeUnit.SECONDS);
        for (final Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (e.getValue() == 0) {
                continue;
            }
            final OffsetAndMetadata c = committed.get(e.getKey());
            if (c == null || c.offset() < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Records of {@code end} that {@code group} has committed: per partition its committed offset,
     * at most the end offset (the topics are created empty for each run, so offsets count records).
     */
    long committedRecords(final String group, final Map<TopicPartition, Long> end) throws Exception {
        final Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(CALL_SECONDS, TimeUnit.SECONDS);
        long sum = 0;
        for (final Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            final OffsetAndMetadata c = committed.get(e.getKey());
            sum += c == null ? 0 : Math.min(c.offset(), e.getValue());
        }
        return sum;
    }

    /** Sends every record and waits for all acknowledgements. */
    static void sendAll(final Producer<String, byte[]> producer, final List<ProducerRecord<String, byte[]>> records)
            throws Exception {
        final List<java.util.concurrent.Future<?>> acks = new ArrayList<>(records.size());
        for (final ProducerRecord<String, byte[]> r : records) {
            acks.add(producer.send(r));
        }
        producer.flush();
        for (final var ack : acks) {
            ack.get(CALL_SECONDS, TimeUnit.SECONDS);
        }
    }

    /**
     * Sends the records in windows of {@code window}, each acknowledged before the next is sent,
     * so that the broker stamps every record's arrival ({@code LogAppendTime}) after those of the
     * windows before it: the producer keeps the stream's order across partitions to within one
     * window. (Sent in one go, it appends the batches of different partitions in its own order,
     * and a compressed stream's records arrive minutes of event time out of order.)
     */
    static void sendInOrder(final Producer<String, byte[]> producer, final List<ProducerRecord<String, byte[]>> records,
                            final int window) throws Exception {
        for (int from = 0; from < records.size(); from += window) {
            sendAll(producer, records.subList(from, Math.min(records.size(), from + window)));
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(10));
    }
}
