package dev.restoreguard.producers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.Topics;
import dev.restoreguard.infra.stack.KafkaBroker;
import dev.restoreguard.infra.stack.LocalStack;
import dev.restoreguard.infra.stack.StackSettings;
import dev.restoreguard.producers.testing.SpoolWriterMain;
import dev.restoreguard.testkit.FreePorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 4, "broker stopped mid-stream and restarted — every event arrives once (by id)": a real
 * broker of its own (not the shared test stack's, which other tests need) is stopped while a
 * publisher streams events, stays down while more are published, and is started again on the same
 * data dir and port. Every event id must then arrive, none under a new id, and the spool must
 * drain. "Once by id" is the outbox's contract: at least once with the same event id, deduplicated
 * downstream; only an event whose answer the stop cut off may be on the topic twice, and the test
 * prints how many were (a {@code FAULT broker-restart} line).
 *
 * <p>Unlike {@link OutboxKafkaIT}, which points the publisher at a dead address, here the same
 * producer keeps its connection, metadata and idempotence state across a real broker going away
 * and coming back, which is what a collector sees when Kafka is restarted under it.
 */
class BrokerRestartIT {

    private static final Logger LOGGER = LoggerFactory.getLogger(BrokerRestartIT.class);
    private static final int EVENTS = 300;
    /** The broker goes down once this many are acknowledged (the spool's checkpoint). */
    private static final int ACKNOWLEDGED_BEFORE_STOP = 100;
    /** The producer thread holds here until the broker is down, so at least the rest is published while it is. */
    private static final int GATE = 200;
    /** Pacing of the producer thread: 300 events in about 4.5 s, a steady stream rather than one burst. */
    private static final Duration PACE = Duration.ofMillis(15);
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);

    /** How the broker is taken away. */
    enum Outage {
        /** SIGTERM: controlled shutdown, logs flushed. */
        GRACEFUL_STOP,
        /** SIGKILL: no shutdown at all; the restart recovers the logs. */
        SIGKILL
    }

    @TempDir
    Path brokerHome;

    @TempDir
    Path spoolDir;

    @ParameterizedTest
    @EnumSource(Outage.class)
    void shouldDeliverEveryEventIdAndReSendOnlyUnansweredOnesWhenTheBrokerIsStoppedMidStreamAndRestarted(final Outage outage)
            throws Exception {
        final long started = System.nanoTime();
        final int[] ports = FreePorts.loopback(3);
        final StackSettings settings = new StackSettings(brokerHome, ports[0], ports[1], ports[2],
                Duration.ofSeconds(90), Duration.ofSeconds(20));
        final String observer = "restart-" + outage.name().toLowerCase() + "-" + UUID.randomUUID() + ".it.example";
        final KafkaBroker broker = LocalStack.kafkaOnly(settings);
        try {
            final Duration firstStart = broker.start();
            assertThat(broker.createCatalogTopics()).contains(Topics.AUDIT.name());

            final Metrics metrics = new Metrics();
            try (Spool spool = Spool.open(spoolDir, 64L << 20, 1L << 20, Spool.FsyncPolicy.ALWAYS, Duration.ofSeconds(1));
                    EventPublisher publisher = new EventPublisher(
                            // The production producer settings: only the address is given.
                            Map.of("bootstrap.servers", broker.bootstrapServers()), spool, metrics)) {
                final AtomicInteger published = new AtomicInteger();
                final CountDownLatch brokerDown = new CountDownLatch(1);
                final AtomicReference<Throwable> producerFailure = new AtomicReference<>();
                final Thread producer = Thread.ofPlatform().name("broker-restart-it-producer").start(() -> {
                    try {
                        for (int i = 0; i < EVENTS; i++) {
                            if (i == GATE && !brokerDown.await(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                                throw new IllegalStateException("broker was not stopped within " + STEP_TIMEOUT);
                            }
                            if (!publisher.publish(Topics.AUDIT, observer, SpoolWriterMain.event(observer, i))) {
                                throw new IllegalStateException("spool refused event " + i);
                            }
                            published.incrementAndGet();
                            Thread.sleep(PACE);
                        }
                    } catch (final Throwable t) {
                        producerFailure.set(t);
                    }
                });
                try {
                    // Mid-stream: the stop races with events still being published and sent.
                    awaitTrue("acknowledged >= " + ACKNOWLEDGED_BEFORE_STOP,
                            () -> spool.checkpoint() >= ACKNOWLEDGED_BEFORE_STOP || producerFailure.get() != null);
                    assertThat(producerFailure.get()).isNull();
                    final long acknowledgedAtStop = spool.checkpoint();
                    final int publishedAtStop = published.get();
                    final long stopStarted = System.nanoTime();
                    final boolean wasRunning = outage == Outage.SIGKILL ? broker.kill() : broker.stop();
                    assertThat(wasRunning).isTrue();
                    assertThat(broker.running()).isFalse();
                    final long stopMillis = millisSince(stopStarted);
                    final int publishedWhenDown = published.get();
                    brokerDown.countDown();

                    // Down: the rest of the stream goes into the spool only.
                    producer.join(STEP_TIMEOUT);
                    assertThat(producer.isAlive()).as("producer thread finished").isFalse();
                    assertThat(producerFailure.get()).isNull();
                    assertThat(published.get()).isEqualTo(EVENTS);
                    final int spooledWhileDown = EVENTS - publishedWhenDown;
                    final long pendingBeforeRestart = spool.pendingEvents();
                    assertThat(spooledWhileDown).isGreaterThanOrEqualTo(EVENTS - GATE);
                    assertThat(pendingBeforeRestart).as("events waiting in the spool while the broker is down")
                            .isGreaterThanOrEqualTo(spooledWhileDown);

                    final Duration restart = broker.start();
                    assertThat(publisher.awaitDrained(Duration.ofSeconds(90)))
                            .as("spool drained after the restart (pending %d, last error %s)", spool.pendingEvents(),
                                    publisher.lastError())
                            .isTrue();
                    assertThat(spool.pendingEvents()).isZero();

                    final List<String> ids = consumeIds(broker.bootstrapServers(), observer, EVENTS);
                    final Set<String> distinct = Set.copyOf(ids);
                    final long duplicates = ids.size() - distinct.size();
                    // The only events whose fate was unknown at the stop: published and not yet
                    // acknowledged when the broker went away. Anything acknowledged is never sent
                    // again; anything published later never reached the old broker process.
                    final Set<String> unknownAtStop = IntStream.range((int) acknowledgedAtStop, publishedWhenDown)
                            .mapToObj(i -> SpoolWriterMain.event(observer, i).eventId()).collect(Collectors.toSet());
                    final Map<String, Long> copies = ids.stream()
                            .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
                    final Set<String> twice = copies.entrySet().stream().filter(e -> e.getValue() > 1)
                            .map(Map.Entry::getKey).collect(Collectors.toSet());
                    LOGGER.atInfo().addKeyValue("outage", outage).addKeyValue("sent", EVENTS)
                            .addKeyValue("acknowledged_at_stop", acknowledgedAtStop)
                            .addKeyValue("published_at_stop", publishedAtStop)
                            .addKeyValue("spooled_while_down", spooledWhileDown)
                            .addKeyValue("pending_before_restart", pendingBeforeRestart)
                            .addKeyValue("kafka_acks", metrics.value(Metrics.SENT))
                            .addKeyValue("send_errors", metrics.value(Metrics.ERRORS))
                            .addKeyValue("received", ids.size()).addKeyValue("distinct", distinct.size())
                            .addKeyValue("duplicates", duplicates)
                            .addKeyValue("first_start_ms", firstStart.toMillis()).addKeyValue("stop_ms", stopMillis)
                            .addKeyValue("restart_ms", restart.toMillis())
                            .addKeyValue("total_ms", millisSince(started))
                            .log("Broker restart mid-stream: delivery counted by event id");
                    // send_errors = 0 with duplicates > 0 means the Kafka client's own retry of a
                    // batch the broker had appended (the outbox re-sent nothing).
                    System.out.printf("FAULT broker-restart outage=%s events=%d received=%d distinct=%d lost=%d "
                                    + "duplicated=%d unknown_at_stop=%d spooled_while_down=%d outbox_send_errors=%d "
                                    + "stop_ms=%d restart_ms=%d%n",
                            outage, EVENTS, ids.size(), distinct.size(), EVENTS - distinct.size(), duplicates,
                            unknownAtStop.size(), spooledWhileDown, metrics.value(Metrics.ERRORS), stopMillis,
                            restart.toMillis());

                    assertThat(distinct).as("every event id, none lost, none under a new id")
                            .isEqualTo(expectedIds(observer));
                    // The outbox contract is at least once with the same event id, deduplicated by id
                    // downstream (docs/reliability.md). With either outage the broker may append a
                    // request whose answer is lost: a graceful stop answers in-flight produce requests
                    // NOT_LEADER_OR_FOLLOWER while it gives up leadership, and the client's retry
                    // after the restart was seen appended a second time (CI, 2 of 300: the same 2-record
                    // batch twice in a row, no send failure seen by the outbox). So the test bounds
                    // the re-sends instead of forbidding them: only events whose fate was unknown at
                    // the stop may come twice, and only once more.
                    assertThat(twice).as("ids on the topic more than once").isSubsetOf(unknownAtStop);
                    assertThat(copies.values()).as("copies per id").allMatch(n -> n <= 2);
                    assertThat(metrics.value(Metrics.DROPPED)).isZero();
                    assertThat(metrics.value(Metrics.REJECTED)).isZero();
                } finally {
                    // Lets a producer thread still parked at the gate (a failed step above) finish.
                    brokerDown.countDown();
                    producer.join(STEP_TIMEOUT);
                }
            }
        } finally {
            broker.stop();
        }
    }

    /** Event ids seen on the audit topic for {@code observer} (read_committed), duplicates included. */
    private static List<String> consumeIds(final String bootstrap, final String observer, final int expected) {
        final Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "broker-restart-it-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        final List<String> ids = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(Topics.AUDIT.name()));
            final long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
            int quietPolls = 0;
            while (System.nanoTime() < deadline) {
                final var records = consumer.poll(Duration.ofMillis(500));
                for (final ConsumerRecord<String, String> r : records) {
                    if (observer.equals(r.key())) {
                        ids.add(new String(r.headers().lastHeader("event_id").value(), StandardCharsets.UTF_8));
                    }
                }
                // Once all are there, a few empty polls show whether duplicates follow them.
                quietPolls = records.isEmpty() ? quietPolls + 1 : 0;
                if (Set.copyOf(ids).size() >= expected && quietPolls >= 3) {
                    break;
                }
            }
        }
        return ids;
    }

    private static Set<String> expectedIds(final String observer) {
        return IntStream.range(0, EVENTS).mapToObj(i -> SpoolWriterMain.event(observer, i).eventId())
                .collect(Collectors.toSet());
    }

    /** Polls {@code condition} until it holds; fails after {@link #STEP_TIMEOUT}. */
    private static void awaitTrue(final String what, final BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for %s", what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static long millisSince(final long nanoTime) {
        return Duration.ofNanos(System.nanoTime() - nanoTime).toMillis();
    }
}
