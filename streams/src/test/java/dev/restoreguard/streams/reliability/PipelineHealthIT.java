package dev.restoreguard.streams.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.JsonSerde;
import dev.restoreguard.events.Topic;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.events.audit.Heartbeat;
import dev.restoreguard.producers.config.CollectorConfig;
import dev.restoreguard.producers.runtime.CollectorKinds;
import dev.restoreguard.producers.runtime.CollectorService;
import dev.restoreguard.producers.runtime.Metrics;
import dev.restoreguard.producers.scenario.Routed;
import dev.restoreguard.producers.scenario.ScenarioReader;
import dev.restoreguard.streams.app.CorrelationApp;
import dev.restoreguard.streams.app.EngineConfig;
import dev.restoreguard.streams.rules.CollectorSilent;
import dev.restoreguard.testkit.FaultSettings;
import dev.restoreguard.testkit.TestStack;
import dev.restoreguard.testkit.WithLocalStack;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 9, fault test 6 and the end-to-end bad-input clause, against the real broker and the real
 * engine ({@link CorrelationApp}, exactly-once):
 * <ul>
 *   <li>a hosts-file collector service sends heartbeats, then stops: RG-910 must follow within the
 *       configured silence (plus one check interval), and be retracted when the collector is back;</li>
 *   <li>mutated records (never readable: truncated, a required field missing, a wrong type, an
 *       unknown kind or schema version, not JSON) are injected into every input topic: the engine
 *       keeps running, every one lands in {@code restoreguard.dlq} with a reason, and every
 *       dead-lettered restore and approval raises its RG-901 / RG-902 alert exactly once.</li>
 * </ul>
 * Counts come from {@link FaultSettings} (5,000 records in CI, 100,000 with {@code -Psoak}).
 */
@WithLocalStack
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineHealthIT {

    private static final Logger LOGGER = LoggerFactory.getLogger(PipelineHealthIT.class);
    private static final Duration SILENCE = Duration.ofSeconds(3);
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final String SCENARIO = "/scenarios/14-revoked-and-staging.jsonl";

    private TestStack stack;
    private Path stateDir;
    private CorrelationApp app;

    @TempDir
    Path tmp;

    @BeforeAll
    void startEngine(final TestStack testStack) throws Exception {
        this.stack = testStack;
        stateDir = Files.createTempDirectory("restoreguard-health-it");
        final EngineConfig config = EngineConfig.defaults().withBootstrapServers(stack.bootstrapServers())
                .withApplication("restoreguard-health-it-" + UUID.randomUUID(), stateDir, freePort())
                .withCollectorSilence(SILENCE);
        app = new CorrelationApp(config, Duration.ofSeconds(30));
        app.start();
        assertThat(app.awaitRunning(DEADLINE)).as("engine RUNNING, state " + app.state()).isTrue();
    }

    @AfterAll
    void stopEngine() throws IOException {
        if (app != null) {
            app.close();
        }
        if (stateDir != null) {
            try (Stream<Path> paths = Files.walk(stateDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void shouldRaiseRg910WithinTheSilenceThresholdWhenACollectorStopsAndRetractItWhenItIsBack() throws Exception {
        final String observer = "silent-" + UUID.randomUUID().toString().substring(0, 8) + ".corp.example";
        final String alertId = Alert.idOf("RG-910", CollectorSilent.subject(observer, "hosts-file"));
        final Path hosts = Files.writeString(tmp.resolve("hosts"), "127.0.0.1 localhost\n");
        final CollectorConfig config = collectorConfig(observer, hosts);
        final Map<TopicPartition, Long> alertsStart = endOffsets(Topics.ALERTS.name());

        try (KafkaConsumer<byte[], byte[]> alerts = consumerFrom(alertsStart)) {
            final CollectorService collector = startCollector(config);
            try {
                // alive: its heartbeats reach the engine and nothing fires for a while
                awaitHeartbeats(observer, 3);
            } finally {
                collector.close();
            }
            final long stopped = System.nanoTime();
            final Alert open = awaitAlert(alerts, alertId, Alert.OPEN);
            final Duration toAlert = Duration.ofNanos(System.nanoTime() - stopped);

            final CollectorService back = startCollector(config);
            final long restarted = System.nanoTime();
            final Alert retracted;
            try {
                retracted = awaitAlert(alerts, alertId, Alert.RETRACTED);
            } finally {
                back.close();
            }
            final Duration toRetract = Duration.ofNanos(System.nanoTime() - restarted);
            LOGGER.atInfo().addKeyValue("threshold_ms", SILENCE.toMillis())
                    .addKeyValue("stop_to_alert_ms", toAlert.toMillis())
                    .addKeyValue("restart_to_retraction_ms", toRetract.toMillis())
                    .log("Silent collector: RG-910 raised and retracted");
            System.out.printf("FAULT silent-collector threshold_s=%.1f stop_to_alert_s=%.1f restart_to_retraction_s=%.1f%n",
                    SILENCE.toMillis() / 1000.0, toAlert.toMillis() / 1000.0, toRetract.toMillis() / 1000.0);

            assertThat(open.host().name()).isEqualTo(observer);
            assertThat(open.alert().reason()).contains("hosts-file collector on " + observer);
            // the last beat was up to one heartbeat interval (1 s) before the stop; the check runs
            // every fifth of the threshold; the rest is commit latency on a loaded machine
            assertThat(toAlert).as("stop to RG-910").isLessThanOrEqualTo(SILENCE.plus(Duration.ofSeconds(6)))
                    .isGreaterThanOrEqualTo(SILENCE.minus(Duration.ofMillis(1500)));
            assertThat(retracted.alert().reason()).contains("heartbeats resumed");
        }
    }

    @Test
    void shouldDeadLetterEveryMutatedRecordOfEveryInputTopicAndRaiseItsPipelineHealthAlert() throws Exception {
        final int total = FaultSettings.badInputRecords();
        final Map<String, byte[]> valid = validRecordPerTopic();
        final List<String> topics = List.copyOf(valid.keySet());
        final String run = "badinput-" + UUID.randomUUID().toString().substring(0, 8);
        final Random random = new Random(run.hashCode());
        final Map<TopicPartition, Long> dlqStart = endOffsets(Topics.DLQ.name());
        final Map<TopicPartition, Long> alertsStart = endOffsets(Topics.ALERTS.name());

        // where each injected record landed: "topic:partition:offset" -> mutation
        final Map<String, String> injected = new LinkedHashMap<>();
        final Map<String, Integer> mutationCounts = new HashMap<>();
        final long started = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig())) {
            final List<Future<RecordMetadata>> sent = new ArrayList<>(total);
            final List<String> kinds = new ArrayList<>(total);
            for (int i = 0; i < total; i++) {
                final String topic = topics.get(i % topics.size());
                final Mutation mutation = Mutation.values()[random.nextInt(Mutation.values().length)];
                final byte[] value = mutation.apply(valid.get(topic), random);
                final byte[] key = (run + "-" + i).getBytes(StandardCharsets.UTF_8);
                sent.add(producer.send(new ProducerRecord<>(topic, key, value)));
                kinds.add(mutation.name());
                mutationCounts.merge(mutation.name(), 1, Integer::sum);
            }
            for (int i = 0; i < total; i++) {
                final RecordMetadata m = sent.get(i).get();
                injected.put(m.topic() + ":" + m.partition() + ":" + m.offset(), kinds.get(i));
            }
        }

        // every one in the dead-letter topic, with a reason naming what is wrong
        final Map<String, String> reasons = new HashMap<>();
        int deadLetteredTwice = 0;
        try (KafkaConsumer<byte[], byte[]> dlq = consumerFrom(dlqStart)) {
            final long deadline = System.nanoTime() + DEADLINE.toNanos() + Duration.ofMillis(total * 2L).toNanos();
            while (!reasons.keySet().containsAll(injected.keySet()) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : dlq.poll(Duration.ofMillis(500))) {
                    final String where = header(r, "dlq.topic") + ":" + header(r, "dlq.partition") + ":"
                            + header(r, "dlq.offset");
                    if (injected.containsKey(where) && reasons.put(where, header(r, "dlq.reason")) != null) {
                        deadLetteredTwice++;
                    }
                }
            }
        }
        final Duration toDeadLetter = Duration.ofNanos(System.nanoTime() - started);

        // every dead-lettered restore and approval raised its own alert, once
        final Set<String> expectedAlerts = new HashSet<>();
        injected.keySet().forEach(where -> {
            if (where.startsWith(Topics.RESTORES.name() + ":")) {
                expectedAlerts.add("RG-901 dlq:" + where);
            } else if (where.startsWith(Topics.APPROVALS.name() + ":")) {
                expectedAlerts.add("RG-902 dlq:" + where);
            }
        });
        final Map<String, Integer> alertCounts = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> alerts = consumerFrom(alertsStart)) {
            final long deadline = System.nanoTime() + DEADLINE.toNanos();
            int quiet = 0;
            while (System.nanoTime() < deadline && (!alertCounts.keySet().containsAll(expectedAlerts) || quiet < 3)) {
                final var records = alerts.poll(Duration.ofMillis(500));
                quiet = records.isEmpty() ? quiet + 1 : 0;
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    final Alert a = Json.MAPPER.readValue(r.value(), Alert.class);
                    final String k = a.rule().id() + " " + a.alert().subject();
                    if (expectedAlerts.contains(k)) {
                        alertCounts.merge(k, 1, Integer::sum);
                    }
                }
            }
        }
        final long missingDlq = injected.keySet().stream().filter(k -> !reasons.containsKey(k)).count();
        final Map<String, Long> missingByKind = injected.entrySet().stream().filter(e -> !reasons.containsKey(e.getKey()))
                .collect(java.util.stream.Collectors.groupingBy(
                        e -> e.getKey().substring(0, e.getKey().indexOf(':')) + "/" + e.getValue(),
                        java.util.stream.Collectors.counting()));
        final long blankReasons = reasons.values().stream().filter(r -> r == null || r.isBlank()).count();
        final long duplicatedAlerts = alertCounts.values().stream().filter(n -> n > 1).count();
        final long missingAlerts = expectedAlerts.stream().filter(k -> !alertCounts.containsKey(k)).count();
        LOGGER.atInfo().addKeyValue("injected", total).addKeyValue("topics", topics)
                .addKeyValue("mutations", mutationCounts).addKeyValue("dead_lettered", reasons.size()).addKeyValue("dead_lettered_twice", deadLetteredTwice)
                .addKeyValue("missing_dead_letters", missingDlq).addKeyValue("expected_rg901_rg902", expectedAlerts.size())
                .addKeyValue("missing_alerts", missingAlerts).addKeyValue("duplicated_alerts", duplicatedAlerts)
                .addKeyValue("seconds", toDeadLetter.toMillis() / 1000.0).log("End-to-end bad input");
        System.out.printf("FAULT bad-input injected=%d topics=%d dead_lettered=%d missing=%d rg901_902_expected=%d "
                        + "rg901_902_missing=%d rg901_902_duplicated=%d engine=%s dead_letter_s=%.1f mutations=%s%n",
                total, topics.size(), reasons.size(), missingDlq, expectedAlerts.size(), missingAlerts,
                duplicatedAlerts, app.state(), toDeadLetter.toMillis() / 1000.0, mutationCounts);

        assertThat(app.state()).as("engine still running").isEqualTo(KafkaStreams.State.RUNNING);
        assertThat(deadLetteredTwice).as("records dead-lettered twice").isZero();
        assertThat(missingDlq).as("injected records missing from the dead-letter topic, by topic/mutation: %s",
                missingByKind).isZero();
        assertThat(blankReasons).as("dead letters without a reason").isZero();
        assertThat(missingAlerts).as("dead-lettered restores/approvals without RG-901/902").isZero();
        assertThat(duplicatedAlerts).as("RG-901/902 alerts published twice").isZero();
    }

    // ---------------------------------------------------------------------------------------------

    /** How a valid record is broken; each one is unreadable by construction. */
    enum Mutation {
        /** Cut short: a JSON object missing its end. */
        TRUNCATED {
            @Override
            byte[] apply(final byte[] valid, final Random random) {
                return java.util.Arrays.copyOf(valid, 1 + random.nextInt(valid.length - 2));
            }
        },
        /** A required envelope field removed. */
        FIELD_MISSING {
            @Override
            byte[] apply(final byte[] valid, final Random random) {
                return edit(valid, o -> o.remove(List.of("event_id", "at", "source", "payload").get(random.nextInt(4))));
            }
        },
        /** The event time is not a time. */
        BAD_TIME {
            @Override
            byte[] apply(final byte[] valid, final Random random) {
                return edit(valid, o -> o.put("at", "yesterday-" + random.nextInt(1000)));
            }
        },
        /** A schema version this build does not read. */
        SCHEMA_VERSION {
            @Override
            byte[] apply(final byte[] valid, final Random random) {
                return edit(valid, o -> o.put("schema_version", random.nextBoolean() ? 99 : 0));
            }
        },
        /** A payload kind nobody knows. */
        UNKNOWN_KIND {
            @Override
            byte[] apply(final byte[] valid, final Random random) {
                return edit(valid, o -> o.put("kind", "kind-" + random.nextInt(1000)));
            }
        },
        /** Valid JSON, but not an object. */
        NOT_AN_OBJECT {
            @Override
            byte[] apply(final byte[] valid, final Random random) {
                return List.of("[1,2,3]", "\"restore\"", "42", "null", "true").get(random.nextInt(5))
                        .getBytes(StandardCharsets.UTF_8);
            }
        },
        /** Not JSON at all: control bytes or random binary in front of the record. */
        GARBAGE {
            @Override
            byte[] apply(final byte[] valid, final Random random) {
                final byte[] junk = new byte[1 + random.nextInt(16)];
                random.nextBytes(junk);
                junk[0] = (byte) random.nextInt(0x20); // never '{', '[', '"', a digit or a space
                if (junk[0] == '\t' || junk[0] == '\n' || junk[0] == '\r') {
                    junk[0] = 0;
                }
                final byte[] out = new byte[junk.length + valid.length];
                System.arraycopy(junk, 0, out, 0, junk.length);
                System.arraycopy(valid, 0, out, junk.length, valid.length);
                return out;
            }
        };

        abstract byte[] apply(byte[] valid, Random random);

        private static byte[] edit(final byte[] valid, final java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> change) {
            try {
                final var node = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(valid);
                change.accept(node);
                return Json.MAPPER.writeValueAsBytes(node);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** One valid envelope per input topic of the engine, from a scenario with every kind (and a heartbeat for audit). */
    private static Map<String, byte[]> validRecordPerTopic() throws IOException {
        final Map<String, byte[]> valid = new LinkedHashMap<>();
        final ScenarioReader reader = new ScenarioReader();
        try (InputStream in = PipelineHealthIT.class.getResourceAsStream(SCENARIO)) {
            final String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            for (int i = 0; i < lines.length; i++) {
                if (reader.read(i + 1, lines[i]) instanceof ScenarioReader.Events events) {
                    for (Routed r : events.events()) {
                        valid.putIfAbsent(r.topic(), Json.MAPPER.writeValueAsBytes(r.envelope()));
                    }
                }
            }
        }
        valid.put(Topics.AUDIT.name(), Json.MAPPER.writeValueAsBytes(Envelope.of("hosts-file",
                Instant.parse("2026-11-20T16:00:00Z"), "vbr01.corp.example", new Heartbeat("hosts-file", "0.1.0", null))));
        // the check: each base record is readable, so only the mutation can make it unreadable
        final JsonSerde<Envelope> serde = new JsonSerde<>(Envelope.class);
        valid.forEach((topic, bytes) -> serde.deserializer().deserialize(topic, bytes));
        assertThat(valid.keySet()).containsExactlyInAnyOrderElementsOf(
                Topics.events().stream().map(Topic::name).toList());
        return valid;
    }

    private CollectorConfig collectorConfig(final String observer, final Path hosts) throws Exception {
        final Path file = Files.writeString(tmp.resolve("restoreguard.yaml"), """
                kafka:
                  bootstrap_servers: ${BOOTSTRAP}
                collector:
                  observer: %s
                  state_dir: %s
                  health: {port: 0}
                  heartbeat_interval_seconds: 1
                collectors:
                  hosts_file: {paths: ['%s'], recheck_seconds: 1, debounce_ms: 100, audit_log: '%s'}
                """.formatted(observer, tmp.resolve("state"), hosts, tmp.resolve("no-audit.log")));
        return CollectorConfig.read(file, Map.of("BOOTSTRAP", stack.bootstrapServers()));
    }

    private static CollectorService startCollector(final CollectorConfig config) throws Exception {
        final Metrics metrics = new Metrics();
        final CollectorService service = new CollectorService(config, CollectorKinds.create("hosts-file", config, metrics),
                metrics);
        service.start();
        return service;
    }

    /** Waits until {@code n} heartbeats of the observer are on the audit topic. */
    private void awaitHeartbeats(final String observer, final int n) throws Exception {
        final Map<TopicPartition, Long> start = new HashMap<>();
        endOffsets(Topics.AUDIT.name()).keySet().forEach(tp -> start.put(tp, 0L));
        int beats = 0;
        try (KafkaConsumer<byte[], byte[]> audit = consumerFrom(start)) {
            final long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (beats < n && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : audit.poll(Duration.ofMillis(300))) {
                    if (observer.equals(key(r)) && new String(r.value(), StandardCharsets.UTF_8).contains("\"heartbeat\"")) {
                        beats++;
                    }
                }
            }
        }
        assertThat(beats).as("heartbeats of " + observer).isGreaterThanOrEqualTo(n);
    }

    private static Alert awaitAlert(final KafkaConsumer<byte[], byte[]> alerts, final String id, final String status)
            throws Exception {
        final long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : alerts.poll(Duration.ofMillis(100))) {
                if (id.equals(key(r))) {
                    final Alert a = Json.MAPPER.readValue(r.value(), Alert.class);
                    if (status.equals(a.alert().status())) {
                        return a;
                    }
                }
            }
        }
        throw new AssertionError("no " + status + " alert " + id + " within " + DEADLINE);
    }

    private Map<String, Object> producerConfig() {
        final Map<String, Object> config = stack.kafkaConfig();
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return config;
    }

    /** A read_committed consumer assigned to the given partitions at the given offsets. */
    private KafkaConsumer<byte[], byte[]> consumerFrom(final Map<TopicPartition, Long> start) {
        final Map<String, Object> config = stack.kafkaConfig();
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        final KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config);
        consumer.assign(start.keySet());
        start.forEach(consumer::seek);
        return consumer;
    }

    private Map<TopicPartition, Long> endOffsets(final String topic) {
        final Map<String, Object> config = stack.kafkaConfig();
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            return new HashMap<>(consumer.endOffsets(partitions));
        }
    }

    private static String key(final ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    }

    private static String header(final ConsumerRecord<byte[], byte[]> r, final String name) {
        final Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
