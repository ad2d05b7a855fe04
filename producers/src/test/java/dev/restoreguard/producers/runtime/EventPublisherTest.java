package dev.restoreguard.producers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.audit.AuditRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.clients.producer.RoundRobinPartitioner;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventPublisherTest {

    @TempDir
    Path dir;

    /** A producer whose sends fail as configured, then succeed. */
    static class ScriptedProducer extends MockProducer<String, byte[]> {
        final AtomicInteger timeouts;
        final String poisonId;

        ScriptedProducer(final int timeouts, final String poisonId) {
            super(true, new RoundRobinPartitioner(), new StringSerializer(), new ByteArraySerializer());
            this.timeouts = new AtomicInteger(timeouts);
            this.poisonId = poisonId;
        }

        @Override
        public synchronized Future<RecordMetadata> send(final ProducerRecord<String, byte[]> record) {
            if (timeouts.getAndDecrement() > 0) {
                return CompletableFuture.failedFuture(new TimeoutException("broker unreachable"));
            }
            final String id = new String(record.headers().lastHeader("event_id").value(), StandardCharsets.UTF_8);
            if (id.equals(poisonId)) {
                return CompletableFuture.failedFuture(new RecordTooLargeException("too large"));
            }
            return super.send(record);
        }

        List<String> sentIds() {
            return history().stream()
                    .map(r -> new String(r.headers().lastHeader("event_id").value(), StandardCharsets.UTF_8)).toList();
        }
    }

    private static Envelope event(final int i) {
        return Envelope.of("test", Instant.parse("2026-11-20T16:00:00Z").plusSeconds(i), "vbr01.corp.example",
                new AuditRecord("test", "n" + i, null, Map.of(), null));
    }

    private Spool spool() throws Exception {
        return Spool.open(dir, 1 << 20, 8192, Spool.FsyncPolicy.ALWAYS, Duration.ofSeconds(1));
    }

    @Test
    void shouldSendEveryEventAndEmptyTheSpool() throws Exception {
        final ScriptedProducer producer = new ScriptedProducer(0, null);
        final Metrics metrics = new Metrics();
        try (Spool spool = spool(); EventPublisher publisher = new EventPublisher(Map.of(), spool, metrics, c -> producer)) {
            for (int i = 0; i < 20; i++) {
                assertThat(publisher.publish(Topics.AUDIT, "k", event(i))).isTrue();
            }
            assertThat(publisher.awaitDrained(Duration.ofSeconds(10))).isTrue();
            assertThat(producer.sentIds()).containsExactlyElementsOf(
                    java.util.stream.IntStream.range(0, 20).mapToObj(i -> event(i).eventId()).toList());
            assertThat(metrics.value(Metrics.SENT)).isEqualTo(20);
            assertThat(metrics.value(Metrics.SPOOLED)).isEqualTo(20);
            assertThat(publisher.connected()).isTrue();
            assertThat(producer.history().get(0).timestamp()).isEqualTo(event(0).timestamp());
        }
    }

    @Test
    void shouldKeepEventsThroughRetriableFailuresAndResendThemWithTheSameId() throws Exception {
        final ScriptedProducer producer = new ScriptedProducer(3, null);
        final Metrics metrics = new Metrics();
        try (Spool spool = spool(); EventPublisher publisher = new EventPublisher(Map.of(), spool, metrics, c -> producer)) {
            for (int i = 0; i < 5; i++) {
                publisher.publish(Topics.AUDIT, "k", event(i));
            }
            assertThat(publisher.awaitDrained(Duration.ofSeconds(20))).isTrue();
            assertThat(producer.sentIds()).containsAll(
                    java.util.stream.IntStream.range(0, 5).mapToObj(i -> event(i).eventId()).toList());
            assertThat(metrics.value(Metrics.ERRORS)).isGreaterThanOrEqualTo(1);
            assertThat(metrics.value(Metrics.DROPPED)).isZero();
        }
    }

    @Test
    void shouldNotResendEventsKafkaAcknowledgedAfterAnEarlierEventOfTheBatchFailed() throws Exception {
        // event 1's partition expired during an outage; events 2..4 (other partitions) got through
        final String expired = event(1).eventId();
        final AtomicInteger failuresLeft = new AtomicInteger(1);
        final ScriptedProducer producer = new ScriptedProducer(0, null) {
            @Override
            public synchronized Future<RecordMetadata> send(final ProducerRecord<String, byte[]> record) {
                final String id = new String(record.headers().lastHeader("event_id").value(), StandardCharsets.UTF_8);
                if (id.equals(expired) && failuresLeft.getAndDecrement() > 0) {
                    return CompletableFuture.failedFuture(new TimeoutException("Expiring 1 record(s)"));
                }
                return super.send(record);
            }
        };
        try (Spool spool = spool()) {
            // all five spooled before the sender starts, so they go out as one batch
            for (int i = 0; i < 5; i++) {
                final Envelope e = event(i);
                spool.append(Topics.AUDIT.name(), "k", e.timestamp(), e.eventId(),
                        Topics.AUDIT.valueSerde().serializer().serialize(Topics.AUDIT.name(), e));
            }
            try (EventPublisher publisher = new EventPublisher(Map.of(), spool, new Metrics(), c -> producer)) {
                assertThat(publisher.awaitDrained(Duration.ofSeconds(20))).isTrue();
            }
            assertThat(producer.sentIds()).as("each event once").containsExactlyInAnyOrderElementsOf(
                    java.util.stream.IntStream.range(0, 5).mapToObj(i -> event(i).eventId()).toList());
            assertThat(spool.pendingEvents()).isZero();
        }
    }

    @Test
    void shouldSetAsidePoisonEventsAndDeliverTheRest() throws Exception {
        final ScriptedProducer producer = new ScriptedProducer(0, event(2).eventId());
        final Metrics metrics = new Metrics();
        try (Spool spool = spool(); EventPublisher publisher = new EventPublisher(Map.of(), spool, metrics, c -> producer)) {
            for (int i = 0; i < 5; i++) {
                publisher.publish(Topics.AUDIT, "k", event(i));
            }
            assertThat(publisher.awaitDrained(Duration.ofSeconds(10))).isTrue();
            assertThat(producer.sentIds()).hasSize(4).doesNotContain(event(2).eventId());
            assertThat(metrics.value(Metrics.REJECTED)).isEqualTo(1);
        }
        assertThat(dir.resolve("rejected.log")).exists();
    }

    @Test
    void shouldCountAndRefuseEventsWhenTheSpoolIsFull() throws Exception {
        final Metrics metrics = new Metrics();
        // A producer that never gets through: everything stays in the spool until it is full.
        final ScriptedProducer producer = new ScriptedProducer(Integer.MAX_VALUE, null);
        try (Spool spool = Spool.open(dir, 4096, 2048, Spool.FsyncPolicy.ALWAYS, Duration.ofSeconds(1));
             EventPublisher publisher = new EventPublisher(Map.of(), spool, metrics, c -> producer)) {
            int refused = 0;
            for (int i = 0; i < 100; i++) {
                if (!publisher.publish(Topics.AUDIT, "k", event(i))) {
                    refused++;
                }
            }
            assertThat(refused).isPositive();
            assertThat(metrics.value(Metrics.DROPPED)).isEqualTo(refused);
            assertThat(metrics.value(Metrics.SPOOLED)).isEqualTo(100 - refused);
            assertThat(metrics.render()).contains(Metrics.DROPPED + " " + refused);
        }
    }

    @Test
    void shouldForceDurabilitySettingsOverPassThroughProperties() {
        final Map<String, Object> config = EventPublisher.producerConfig(Map.of("acks", "0", "linger.ms", "20"));
        assertThat(config).containsEntry("acks", "all").containsEntry("enable.idempotence", true)
                .containsEntry("linger.ms", "20").containsEntry("compression.type", "lz4");
    }

    @Test
    void shouldSortErrorsIntoRetriablePoisonAndFatal() {
        assertThat(EventPublisher.classify(new TimeoutException("down"))).hasToString("RETRIABLE");
        assertThat(EventPublisher.classify(new org.apache.kafka.common.errors.NotLeaderOrFollowerException("moving")))
                .hasToString("RETRIABLE");
        assertThat(EventPublisher.classify(new java.util.concurrent.ExecutionException(new RecordTooLargeException("big"))))
                .hasToString("POISON");
        assertThat(EventPublisher.classify(new org.apache.kafka.common.errors.ProducerFencedException("fenced")))
                .hasToString("FATAL");
        assertThat(EventPublisher.classify(new org.apache.kafka.common.errors.TopicAuthorizationException("acl")))
                .hasToString("FATAL");
        assertThat(EventPublisher.classify(new org.apache.kafka.common.errors.OutOfOrderSequenceException("seq")))
                .hasToString("FATAL");
    }
}
