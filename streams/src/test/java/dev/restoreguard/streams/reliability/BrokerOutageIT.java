package dev.restoreguard.streams.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.infra.stack.KafkaBroker;
import dev.restoreguard.infra.stack.LocalStack;
import dev.restoreguard.infra.stack.StackSettings;
import dev.restoreguard.producers.runtime.EventPublisher;
import dev.restoreguard.producers.runtime.Metrics;
import dev.restoreguard.producers.runtime.Spool;
import dev.restoreguard.producers.scenario.Routed;
import dev.restoreguard.producers.scenario.ScenarioReader;
import dev.restoreguard.streams.app.CorrelationApp;
import dev.restoreguard.streams.app.EngineConfig;
import dev.restoreguard.streams.replay.ReplayDriver;
import dev.restoreguard.testkit.FaultSettings;
import dev.restoreguard.testkit.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 9, fault test 1: a broker of its own (the shared test stack's broker must stay up for
 * other tests) with the real engine on it and two collectors (durable outbox + publisher, one per
 * backup server) streaming restore records. The broker is stopped for
 * {@link FaultSettings#brokerOutage()} (3 s in CI, 10 min with {@code -Psoak}) while the
 * collectors keep producing, then started again. Afterwards every event id must be on the topic
 * (a few re-sent with the same id at most, see below), both outboxes must drain, and the alerts topic (read_committed) must hold exactly
 * the alerts that the in-process {@link ReplayDriver} computes from the same inputs: none lost,
 * none published twice.
 */
class BrokerOutageIT {

    private static final Logger LOGGER = LoggerFactory.getLogger(BrokerOutageIT.class);
    private static final Duration STEP = Duration.ofSeconds(120);
    private static final Duration PACE = Duration.ofMillis(25);
    private static final int BEFORE = 40;
    private static final int AFTER = 40;
    private static final String INVENTORY = """
            {"kind": "inventory", "at": "2026-11-20T08:00:00Z", "assets": [{"name": "sql-prod-01.corp.example", "ips": ["10.20.1.15"], "environment": "production"}], "networks": [{"cidr": "10.20.0.0/16", "environment": "production"}, {"cidr": "10.30.0.0/16", "environment": "development"}, {"cidr": "10.50.0.0/16", "environment": "management"}]}""";

    @TempDir
    Path brokerHome;

    @TempDir
    Path work;

    @Test
    void shouldDeliverEveryEventOnceAndLoseNoAlertAcrossABrokerOutage() throws Exception {
        final Duration outage = FaultSettings.brokerOutage();
        final int[] ports = FreePorts.loopback(3);
        final StackSettings settings = new StackSettings(brokerHome, ports[0], ports[1], ports[2],
                Duration.ofSeconds(120), Duration.ofSeconds(30));
        final String run = UUID.randomUUID().toString().substring(0, 8);
        final List<String> observers = List.of("vbr-a-" + run + ".corp.example", "vbr-b-" + run + ".corp.example");
        final ScenarioReader reader = new ScenarioReader();
        final Envelope inventory = ((ScenarioReader.Events) reader.read(1, INVENTORY)).events().getFirst().envelope();

        final KafkaBroker broker = LocalStack.kafkaOnly(settings);
        CorrelationApp engine = null;
        try {
            broker.start();
            broker.createCatalogTopics();
            final int httpPort = FreePorts.loopback(1)[0];
            engine = new CorrelationApp(EngineConfig.defaults().withBootstrapServers(broker.bootstrapServers())
                    .withApplication("restoreguard-outage-it-" + run, work.resolve("engine"), httpPort),
                    Duration.ofSeconds(60));
            engine.start();
            assertThat(engine.awaitRunning(STEP)).as("engine RUNNING").isTrue();

            final List<Collector> collectors = new ArrayList<>();
            for (String observer : observers) {
                collectors.add(new Collector(observer, work.resolve("spool-" + observer), broker.bootstrapServers()));
            }
            try {
                // the inventory first, and known to the engine, so restores are judged against it
                assertThat(collectors.getFirst().publisher.publish(Topics.INVENTORY, "inventory", inventory)).isTrue();
                awaitTrue("engine knows the inventory", () -> productionKnown(httpPort, observers.getFirst()));

                collectors.forEach(Collector::start);
                awaitTrue(BEFORE + " restores acknowledged per collector",
                        () -> collectors.stream().allMatch(c -> c.spool.checkpoint() >= BEFORE));
                final long downAt = System.nanoTime();
                assertThat(broker.stop()).isTrue();
                final Map<String, Integer> publishedAtStop = published(collectors);
                Thread.sleep(outage.toMillis()); // the outage itself: collectors keep producing into their spools
                final Map<String, Long> pendingAtRestart = collectors.stream()
                        .collect(Collectors.toMap(c -> c.observer, c -> c.spool.pendingEvents()));
                final Duration restart = broker.start();
                final Duration down = Duration.ofNanos(System.nanoTime() - downAt);
                final Map<String, Integer> publishedAtRestart = published(collectors);
                awaitTrue(AFTER + " more restores per collector", () -> collectors.stream()
                        .allMatch(c -> c.events.size() >= publishedAtRestart.get(c.observer) + AFTER));
                collectors.forEach(Collector::stop);
                for (Collector c : collectors) {
                    assertThat(c.failure.get()).as("collector " + c.observer).isNull();
                    assertThat(c.publisher.awaitDrained(STEP)).as("outbox of %s drained (pending %d)", c.observer,
                            c.spool.pendingEvents()).isTrue();
                }

                // events: every id exactly once
                final List<Envelope> sent = collectors.stream().flatMap(c -> c.events.stream()).toList();
                final Map<String, Integer> received = receivedIds(broker.bootstrapServers(), Set.copyOf(observers),
                        sent.size());
                final long lostEvents = sent.stream().filter(e -> !received.containsKey(e.eventId())).count();
                final long duplicatedEvents = received.values().stream().filter(n -> n > 1).count();

                // alerts: what the same inputs give in-process, every alert version once
                final Map<String, String> expected = expectedAlerts(inventory, collectors);
                final Map<String, List<String>> actual = alerts(broker.bootstrapServers(), expected.keySet());
                final long lostAlerts = expected.keySet().stream().filter(id -> !actual.containsKey(id)).count();
                final long duplicatedAlerts = actual.values().stream().filter(v -> v.size() > 1).count();
                final long wrongStatus = expected.entrySet().stream().filter(e -> actual.containsKey(e.getKey())
                        && !e.getValue().equals(actual.get(e.getKey()).getLast())).count();
                LOGGER.atInfo().addKeyValue("outage_ms", outage.toMillis()).addKeyValue("down_ms", down.toMillis())
                        .addKeyValue("restart_ms", restart.toMillis()).addKeyValue("published_at_stop", publishedAtStop)
                        .addKeyValue("published_at_restart", publishedAtRestart)
                        .addKeyValue("pending_at_restart", pendingAtRestart).addKeyValue("events", sent.size())
                        .addKeyValue("lost_events", lostEvents).addKeyValue("duplicated_events", duplicatedEvents)
                        .addKeyValue("alerts_expected", expected.size()).addKeyValue("lost_alerts", lostAlerts)
                        .addKeyValue("duplicated_alerts", duplicatedAlerts).log("Broker outage");
                System.out.printf("FAULT broker-outage outage_s=%.1f down_s=%.1f events=%d spooled_while_down=%s lost=%d "
                                + "duplicated=%d alerts_expected=%d alerts_lost=%d alerts_duplicated=%d wrong_status=%d%n",
                        outage.toMillis() / 1000.0, down.toMillis() / 1000.0, sent.size(), pendingAtRestart, lostEvents,
                        duplicatedEvents, expected.size(), lostAlerts, duplicatedAlerts, wrongStatus);

                assertThat(pendingAtRestart.values()).as("events spooled while the broker was down")
                        .allSatisfy(n -> assertThat(n).isPositive());
                assertThat(lostEvents).as("events lost").isZero();
                // A request the broker appended just before it went away, whose answer never came
                // and whose batch then expired (the outage outlasts delivery.timeout.ms), is sent
                // again from the outbox with the same id: at least once, deduplicated by id
                // downstream. Only events unacknowledged at the stop can come twice.
                final long unacknowledgedAtStop = pendingAtRestart.values().stream().mapToLong(Long::longValue).sum();
                assertThat(duplicatedEvents).as("event ids on the topic twice").isLessThanOrEqualTo(unacknowledgedAtStop);
                assertThat(expected).as("the inputs raise alerts").hasSizeGreaterThanOrEqualTo(sent.size());
                assertThat(lostAlerts).as("alerts lost").isZero();
                assertThat(duplicatedAlerts).as("alerts published twice").isZero();
                assertThat(wrongStatus).as("alerts whose final status differs from the verifier's").isZero();
            } finally {
                collectors.forEach(Collector::close);
            }
        } finally {
            if (engine != null) {
                engine.close();
            }
            broker.stop();
        }
    }

    /** A collector on one backup server: a durable outbox and the publisher, streaming restore records. */
    private static final class Collector implements AutoCloseable {
        final String observer;
        final Spool spool;
        final EventPublisher publisher;
        final List<Envelope> events = new CopyOnWriteArrayList<>();
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final ScenarioReader reader = new ScenarioReader();
        private Thread thread;

        Collector(final String observer, final Path dir, final String bootstrap) throws IOException {
            this.observer = observer;
            this.spool = Spool.open(dir, 256L << 20, 4L << 20, Spool.FsyncPolicy.ALWAYS, Duration.ofSeconds(1));
            this.publisher = new EventPublisher(Map.of("bootstrap.servers", bootstrap), spool, new Metrics());
        }

        void start() {
            thread = Thread.ofPlatform().name("collector-" + observer).start(() -> {
                try {
                    for (int i = 0; running.get(); i++) {
                        final Envelope e = restore(i);
                        if (!publisher.publish(Topics.RESTORES, observer, e)) {
                            throw new IllegalStateException("spool refused restore " + i);
                        }
                        events.add(e);
                        Thread.sleep(PACE);
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
        }

        /**
         * Restore {@code i} of this server, into production (10.20.0.0/16) without approval: RG-001.
         * Its event time is the wall clock, as a live collector's: the backlogs of both servers then
         * span the same stretch of event time, however their outboxes interleave after the restart.
         */
        private Envelope restore(final int i) {
            final Instant at = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
            final String line = """
                    {"kind": "restore", "at": "%s", "product": "veeam", "session_id": "%s-%d", "state": "started", "observer": "%s", "target": "10.20.%d.%d"}"""
                    .formatted(at, observer, i, observer, 1 + i / 250, 1 + i % 250);
            return ((ScenarioReader.Events) reader.read(i + 1, line)).events().getFirst().envelope();
        }

        void stop() {
            running.set(false);
            try {
                if (thread != null) {
                    thread.join(STEP);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            stop();
            publisher.close();
            spool.close();
        }
    }

    private static Map<String, Integer> published(final List<Collector> collectors) {
        return collectors.stream().collect(Collectors.toMap(c -> c.observer, c -> c.events.size()));
    }

    /** The EOS-verifier step: the final status of every alert the same inputs raise in-process. */
    private static Map<String, String> expectedAlerts(final Envelope inventory, final List<Collector> collectors) {
        try (ReplayDriver driver = new ReplayDriver(EngineConfig.defaults())) {
            driver.send(Topics.INVENTORY.name(), "inventory", inventory);
            // in event-time order: within the allowed lateness the engine's verdicts do not depend
            // on how the two outboxes interleaved on the broker
            collectors.stream().flatMap(c -> c.events.stream()).sorted(java.util.Comparator.comparing(Envelope::at))
                    .forEach(e -> driver.send(Topics.RESTORES.name(), e.observer(), e));
            final Map<String, String> expected = new TreeMap<>();
            driver.finalAlerts().forEach(a -> expected.put(a.alert().id(), a.alert().status()));
            return expected;
        }
    }

    /** Every version of the expected alerts on the alerts topic (read_committed): id to statuses in order. */
    private static Map<String, List<String>> alerts(final String bootstrap, final Set<String> expected) throws Exception {
        final Map<String, List<String>> seen = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, Topics.ALERTS.name())) {
            final long deadline = System.nanoTime() + STEP.toNanos();
            int quiet = 0;
            while (System.nanoTime() < deadline && (!seen.keySet().containsAll(expected) || quiet < 4)) {
                final var records = consumer.poll(Duration.ofMillis(500));
                quiet = records.isEmpty() ? quiet + 1 : 0;
                for (ConsumerRecord<String, String> r : records) {
                    if (expected.contains(r.key())) {
                        seen.computeIfAbsent(r.key(), k -> new ArrayList<>())
                                .add(Json.MAPPER.readValue(r.value(), Alert.class).alert().status());
                    }
                }
            }
        }
        return seen;
    }

    /** Event ids on the restores topic for the observers (read_committed), with how often each came. */
    private static Map<String, Integer> receivedIds(final String bootstrap, final Set<String> observers, final int expected)
            throws Exception {
        final Map<String, Integer> ids = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, Topics.RESTORES.name())) {
            final long deadline = System.nanoTime() + STEP.toNanos();
            int quiet = 0;
            while (System.nanoTime() < deadline && (ids.size() < expected || quiet < 3)) {
                final var records = consumer.poll(Duration.ofMillis(500));
                quiet = records.isEmpty() ? quiet + 1 : 0;
                for (ConsumerRecord<String, String> r : records) {
                    if (observers.contains(r.key())) {
                        ids.merge(Json.MAPPER.readValue(r.value(), Envelope.class).eventId(), 1, Integer::sum);
                    }
                }
            }
        }
        return ids;
    }

    private static KafkaConsumer<String, String> consumer(final String bootstrap, final String topic) {
        final Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        final KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config);
        final List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    /** Whether the engine judges a restore into 10.20.1.15 against the inventory (production). */
    private static boolean productionKnown(final int port, final String observer) {
        try {
            final HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + port + "/check-restore?observer=" + observer
                            + "&target=10.20.1.15&at=" + Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            final JsonNode body = Json.MAPPER.readTree(response.body());
            return response.statusCode() == 200 && "production".equals(body.at("/effective/environment").asText());
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static void awaitTrue(final String what, final BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + STEP.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for %s", what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
