package dev.restoreguard.sinks;

import dev.restoreguard.sinks.retry.RetryPolicy;
import dev.restoreguard.sinks.service.Metrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer loop every sink runs in: {@code read_committed} (the engine writes alerts in
 * transactions), no auto-commit, and offsets committed only after {@link Sink#handle} returned, that
 * is after the destination acknowledged the batch. A record that cannot be deserialized
 * ({@link RecordDeserializationException}) goes to the dead-letter topic with its raw bytes and
 * {@code dlq.*} headers, and the consumer seeks past it. When the sink fails, the runner commits
 * what the sink reports as done, seeks back to the rest and tries again after a jittered backoff
 * (the destination being down for ten minutes delays delivery, it loses nothing).
 *
 * <p>Reads: the topics given (for example {@code Topics.events()} and {@code restoreguard.alerts}),
 * keys as UTF-8 strings, values with the given deserializer. Writes: the dead-letter topic.
 *
 * @param <V> the decoded value type
 */
public final class SinkRunner<V> implements Runnable, AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(SinkRunner.class);

    /** Lifecycle of the loop, for health checks. */
    public enum State { CREATED, STARTING, RUNNING, BACKING_OFF, FAILED, STOPPED }

    private final Sink<V> sink;
    private final Properties consumerConfig;
    private final List<String> topics;
    private final Deserializer<V> valueDeserializer;
    private final DeadLetterPublisher deadLetters;
    private final RetryPolicy failureBackoff;
    /** How often a probing sink is checked while the runner backs off. */
    static final Duration PROBE_EVERY = Duration.ofSeconds(2);
    private final Metrics metrics;
    private final Duration pollTimeout;

    private final AtomicReference<State> state = new AtomicReference<>(State.CREATED);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Consumer<String, Decoded<V>> consumer;
    private volatile boolean closing;
    private volatile Instant lastSuccess;
    private volatile String lastError;
    private volatile int consecutiveFailures;

    /**
     * @param sink              the destination
     * @param kafkaConfig       client configuration ({@code bootstrap.servers}, security); consumer
     *                          settings that the guarantees depend on are forced
     * @param groupId           the consumer group (one per sink, one per alert channel)
     * @param topics            topics to read
     * @param valueDeserializer decodes values; throwing marks a record for the dead-letter topic
     * @param deadLetters       where undecodable and refused records go
     * @param failureBackoff    backoff between failed attempts at a batch (its attempts are unbounded here)
     * @param metrics           counters
     */
    public SinkRunner(final Sink<V> sink, final Map<String, Object> kafkaConfig, final String groupId,
                      final Collection<String> topics, final Deserializer<V> valueDeserializer,
                      final DeadLetterPublisher deadLetters, final RetryPolicy failureBackoff, final Metrics metrics) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.topics = List.copyOf(topics);
        this.valueDeserializer = Objects.requireNonNull(valueDeserializer, "valueDeserializer");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.failureBackoff = Objects.requireNonNull(failureBackoff, "failureBackoff");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.pollTimeout = Duration.ofMillis(500);
        final Properties props = new Properties();
        props.putAll(kafkaConfig);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, Objects.requireNonNull(groupId, "groupId"));
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1000");
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "restoreguard-sink-" + sink.name());
        this.consumerConfig = props;
    }

    public String name() {
        return sink.name();
    }

    public State state() {
        return state.get();
    }

    /** Live: the loop has not died (a fatal error or an unexpected exception). */
    public boolean live() {
        return state.get() != State.FAILED;
    }

    /** Ready: the destination was validated and the last batch (if any) was delivered. */
    public boolean ready() {
        return state.get() == State.RUNNING;
    }

    public Instant lastSuccess() {
        return lastSuccess;
    }

    public String lastError() {
        return lastError;
    }

    /** Validates and configures the sink; throws with the sink's reason when the destination is unusable. */
    public void prepare() throws SinkException {
        state.set(State.STARTING);
        sink.validateConnection();
        sink.configure();
    }

    @Override
    public void run() {
        try (Consumer<String, Decoded<V>> kafka = new KafkaConsumer<>(consumerConfig, new StringDeserializer(),
                new DecodingDeserializer<>(valueDeserializer))) {
            consumer = kafka;
            if (closing) {
                return;
            }
            kafka.subscribe(topics, new LoggingRebalanceListener());
            state.set(State.RUNNING);
            LOGGER.atInfo().addKeyValue("sink", sink.name()).addKeyValue("topics", topics)
                    .addKeyValue("group", consumerConfig.get(ConsumerConfig.GROUP_ID_CONFIG)).log("Sink consuming");
            while (!closing) {
                pollOnce(kafka);
            }
            state.set(State.STOPPED);
        } catch (WakeupException e) {
            state.set(State.STOPPED);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            state.set(State.STOPPED);
        } catch (RuntimeException | SinkException e) {
            if (closing) {
                state.set(State.STOPPED);
            } else {
                state.set(State.FAILED);
                lastError = e.toString();
                LOGGER.atError().addKeyValue("sink", sink.name()).setCause(e).log("Sink loop failed; restart the service");
            }
        } finally {
            stopped.countDown();
        }
    }

    private void pollOnce(final Consumer<String, Decoded<V>> kafka) throws InterruptedException, SinkException {
        final ConsumerRecords<String, Decoded<V>> records;
        try {
            records = kafka.poll(pollTimeout);
        } catch (RecordDeserializationException e) {
            deadLetter(kafka, e);
            return;
        }
        if (records.isEmpty()) {
            return;
        }
        final List<SinkRecord<V>> batch = new ArrayList<>(records.count());
        final Map<TopicPartition, Long> first = new HashMap<>();
        final Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        for (final ConsumerRecord<String, Decoded<V>> r : records) {
            final TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            first.putIfAbsent(tp, r.offset());
            next.put(tp, new OffsetAndMetadata(r.offset() + 1));
            if (r.value() == null) {
                continue; // a tombstone: nothing to deliver, and it is committed with the batch
            }
            batch.add(new SinkRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value().value(),
                    r.key() == null ? null : r.key().getBytes(java.nio.charset.StandardCharsets.UTF_8), r.value().raw()));
        }
        metrics.count("restoreguard_sink_records_consumed_total", records.count(), "sink", sink.name());
        try {
            if (!batch.isEmpty()) {
                sink.handle(batch);
            }
            kafka.commitSync(next);
            lastSuccess = Instant.now();
            consecutiveFailures = 0;
            lastError = null;
            state.set(State.RUNNING);
        } catch (SinkException e) {
            consecutiveFailures++;
            lastError = e.getMessage();
            state.set(State.BACKING_OFF);
            metrics.count("restoreguard_sink_batch_failures_total", 1, "sink", sink.name());
            final Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
            e.completed().forEach((tp, offset) -> done.put(tp, new OffsetAndMetadata(offset)));
            if (!done.isEmpty()) {
                kafka.commitSync(done);
            }
            // hand the undelivered rest again: seek every partition of the batch back to its first open record
            first.forEach((tp, offset) -> {
                final Long completed = e.completed().get(tp);
                kafka.seek(tp, completed == null ? offset : Math.max(offset, completed));
            });
            final Duration wait = failureBackoff.backoff(Math.min(consecutiveFailures, 30));
            LOGGER.atWarn().addKeyValue("sink", sink.name()).addKeyValue("failures", consecutiveFailures)
                    .addKeyValue("wait_ms", wait.toMillis()).addKeyValue("error", e.getMessage())
                    .log("Batch not delivered; will retry from the first undelivered record");
            pauseFor(kafka, wait);
        }
    }

    /**
     * Waits while still polling (paused), so the consumer keeps its group membership. A sink that
     * {@linkplain Sink#probesDuringBackoff() probes} is checked every {@link #PROBE_EVERY} and the
     * wait ends as soon as it answers: after an outage the backoff may have grown to a minute, and
     * the batch should not wait that long once the destination is back.
     */
    private void pauseFor(final Consumer<String, Decoded<V>> kafka, final Duration wait) {
        final var assignment = kafka.assignment();
        kafka.pause(assignment);
        try {
            final long deadline = System.nanoTime() + wait.toNanos();
            long nextProbe = System.nanoTime() + PROBE_EVERY.toNanos();
            while (!closing && System.nanoTime() < deadline) {
                final long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                kafka.poll(Duration.ofMillis(Math.min(left, 200)));
                if (sink.probesDuringBackoff() && System.nanoTime() >= nextProbe && System.nanoTime() < deadline) {
                    nextProbe = System.nanoTime() + PROBE_EVERY.toNanos();
                    if (answers()) {
                        LOGGER.atInfo().addKeyValue("sink", sink.name())
                                .log("destination answers again: retrying before the backoff ends");
                        return;
                    }
                }
            }
        } finally {
            kafka.resume(kafka.assignment());
        }
    }

    private boolean answers() {
        try {
            sink.validateConnection();
            return true;
        } catch (SinkException | RuntimeException e) {
            return false;
        }
    }

    private void deadLetter(final Consumer<String, Decoded<V>> kafka, final RecordDeserializationException e) throws SinkException {
        final TopicPartition tp = e.topicPartition();
        deadLetters.publish(tp.topic(), tp.partition(), e.offset(), bytes(e.keyBuffer()), bytes(e.valueBuffer()),
                "sink." + sink.name() + ".deserialize", e.getCause() == null ? e : e.getCause(),
                "cannot deserialize the " + e.origin().name().toLowerCase(java.util.Locale.ROOT) + ": "
                        + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()));
        metrics.count("restoreguard_sink_dead_letters_total", 1, "sink", sink.name(), "stage", "deserialize");
        // everything before it was handled and committed (we commit after every batch), so the
        // record's successor is the committed position of the partition
        kafka.seek(tp, e.offset() + 1);
        kafka.commitSync(Map.of(tp, new OffsetAndMetadata(e.offset() + 1)));
    }

    private static byte[] bytes(final java.nio.ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        final java.nio.ByteBuffer copy = buffer.duplicate();
        final byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }

    /** Stops the loop and waits for it (the consumer is closed by the loop's own thread). */
    @Override
    public void close() {
        closing = true;
        final Consumer<String, Decoded<V>> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (state.get() != State.CREATED && state.get() != State.STARTING) {
            try {
                stopped.await(java.util.concurrent.TimeUnit.SECONDS.toMillis(30), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A decoded value with the bytes it was decoded from (kept for dead letters). */
    record Decoded<V>(V value, byte[] raw) {
    }

    /** Decodes with the sink's deserializer and keeps the raw bytes; a failure still surfaces as Kafka's exception. */
    private record DecodingDeserializer<V>(Deserializer<V> inner) implements Deserializer<Decoded<V>> {
        @Override
        public Decoded<V> deserialize(final String topic, final byte[] data) {
            if (data == null) {
                return null;
            }
            return new Decoded<>(inner.deserialize(topic, data), data);
        }
    }

    private final class LoggingRebalanceListener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(final Collection<TopicPartition> partitions) {
            // nothing in flight: handle() runs on this thread and finishes before the next poll
            LOGGER.atDebug().addKeyValue("sink", sink.name()).addKeyValue("partitions", partitions).log("Partitions revoked");
        }

        @Override
        public void onPartitionsAssigned(final Collection<TopicPartition> partitions) {
            LOGGER.atInfo().addKeyValue("sink", sink.name()).addKeyValue("partitions", partitions.size())
                    .log("Partitions assigned");
        }
    }
}
