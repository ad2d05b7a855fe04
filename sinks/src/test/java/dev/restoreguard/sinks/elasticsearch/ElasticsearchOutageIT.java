package dev.restoreguard.sinks.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.events.alert.Severity;
import dev.restoreguard.events.restore.RestoreEvent;
import dev.restoreguard.infra.stack.ElasticsearchServer;
import dev.restoreguard.infra.stack.LocalStack;
import dev.restoreguard.infra.stack.StackSettings;
import dev.restoreguard.sinks.Await;
import dev.restoreguard.sinks.Fixtures;
import dev.restoreguard.sinks.Kafka;
import dev.restoreguard.sinks.service.Metrics;
import dev.restoreguard.sinks.service.SinkService;
import dev.restoreguard.testkit.FaultSettings;
import dev.restoreguard.testkit.FreePorts;
import dev.restoreguard.testkit.TestStack;
import dev.restoreguard.testkit.WithLocalStack;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 9, fault test 3: Elasticsearch is down for {@link FaultSettings#outage()} (3 s in CI,
 * 2 min with {@code -Psoak}) while events and alerts keep arriving on Kafka. The real sink
 * ({@link ElasticsearchSinkService}: production retry policy, offsets committed only after
 * Elasticsearch acknowledged the batch) writes to an Elasticsearch node of the test's own
 * ({@link ElasticsearchServer}; the test stack's node is shared by other tests), which is stopped
 * mid-stream and started again on the same data dir and port. Afterwards every event is in the
 * events data stream exactly once (by event id), every alert version in the alerts data stream
 * exactly once, and the latest-state index holds exactly one document per alert id, with the
 * alert's final status. The test prints a {@code FAULT elasticsearch-outage} line.
 *
 * <p>Kafka is the test stack's (topics private to the test). The node's home is the test home
 * with {@code -es-outage} appended (the unpacked distribution is reused across runs, its data is
 * deleted at each start); its HTTP port is a free ephemeral one, kept for the restart.
 */
@WithLocalStack
class ElasticsearchOutageIT {

    private static final Logger LOGGER = LoggerFactory.getLogger(ElasticsearchOutageIT.class);
    /** One event every tick, an alert version every other tick: a steady stream, not one burst. */
    private static final Duration PACE = Duration.ofMillis(50);
    /** Events written before Elasticsearch is stopped, so the stop lands mid-stream. */
    private static final int WRITTEN_BEFORE_STOP = 20;
    /** Ticks after the node is back, so the stream continues over the catch-up. */
    private static final int TICKS_AFTER = 20;
    /** Cap of the stream (events; alert versions are half as many), below Elasticsearch's 10,000-hit search window. */
    private static final int MAX_TICKS = 6_000;

    @Test
    void shouldIndexEveryDocumentExactlyOnceAfterElasticsearchWasDown(final TestStack stack) throws Exception {
        final Duration outage = FaultSettings.outage();
        final Duration timeout = outage.plus(Duration.ofSeconds(180));
        final String suffix = Kafka.unique("").toLowerCase();
        final String eventsTopic = "it.es-outage." + suffix + ".events";
        final String alertsTopic = "it.es-outage." + suffix + ".alerts";
        final String dlqTopic = "it.es-outage." + suffix + ".dlq";
        final String namespace = "outage" + suffix;
        final String latestIndex = "restoreguard-alerts-outage" + suffix;
        final String eventsStream = "logs-restoreguard.events-" + namespace;
        final String alertsStream = "logs-restoreguard.alerts-" + namespace;
        final String group = "it-es-outage-" + suffix;
        Kafka.createTopics(stack, 3, eventsTopic, alertsTopic, dlqTopic);

        final int[] ports = FreePorts.loopback(3);
        final Path home = stack.home().resolveSibling(stack.home().getFileName() + "-es-outage");
        final StackSettings settings = new StackSettings(home, ports[0], ports[1], ports[2], Duration.ofSeconds(300),
                Duration.ofSeconds(30));
        final ElasticsearchServer es = LocalStack.elasticsearchOnly(settings);
        try {
            es.stop(); // a node an aborted earlier run left behind
            es.deleteData();
            final Duration firstStart = es.start();
            final Es rest = new Es(URI.create(es.url() + "/"));

            final ElasticsearchSinkConfig config = ElasticsearchSinkConfig.DEFAULT.withUrls(List.of(es.url()))
                    .withTopology(group, List.of(eventsTopic), alertsTopic, dlqTopic, namespace, latestIndex);
            final Metrics metrics = new Metrics();
            final Stream stream = new Stream(stack, eventsTopic, alertsTopic, suffix);
            try (SinkService service = ElasticsearchSinkService.create(config, stack.kafkaConfig(), Map.of(), metrics)) {
                service.start();
                stream.start();
                Await.until(WRITTEN_BEFORE_STOP + " events written before the stop", timeout,
                        () -> metrics.counter("restoreguard_sink_es_documents_total", "target", eventsStream,
                                "result", "written") >= WRITTEN_BEFORE_STOP || stream.failed());
                assertThat(stream.failure.get()).as("producer failure").isNull();

                // Down: stopped mid-stream, records keep arriving, the same node comes back.
                final int ticksAtStop = stream.ticks();
                final long stopStarted = System.nanoTime();
                assertThat(es.stop()).as("the node was running").isTrue();
                final long downAt = System.nanoTime();
                Thread.sleep(outage.toMillis()); // the outage itself, a test parameter (not a wait for a result)
                final Duration restart = es.start();
                final long upAt = System.nanoTime();
                final int ticksWhileDown = stream.ticks() - ticksAtStop;
                final long failuresWhileDown = metrics.counter("restoreguard_sink_batch_failures_total", "sink",
                        "elasticsearch");
                stream.stopAfter(stream.ticks() + TICKS_AFTER);
                stream.awaitStopped(timeout);
                assertThat(stream.failure.get()).as("producer failure").isNull();

                Await.until("the sink caught up with both topics", timeout,
                        () -> Kafka.caughtUp(stack, group, Set.of(eventsTopic))
                        && Kafka.caughtUp(stack, config.alertsGroupId(), Set.of(alertsTopic)));
                final Duration catchUp = Duration.ofNanos(System.nanoTime() - upAt);
                assertThat(service.ready()).as("sink ready after the outage").isTrue();

                final List<String> eventIds = rest.ids(eventsStream);
                final List<String> versionIds = rest.ids(alertsStream);
                final Map<String, String> latest = latestStatuses(rest, latestIndex);
                final Set<String> expectedEvents = Set.copyOf(stream.eventIds);
                final Set<String> expectedVersions = Set.copyOf(stream.versionIds);
                final Map<String, String> expectedLatest = stream.finalStatuses();
                final long lostEvents = expectedEvents.stream().filter(id -> !eventIds.contains(id)).count();
                final long duplicatedEvents = eventIds.size() - Set.copyOf(eventIds).size();
                final long lostVersions = expectedVersions.stream().filter(id -> !versionIds.contains(id)).count();
                final long duplicatedVersions = versionIds.size() - Set.copyOf(versionIds).size();
                final long wrongStatus = expectedLatest.entrySet().stream()
                        .filter(e -> !e.getValue().equals(latest.get(e.getKey()))).count();
                final long retries = metrics.counter("restoreguard_sink_es_item_retries_total");
                final long failures = metrics.counter("restoreguard_sink_batch_failures_total", "sink", "elasticsearch");
                final long duplicatesAnswered = metrics.counter("restoreguard_sink_es_documents_total", "target",
                        eventsStream, "result", "duplicate");
                LOGGER.atInfo().addKeyValue("outage_ms", outage.toMillis())
                        .addKeyValue("events", expectedEvents.size()).addKeyValue("lost_events", lostEvents)
                        .addKeyValue("duplicated_events", duplicatedEvents)
                        .addKeyValue("alert_versions", expectedVersions.size()).addKeyValue("lost_versions", lostVersions)
                        .addKeyValue("duplicated_versions", duplicatedVersions)
                        .addKeyValue("alerts", expectedLatest.size()).addKeyValue("latest_docs", latest.size())
                        .addKeyValue("wrong_status", wrongStatus).addKeyValue("catch_up_ms", catchUp.toMillis())
                        .log("Elasticsearch outage");
                System.out.printf("FAULT elasticsearch-outage outage_s=%.1f down_s=%.1f stop_s=%.1f restart_s=%.1f "
                                + "first_start_s=%.1f events=%d sent_while_down=%d lost=%d duplicated=%d "
                                + "alert_versions=%d versions_lost=%d versions_duplicated=%d alerts=%d latest_docs=%d "
                                + "wrong_status=%d batch_failures=%d (while down %d) item_retries=%d "
                                + "events_answered_409=%d catch_up_s=%.1f%n",
                        outage.toMillis() / 1000.0, (upAt - downAt) / 1e9, (downAt - stopStarted) / 1e9,
                        restart.toMillis() / 1000.0, firstStart.toMillis() / 1000.0, expectedEvents.size(),
                        ticksWhileDown, lostEvents, duplicatedEvents, expectedVersions.size(), lostVersions,
                        duplicatedVersions, expectedLatest.size(), latest.size(), wrongStatus, failures,
                        failuresWhileDown, retries, duplicatesAnswered, catchUp.toMillis() / 1000.0);

                assertThat(ticksWhileDown).as("events published while Elasticsearch was down").isPositive();
                assertThat(failuresWhileDown).as("batches the sink could not write while the node was down")
                        .isPositive();
                assertThat(Set.copyOf(eventIds)).as("events data stream: every event, by id")
                        .isEqualTo(expectedEvents);
                assertThat(eventIds).as("events data stream: no event twice").hasSize(expectedEvents.size());
                assertThat(Set.copyOf(versionIds)).as("alerts data stream: every alert version")
                        .isEqualTo(expectedVersions);
                assertThat(versionIds).as("alerts data stream: no version twice").hasSize(expectedVersions.size());
                assertThat(latest).as("latest-state index: one document per alert id, with its final status")
                        .isEqualTo(expectedLatest);
                assertThat(rest.count(latestIndex, null)).as("latest-state index documents")
                        .isEqualTo(expectedLatest.size());
                assertThat(Kafka.readUntil(stack, dlqTopic, r -> false, Duration.ofSeconds(1)))
                        .as("nothing dead-lettered").isEmpty();
            } finally {
                stream.stopAfter(0);
                stream.awaitStopped(Duration.ofSeconds(30));
            }
        } finally {
            es.stop();
        }
    }

    /** Alert id to {@code alert.status} of every document in the latest-state index; fails on an id seen twice. */
    private static Map<String, String> latestStatuses(final Es rest, final String index) throws Exception {
        final JsonNode hits = rest.all(index);
        final List<JsonNode> all = new ArrayList<>();
        hits.forEach(all::add);
        assertThat(all.stream().map(h -> h.path("_id").asText()).distinct().count())
                .as("latest-state ids distinct").isEqualTo(all.size());
        return all.stream().collect(Collectors.toMap(h -> h.path("_id").asText(),
                h -> h.at("/_source/alert/status").asText()));
    }

    /**
     * The engine's and collectors' role: publishes one restore event per tick to the events topic
     * and, every other tick, the next alert version to the alerts topic (alert {@code n} opens,
     * even-numbered alerts are retracted on the following alert tick), acks=all, keyed as in
     * production (events by observer, alerts by alert id).
     */
    private static final class Stream {
        private final TestStack stack;
        private final String eventsTopic;
        private final String alertsTopic;
        private final String suffix;
        private final List<String> eventIds = Collections.synchronizedList(new ArrayList<>());
        private final List<String> versionIds = Collections.synchronizedList(new ArrayList<>());
        /** Alert id to the last version published, in publication order. */
        private final Map<String, Alert> lastVersion = Collections.synchronizedMap(new LinkedHashMap<>());
        private final AtomicInteger ticks = new AtomicInteger();
        private final AtomicInteger stopAt = new AtomicInteger(Integer.MAX_VALUE);
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private Thread thread;

        Stream(final TestStack stack, final String eventsTopic, final String alertsTopic, final String suffix) {
            this.stack = stack;
            this.eventsTopic = eventsTopic;
            this.alertsTopic = alertsTopic;
            this.suffix = suffix;
        }

        void start() {
            thread = Thread.ofPlatform().name("es-outage-it-stream").start(this::run);
        }

        private void run() {
            final Map<String, Object> config = stack.kafkaConfig();
            config.put("acks", "all");
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                Alert pendingRetraction = null;
                for (int i = 0; i < Math.min(stopAt.get(), MAX_TICKS); i++) {
                    final Envelope event = Envelope.of("veeam-syslog", Fixtures.T0.plusSeconds(i), Fixtures.OBSERVER,
                            new RestoreEvent("veeam", "outage-" + suffix + "-" + i, "started", "sql-dev-01", "Sales",
                                    "SQL nightly", "CORP\\jdoe", "es outage test", null, null));
                    send(producer, eventsTopic, event.observer(), event);
                    eventIds.add(event.eventId());
                    if (i % 2 == 0) {
                        final Alert version;
                        if (pendingRetraction != null) {
                            version = pendingRetraction.withStatus(Alert.RETRACTED);
                            pendingRetraction = null;
                        } else {
                            final int n = lastVersion.size();
                            version = Fixtures.alert("RG-003", "hosts:vbr01.corp.example:es-outage-" + suffix + "-" + n
                                    + ".corp.example:10.20.3." + (n % 250), Severity.HIGH, Alert.OPEN,
                                    List.of("10.20.3." + (n % 250)));
                            pendingRetraction = n % 2 == 0 ? version : null;
                        }
                        send(producer, alertsTopic, version.alert().id(), version);
                        versionIds.add(EcsDocuments.alertVersionId(version));
                        lastVersion.put(version.alert().id(), version);
                    }
                    ticks.incrementAndGet();
                    Thread.sleep(PACE); // pacing of the stream, not a wait for a result
                }
            } catch (final Throwable t) {
                failure.set(t);
            }
        }

        private static void send(final KafkaProducer<byte[], byte[]> producer, final String topic, final String key,
                                 final Object value) throws Exception {
            producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                    Json.MAPPER.writeValueAsBytes(value))).get();
        }

        int ticks() {
            return ticks.get();
        }

        boolean failed() {
            return failure.get() != null;
        }

        void stopAfter(final int tick) {
            stopAt.set(tick);
        }

        void awaitStopped(final Duration timeout) throws InterruptedException {
            if (thread != null) {
                thread.join(timeout);
            }
        }

        Map<String, String> finalStatuses() {
            synchronized (lastVersion) {
                return lastVersion.entrySet().stream()
                        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().alert().status()));
            }
        }
    }
}
