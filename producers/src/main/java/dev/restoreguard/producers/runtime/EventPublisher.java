package dev.restoreguard.producers.runtime;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Topic;
import dev.restoreguard.events.audit.Heartbeat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes collector events to Kafka through the durable {@link Spool}: {@link #publish} appends
 * the serialized event to the spool and returns; one sender thread reads the spool in order, sends
 * with an idempotent producer ({@code acks=all}, {@code enable.idempotence=true}, lz4), and moves
 * the spool's checkpoint past each event only once Kafka acknowledged it.
 *
 * <p>Topics written: whatever the collectors name, from the catalog
 * ({@code restoreguard.hosts.snapshots}, {@code restoreguard.dns.records}, {@code restoreguard.audit});
 * key String, value the {@link Envelope} as JSON, header {@code event_id}.
 *
 * <p>Errors are sorted three ways:
 * <ul>
 *   <li><b>retriable</b> ({@link RetriableException}: broker down, leader moving, timeouts): keep
 *       the producer, back off (0.5 s doubling to 30 s), re-send from the checkpoint;</li>
 *   <li><b>poison</b> (the record itself can never be accepted: too large, unserializable): move it
 *       to the spool's {@code rejected.log}, count it on {@link Metrics#REJECTED}, log it at ERROR
 *       and go on, so one bad event does not stall the rest;</li>
 *   <li><b>fatal</b> for this producer (fenced, out-of-order sequence, authentication or
 *       authorization, unsupported version, anything else): close the producer, back off, start a
 *       new one; the events stay in the spool.</li>
 * </ul>
 * An event Kafka acknowledged after an earlier event of its batch failed is not sent again when
 * the batch is re-sent. Delivery is at least once: an event acknowledged by Kafka but not yet
 * checkpointed when the process dies is sent again after the restart, with the same event id, and the engine and the
 * Elasticsearch sink de-duplicate by that id.
 */
public final class EventPublisher implements EventSink, AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(EventPublisher.class);
    private static final Duration MIN_BACKOFF = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final int MAX_BATCH = 1000;

    private final Spool spool;
    private final EventChains chains;
    private final Metrics metrics;
    private final Map<String, Object> producerConfig;
    private final Function<Map<String, Object>, Producer<String, byte[]>> producerFactory;
    private final Thread sender;
    private final AtomicReference<Instant> lastEventTime = new AtomicReference<>();
    private volatile boolean running = true;
    private volatile boolean connected;
    private volatile String lastError;
    private Producer<String, byte[]> producer;
    /**
     * Spool sequence numbers Kafka acknowledged after an earlier event of their batch failed (the
     * batch spans partitions; during a long outage one partition's records expire while another's
     * get through). The checkpoint cannot pass them yet, but the re-send skips them instead of
     * publishing them a second time. Sender thread only; lost with the process (then at least once).
     */
    private final java.util.NavigableSet<Long> acknowledgedPastFailure = new java.util.TreeSet<>();

    /**
     * @param kafka producer settings ({@code bootstrap.servers} and any pass-through); the safety
     *     settings (idempotence, acks=all, serializers) are forced on top
     */
    public EventPublisher(final Map<String, Object> kafka, final Spool spool, final Metrics metrics) {
        this(kafka, spool, metrics, KafkaProducer::new, null);
    }

    /** A publisher that places every event in its tamper-evident chain ({@link EventChains}) before spooling it. */
    public EventPublisher(final Map<String, Object> kafka, final Spool spool, final Metrics metrics,
                          final EventChains chains) {
        this(kafka, spool, metrics, KafkaProducer::new, chains);
    }

    EventPublisher(final Map<String, Object> kafka, final Spool spool, final Metrics metrics,
                   final Function<Map<String, Object>, Producer<String, byte[]>> producerFactory) {
        this(kafka, spool, metrics, producerFactory, null);
    }

    EventPublisher(final Map<String, Object> kafka, final Spool spool, final Metrics metrics,
                   final Function<Map<String, Object>, Producer<String, byte[]>> producerFactory,
                   final EventChains chains) {
        this.chains = chains;
        this.spool = spool;
        this.metrics = metrics;
        this.producerFactory = producerFactory;
        this.producerConfig = producerConfig(kafka);
        metrics.gauge("restoreguard_spool_pending_events", "Events in the spool not yet acknowledged by Kafka",
                spool::pendingEvents);
        metrics.gauge("restoreguard_spool_bytes", "Size of the spool's segment files", spool::sizeBytes);
        metrics.gauge("restoreguard_spool_max_bytes", "The spool's size cap", spool::maxBytes);
        metrics.gauge("restoreguard_kafka_connected", "1 when the last send to Kafka succeeded", () -> connected ? 1 : 0);
        this.sender = Thread.ofPlatform().name("restoreguard-publisher").daemon().start(this::sendLoop);
    }

    /** The producer settings: pass-through first, then what durability requires. */
    public static Map<String, Object> producerConfig(final Map<String, Object> kafka) {
        final Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        // send() blocks for metadata while the broker is down; the sender thread must come back to
        // back off and re-read the spool instead of hanging a full minute.
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 5_000);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "restoreguard-collector");
        config.putAll(kafka);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return config;
    }

    @Override
    // Synchronized: the chain's order must be the spool's order when the collector and its
    // heartbeat publish at once.
    public synchronized boolean publish(final Topic<String, Envelope> topic, final String key,
                                        final Envelope unchained) {
        final Envelope envelope = chains == null ? unchained : chains.place(topic.name(), key, unchained);
        final byte[] value;
        try {
            value = topic.valueSerde().serializer().serialize(topic.name(), envelope);
        } catch (RuntimeException e) {
            metrics.increment(Metrics.ERRORS);
            LOGGER.atError().setCause(e).addKeyValue("event_id", envelope.eventId()).addKeyValue("topic", topic.name())
                    .log("Event cannot be serialized; not published");
            return false;
        }
        final OptionalLong seq;
        try {
            seq = spool.append(topic.name(), key, envelope.timestamp(), envelope.eventId(), value);
        } catch (UncheckedIOException | IllegalArgumentException e) {
            metrics.increment(Metrics.DROPPED);
            metrics.increment(Metrics.ERRORS);
            LOGGER.atError().setCause(e).addKeyValue("event_id", envelope.eventId()).addKeyValue("topic", topic.name())
                    .log("Event could not be written to the spool: DROPPED");
            return false;
        }
        if (seq.isEmpty()) {
            metrics.increment(Metrics.DROPPED);
            LOGGER.atError().addKeyValue("event_id", envelope.eventId()).addKeyValue("topic", topic.name())
                    .addKeyValue("kind", envelope.kind()).addKeyValue("spool_bytes", spool.sizeBytes())
                    .addKeyValue("spool_max_bytes", spool.maxBytes())
                    .addKeyValue("dropped_total", metrics.value(Metrics.DROPPED))
                    .log("Spool full (Kafka unreachable too long?): event DROPPED");
            return false;
        }
        metrics.increment(Metrics.SPOOLED);
        if (!(envelope.payload() instanceof Heartbeat)) {
            lastEventTime.accumulateAndGet(envelope.at(), (a, b) -> a == null || b.isAfter(a) ? b : a);
        }
        return true;
    }

    private void sendLoop() {
        Duration backoff = MIN_BACKOFF;
        Spool.Cursor cursor = spool.cursor(spool.checkpoint());
        long nextToRead = spool.checkpoint();
        while (running) {
            try {
                if (!spool.awaitAppend(nextToRead, Duration.ofMillis(500))) {
                    continue;
                }
                final List<SpoolRecord> batch = new ArrayList<>();
                SpoolRecord r;
                while (batch.size() < MAX_BATCH && (r = cursor.next()) != null) {
                    batch.add(r);
                }
                if (batch.isEmpty()) {
                    continue;
                }
                nextToRead = batch.get(batch.size() - 1).seq() + 1;
                final Failure failure = sendBatch(batch);
                if (failure == null) {
                    connected = true;
                    lastError = null;
                    backoff = MIN_BACKOFF;
                    continue;
                }
                connected = false;
                lastError = failure.error.toString();
                metrics.increment(Metrics.ERRORS);
                LOGGER.atWarn().addKeyValue("kind", failure.kind).addKeyValue("error", failure.error.toString())
                        .addKeyValue("pending", spool.pendingEvents()).addKeyValue("retry_in_ms", backoff.toMillis())
                        .log("Kafka send failed; events stay in the spool and are re-sent");
                if (failure.kind == ErrorKind.FATAL) {
                    closeProducer(Duration.ZERO);
                }
                Thread.sleep(backoff.toMillis());
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
                cursor.close();
                nextToRead = spool.checkpoint();
                cursor = spool.cursor(nextToRead);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (IOException | RuntimeException e) {
                metrics.increment(Metrics.ERRORS);
                LOGGER.atError().setCause(e).log("Spool sender failed; retrying from the checkpoint");
                cursor.close();
                nextToRead = spool.checkpoint();
                cursor = spool.cursor(nextToRead);
                try {
                    Thread.sleep(MAX_BACKOFF.toMillis() / 10);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        cursor.close();
    }

    /** Marks an event of a re-sent batch that Kafka already acknowledged: not sent again. */
    private static final Future<RecordMetadata> ALREADY_ACKNOWLEDGED = CompletableFuture.completedFuture(null);

    private enum ErrorKind { RETRIABLE, POISON, FATAL }

    private record Failure(ErrorKind kind, Throwable error) {
    }

    /** Sends a batch and checkpoints its acknowledged prefix; returns the first failure, if any. */
    private Failure sendBatch(final List<SpoolRecord> batch) throws InterruptedException {
        if (producer == null) {
            try {
                producer = producerFactory.apply(producerConfig);
            } catch (KafkaException e) {
                return new Failure(ErrorKind.FATAL, e);
            }
        }
        // A null future marks a record send() refused for good (already moved to rejected.log).
        final List<Future<RecordMetadata>> futures = new ArrayList<>(batch.size());
        Failure failure = null;
        for (SpoolRecord r : batch) {
            if (failure == null && acknowledgedPastFailure.contains(r.seq())) {
                futures.add(ALREADY_ACKNOWLEDGED);
                continue;
            }
            try {
                final ProducerRecord<String, byte[]> record = new ProducerRecord<>(r.topic(), null, r.timestamp(),
                        r.key(), r.value());
                record.headers().add("event_id", r.eventId().getBytes(StandardCharsets.UTF_8));
                futures.add(producer.send(record));
            } catch (KafkaException e) {
                if (classify(e) == ErrorKind.POISON) {
                    reject(r, e);
                    futures.add(null);
                    continue;
                }
                failure = new Failure(classify(e), e);
                break;
            }
        }
        long acknowledged = -1;
        int ok = 0;
        boolean prefixIntact = true;
        for (int i = 0; i < futures.size(); i++) {
            final Future<RecordMetadata> f = futures.get(i);
            try {
                if (f != null && f != ALREADY_ACKNOWLEDGED) {
                    f.get();
                    ok++;
                }
                if (prefixIntact) {
                    acknowledged = batch.get(i).seq();
                } else if (f != null) {
                    acknowledgedPastFailure.add(batch.get(i).seq());
                }
            } catch (ExecutionException e) {
                final ErrorKind kind = classify(e.getCause());
                if (prefixIntact && kind == ErrorKind.POISON) {
                    reject(batch.get(i), e.getCause());
                    acknowledged = batch.get(i).seq();
                } else if (prefixIntact) {
                    prefixIntact = false;
                    if (failure == null) {
                        failure = new Failure(kind, e.getCause());
                    }
                }
                // Later futures are still awaited so no send is left dangling, but nothing past the
                // first failure is checkpointed: it is re-sent (same event id) after the back-off.
            }
        }
        if (acknowledged >= 0) {
            spool.acknowledgeUpTo(acknowledged + 1);
            acknowledgedPastFailure.headSet(acknowledged, true).clear();
        }
        metrics.add(Metrics.SENT, ok);
        return failure;
    }

    private void reject(final SpoolRecord record, final Throwable error) {
        spool.reject(record, error.toString());
        metrics.increment(Metrics.REJECTED);
        metrics.increment(Metrics.ERRORS);
    }

    static ErrorKind classify(final Throwable t) {
        Throwable e = t;
        while (e instanceof ExecutionException && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof RecordTooLargeException || e instanceof SerializationException) {
            return ErrorKind.POISON;
        }
        if (e instanceof RetriableException) {
            return ErrorKind.RETRIABLE;
        }
        return ErrorKind.FATAL;
    }

    /** Whether the last send to Kafka succeeded (false before the first one). */
    public boolean connected() {
        return connected;
    }

    /** The last send error, or null. */
    public String lastError() {
        return lastError;
    }

    /** Event time of the latest non-heartbeat event published, or null. */
    public Instant lastEventTime() {
        return lastEventTime.get();
    }

    /** The spool behind this publisher. */
    public Spool spool() {
        return spool;
    }

    /** Waits until every spooled event is acknowledged; true if it happened within the timeout. */
    public boolean awaitDrained(final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (spool.pendingEvents() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    private void closeProducer(final Duration timeout) {
        if (producer != null) {
            try {
                producer.close(timeout);
            } catch (RuntimeException e) {
                LOGGER.atDebug().setCause(e).log("Producer close failed");
            }
            producer = null;
        }
    }

    /**
     * Stops sending, gives the current batch up to {@code drain} to finish, and closes the
     * producer. The spool is not closed (its owner closes it); what was not sent is sent next time.
     */
    public void close(final Duration drain) {
        try {
            awaitDrained(drain);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        running = false;
        sender.interrupt();
        try {
            sender.join(Duration.ofSeconds(15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeProducer(Duration.ofSeconds(5));
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
