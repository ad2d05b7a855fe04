package dev.restoreguard.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.JsonSerde;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.events.approval.ApprovalEvent;
import dev.restoreguard.producers.approval.BridgeKeys;
import dev.restoreguard.producers.scenario.Routed;
import dev.restoreguard.producers.scenario.ScenarioReader;
import dev.restoreguard.streams.app.CorrelationApp;
import dev.restoreguard.streams.app.EngineConfig;
import dev.restoreguard.streams.approval.TrustedKeys;
import dev.restoreguard.testkit.TestStack;
import dev.restoreguard.testkit.WithLocalStack;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestInstance;

/**
 * The correlation engine as a service ({@link CorrelationApp}) against the real local broker:
 * the Friday restore incident is produced to the catalog topics through the collectors' parsing
 * code, the alerts topic (read_committed) must get exactly the scenario's expected alerts, and
 * {@code /check-restore} must explain the restore from the engine's own stores.
 */
@WithLocalStack
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CorrelationEngineIT {

    private static final String SCENARIO = "/scenarios/01-friday-restore-incident.jsonl";
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestStack stack;
    private Path stateDir;
    private CorrelationApp app;
    private Map<TopicPartition, Long> alertsStart;
    private Path bridgeHome;
    private String applicationId;
    /** Where each input partition ended when the test began (its earlier records deleted). */
    private final Map<TopicPartition, Long> forgotten = new LinkedHashMap<>();

    @BeforeAll
    void startEngine(final TestStack testStack) throws Exception {
        this.stack = testStack;
        forgetEarlierInput();
        // Alerts of earlier runs (a kept stack) or of other tests must not count: read from here on.
        alertsStart = endOffsets(Topics.ALERTS.name());
        stateDir = Files.createTempDirectory("restoreguard-engine-it");
        // the engine trusts the tests' bridge and, as `up` does, the local bridge key of its home
        bridgeHome = Files.createTempDirectory("restoreguard-bridge-it");
        BridgeKeys.ensureLocal(bridgeHome);
        final List<TrustedKeys.TrustedKey> trusted = new ArrayList<>(TestBridge.trustedKeys().keys());
        trusted.addAll(TrustedKeys.directory(BridgeKeys.keysDir(bridgeHome)).keys());
        applicationId = "restoreguard-engine-it-" + UUID.randomUUID();
        final EngineConfig config = EngineConfig.defaults().withTrustedKeys(TrustedKeys.of(trusted))
                .withBootstrapServers(stack.bootstrapServers()).withApplication(applicationId, stateDir, freePort());
        app = new CorrelationApp(config, Duration.ofSeconds(30));
        app.start();
        assertThat(app.awaitRunning(DEADLINE)).as("engine RUNNING, state " + app.state()).isTrue();
    }

    @AfterAll
    void stopEngine() throws IOException {
        if (app != null) {
            app.close();
        }
        for (Path dir : new Path[] {stateDir, bridgeHome}) {
            if (dir != null) {
                try (Stream<Path> paths = Files.walk(dir)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    @Test
    void shouldRaiseTheIncidentsAlertsAndExplainTheRestoreThroughCheckRestore() throws Exception {
        final Scenario scenario = Scenario.load(SCENARIO);
        final Set<String> reference = Set.of(Topics.INVENTORY.name(), Topics.DNS.name(), Topics.APPROVALS.name());

        // Arrival order across topics is not kept by Kafka, and a reference change 8 hours older
        // than a restore already judged is far beyond the allowed lateness: like a real site, load
        // inventory and DNS first, then the hosts files, then the restores, each once the engine
        // has it in its stores.
        produce(scenario.events(r -> reference.contains(r.topic())));
        final JsonNode beforeEdit = awaitCheck("vbr01.corp.example", "sql-dev-01", "2026-11-20T09:30:00Z",
                v -> "dns".equals(v.at("/resolution/path").asText())
                        && "development".equals(v.at("/intended/environment").asText()));
        assertThat(beforeEdit.path("would_alert").asBoolean()).isFalse();

        produce(scenario.events(r -> Topics.HOSTS.name().equals(r.topic())));
        awaitCheck("vbr01.corp.example", "sql-dev-01", "2026-11-20T16:02:00Z",
                v -> "hosts-file".equals(v.at("/resolution/path").asText()));

        produce(scenario.events(r -> Topics.RESTORES.name().equals(r.topic())));

        final Set<String> expected = scenario.expectedAlerts();
        final Set<String> subjects = scenario.expectedSubjects();
        final Map<String, Alert> alerts = awaitAlerts(latest -> finalAlerts(latest, subjects).containsAll(expected));
        assertThat(finalAlerts(alerts, subjects)).containsExactlyInAnyOrderElementsOf(expected);

        final JsonNode verdict = check("vbr01.corp.example", "sql-dev-01", "2026-11-20T16:02:00Z").body();
        assertThat(verdict.path("would_alert").asBoolean()).isTrue();
        assertThat(verdict.at("/effective/ip").asText()).isEqualTo("10.20.1.15");
        assertThat(verdict.at("/effective/environment").asText()).isEqualTo("production");
        assertThat(verdict.at("/intended/environment").asText()).isEqualTo("development");
        assertThat(verdict.at("/resolution/hosts_entry/line").asInt()).isEqualTo(8);
        assertThat(verdict.path("covering_approval").isNull()).isTrue();
        assertThat(verdict.path("rules").findValuesAsText("id")).containsExactly("RG-001", "RG-002");
    }

    @Test
    void shouldBeReadyAndExportStreamsMetrics() throws Exception {
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        final HttpResponse<String> ready = get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(ready.body()).path("state").asText()).isEqualTo("RUNNING");

        final List<String> metrics = get("/metrics").body().lines().toList();
        assertThat(metrics).contains("restoreguard_engine_state{state=\"RUNNING\"} 1", "restoreguard_engine_ready 1");
        assertThat(metrics).anyMatch(l -> l.startsWith("restoreguard_engine_records_dead_lettered_total "));
        assertThat(metrics).anyMatch(l -> l.startsWith("kafka_stream_thread_process_rate{"));
        assertThat(metrics).anyMatch(l -> l.startsWith("kafka_stream_alive_stream_threads{"));
    }

    @Test
    void shouldAnswer400NamingABadParameter() throws Exception {
        final HttpResponse<String> response = get("/check-restore?observer=vbr01.corp.example&target=sql-dev-01&at=friday");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(response.body()).path("parameter").asText()).isEqualTo("at");
    }

    /**
     * Issue 5: anyone who can write to Kafka must not silence RG-001 by publishing an approval. An
     * unsigned approval written straight to the topic covers nothing and raises RG-920 exactly
     * once (the reference topic has six partitions, each task rejects it); an approval signed the
     * way {@code restoreguard approve} signs (the local bridge key of the home) covers.
     */
    @Test
    @Order(Integer.MAX_VALUE) // last: its records are days after the Friday scenario's, which would make those late
    void shouldNotLetAnUnsignedApprovalSilenceRg001ButTrustAnApproveSignedOne() throws Exception {
        final String observer = "vbr-sign.corp.example";
        final String target = "sql-prod-01.corp.example";
        final ApprovalEvent.Window morning = new ApprovalEvent.Window(Instant.parse("2026-11-25T10:00:00Z"),
                Instant.parse("2026-11-25T12:00:00Z"));
        // the next day, more than 24 hours from the morning: the unsigned restore's verdict is RG-001, not RG-005
        final ApprovalEvent.Window nextDay = new ApprovalEvent.Window(Instant.parse("2026-11-26T13:00:00Z"),
                Instant.parse("2026-11-26T15:00:00Z"));
        final Instant approvedAt = Instant.parse("2026-11-25T09:00:00Z");
        final Envelope unsigned = Envelope.of("cli", approvedAt, null, new ApprovalEvent("CHG-IT-UNSIGNED", "approved",
                List.of(target), morning, "mallory", "cli", null));
        // what ApproveCommand does: the bridge key of the home, then sign the envelope
        final Envelope signed = BridgeKeys.signer(null, null, Map.of(), bridgeHome).envelope("cli", approvedAt,
                new ApprovalEvent("CHG-IT-SIGNED", "approved", List.of(target), nextDay, "cab", "cli", null));
        final String inventory = ScenarioFixture.INVENTORY.replace("2026-11-20T08:00:00Z", "2026-11-25T08:00:00Z");
        final List<Routed> reference = new ArrayList<>(((ScenarioReader.Events) TestBridge.reader().read(1, inventory))
                .events());
        reference.add(new Routed(Topics.APPROVALS.name(), "CHG-IT-UNSIGNED", unsigned));
        reference.add(new Routed(Topics.APPROVALS.name(), "CHG-IT-SIGNED", signed));
        produce(reference);
        awaitCheck(observer, target, "2026-11-26T14:00:00Z", v -> !v.path("covering_approval").isNull()
                && !v.path("covering_approval").isMissingNode());
        assertThat(check(observer, target, "2026-11-25T11:00:00Z").body().path("would_alert").asBoolean()).isTrue();

        final ScenarioReader reader = TestBridge.reader();
        produce(List.of(restoreOn(reader, observer, "it-sign-unsigned", "2026-11-25T11:00:00Z", target),
                restoreOn(reader, observer, "it-sign-covered", "2026-11-26T14:00:00Z", target)));
        awaitEngineCaughtUp();

        final List<Alert> published = publishedSinceStart();
        assertThat(published).filteredOn(a -> a.alert().subject().equals("restore:veeam:it-sign-unsigned"))
                .extracting(a -> a.rule().id()).contains("RG-001");
        assertThat(published).filteredOn(a -> a.alert().subject().equals("restore:veeam:it-sign-covered")).isEmpty();
        assertThat(published).filteredOn(a -> a.alert().subject().startsWith("approval:"))
                .extracting(a -> a.rule().id() + " " + a.alert().subject())
                .containsExactly("RG-920 approval:CHG-IT-UNSIGNED:" + unsigned.eventId());
    }

    private static Routed restoreOn(final ScenarioReader reader, final String observer, final String session,
                                    final String at, final String target) {
        final String line = "{\"kind\":\"restore\",\"at\":\"" + at + "\",\"product\":\"veeam\",\"session_id\":\""
                + session + "\",\"state\":\"started\",\"observer\":\"" + observer + "\",\"target\":\"" + target + "\"}";
        return ((ScenarioReader.Events) reader.read(1, line)).events().get(0);
    }

    /** Waits until the engine has committed every input record produced so far (under exactly-once, with its output). */
    private void awaitEngineCaughtUp() throws Exception {
        final Set<String> inputs = Set.of(Topics.RESTORES.name(), Topics.APPROVALS.name(), Topics.INVENTORY.name(),
                Topics.ENGINE_REFERENCE.name());
        final Instant deadline = Instant.now().plus(DEADLINE);
        try (Admin admin = Admin.create(stack.kafkaConfig())) {
            while (Instant.now().isBefore(deadline)) {
                final Map<TopicPartition, Long> ends = new LinkedHashMap<>();
                for (String topic : inputs) {
                    ends.putAll(endOffsets(topic));
                }
                final Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                // a partition that received nothing since this test began has nothing for the engine to commit
                if (ends.entrySet().stream().allMatch(e -> e.getValue() <= forgotten.getOrDefault(e.getKey(), 0L)
                        || committed.get(e.getKey()) != null
                        && committed.get(e.getKey()).offset() >= e.getValue())) {
                    return;
                }
                TimeUnit.MILLISECONDS.sleep(200); // poll again after a short pause
            }
        }
        throw new AssertionError("the engine did not commit its inputs within " + DEADLINE + "; state " + app.state());
    }

    /** Every alert record (read_committed) published since the engine started, in order. */
    private List<Alert> publishedSinceStart() {
        final Map<String, Object> config = stack.kafkaConfig();
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        final List<Alert> alerts = new ArrayList<>();
        try (KafkaConsumer<String, Alert> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                Topics.ALERTS.valueSerde().deserializer())) {
            consumer.assign(alertsStart.keySet());
            alertsStart.forEach(consumer::seek);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(alertsStart.keySet(), Duration.ofSeconds(30));
            final Instant deadline = Instant.now().plus(DEADLINE);
            while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())
                    && Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> alerts.add(r.value()));
            }
        }
        return alerts;
    }

    // ---------------------------------------------------------------------------------------------

    /** The scenario's events in arrival order and its expectation. */
    private record Scenario(List<Routed> all, JsonNode expect) {

        static Scenario load(final String resource) {
            try (InputStream in = CorrelationEngineIT.class.getResourceAsStream(resource)) {
                final ScenarioReader reader = TestBridge.reader();
                final List<Routed> events = new ArrayList<>();
                JsonNode expect = null;
                final String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
                for (int i = 0; i < lines.length; i++) {
                    final ScenarioReader.Outcome outcome = reader.read(i + 1, lines[i]);
                    assertThat(outcome).as("line " + (i + 1)).isNotInstanceOf(ScenarioReader.Skipped.class);
                    if (outcome instanceof ScenarioReader.Events e) {
                        events.addAll(e.events());
                    }
                    if (lines[i].contains("\"expect\"")) {
                        expect = Json.MAPPER.readTree(lines[i]);
                    }
                }
                return new Scenario(events, expect);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        List<Routed> events(final Predicate<Routed> which) {
            return all.stream().filter(which).toList();
        }

        /** "RULE severity status subject" per expected alert. */
        Set<String> expectedAlerts() {
            final Set<String> expected = new TreeSet<>();
            for (JsonNode a : expect.path("alerts")) {
                expected.add(a.path("rule").asText() + " " + a.path("severity").asText() + " "
                        + a.path("status").asText(Alert.OPEN) + " " + a.path("subject").asText());
            }
            return expected;
        }

        Set<String> expectedSubjects() {
            final Set<String> subjects = new TreeSet<>();
            expect.path("alerts").forEach(a -> subjects.add(a.path("subject").asText()));
            return subjects;
        }
    }

    /** Final alerts about the given subjects, as "RULE severity status subject". */
    private static Set<String> finalAlerts(final Map<String, Alert> latest, final Set<String> subjects) {
        final Set<String> found = new TreeSet<>();
        for (Alert a : latest.values()) {
            if (subjects.contains(a.alert().subject())) {
                found.add(a.rule().id() + " " + a.alert().severity().label() + " " + a.alert().status() + " "
                        + a.alert().subject());
            }
        }
        return found;
    }

    private void produce(final List<Routed> events) throws Exception {
        assertThat(events).isNotEmpty();
        final Map<String, Object> config = stack.kafkaConfig();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, Envelope> producer = new KafkaProducer<>(config, new StringSerializer(),
                new JsonSerde<>(Envelope.class).serializer())) {
            for (Routed r : events) {
                // the event time is the record timestamp, as the collectors publish it
                producer.send(new ProducerRecord<>(r.topic(), null, r.envelope().at().toEpochMilli(), r.key(),
                        r.envelope())).get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Polls the alerts topic (read_committed) from the start offsets until {@code done} holds. */
    private Map<String, Alert> awaitAlerts(final Predicate<Map<String, Alert>> done) {
        final Map<String, Object> config = stack.kafkaConfig();
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        final Map<String, Alert> latest = new LinkedHashMap<>();
        try (KafkaConsumer<String, Alert> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                Topics.ALERTS.valueSerde().deserializer())) {
            consumer.assign(alertsStart.keySet());
            alertsStart.forEach(consumer::seek);
            final Instant deadline = Instant.now().plus(DEADLINE);
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, Alert> record : consumer.poll(Duration.ofMillis(500))) {
                    latest.put(record.key(), record.value());
                }
                if (done.test(latest)) {
                    // one more round: a version published in the same commit must not be missed
                    consumer.poll(Duration.ofMillis(500)).forEach(r -> latest.put(r.key(), r.value()));
                    return latest;
                }
            }
        }
        throw new AssertionError("alerts not complete within " + DEADLINE + "; got " + latest.values().stream()
                .map(a -> a.rule().id() + " " + a.alert().subject()).toList() + "; engine state " + app.state());
    }

    /**
     * Other ITs of this JVM share the test stack and write wall-clock-time records (collectors,
     * heartbeats) to the catalog topics. This engine starts from the beginning and replays November 20:
     * a record of today in the partition of vbr01 would make the Friday's records a week late, past
     * the hosts history's retention. Their records are deleted first, so only this test's input counts.
     */
    private void forgetEarlierInput() throws Exception {
        final Map<TopicPartition, org.apache.kafka.clients.admin.RecordsToDelete> delete = new LinkedHashMap<>();
        for (String topic : List.of(Topics.HOSTS.name(), Topics.DNS.name(), Topics.RESTORES.name(), Topics.APPROVALS.name(),
                Topics.AUDIT.name(), Topics.ENGINE_REFERENCE.name())) {
            endOffsets(topic).forEach((tp, end) -> {
                forgotten.put(tp, end);
                delete.put(tp, org.apache.kafka.clients.admin.RecordsToDelete.beforeOffset(end));
            });
        }
        try (Admin admin = Admin.create(stack.kafkaConfig())) {
            admin.deleteRecords(delete).all().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private Map<TopicPartition, Long> endOffsets(final String topic) {
        final Map<String, Object> config = stack.kafkaConfig();
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            return new LinkedHashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(30)));
        }
    }

    private record Answer(int status, JsonNode body) {
    }

    private Answer check(final String observer, final String target, final String at) throws Exception {
        final HttpResponse<String> response = get("/check-restore?observer=" + observer + "&target=" + target
                + "&at=" + at);
        return new Answer(response.statusCode(), Json.MAPPER.readTree(response.body()));
    }

    /** Polls check-restore until the verdict satisfies {@code wanted}: the engine has the data. */
    private JsonNode awaitCheck(final String observer, final String target, final String at,
                                final Predicate<JsonNode> wanted) throws Exception {
        final Instant deadline = Instant.now().plus(DEADLINE);
        Answer last = null;
        while (Instant.now().isBefore(deadline)) {
            last = check(observer, target, at);
            if (last.status() == 200 && wanted.test(last.body())) {
                return last.body();
            }
            // poll again after a short pause rather than spin on the engine
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new AssertionError("check-restore never reached the expected verdict within " + DEADLINE
                + "; last answer: " + last);
    }

    private HttpResponse<String> get(final String pathAndQuery) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + pathAndQuery))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
