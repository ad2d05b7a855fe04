package dev.restoreguard.streams.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.producers.scenario.ScenarioReader;
import dev.restoreguard.streams.app.CorrelationApp;
import dev.restoreguard.streams.app.EngineConfig;
import dev.restoreguard.streams.replay.ReplayDriver;
import dev.restoreguard.testkit.FaultSettings;
import dev.restoreguard.testkit.TestStack;
import dev.restoreguard.testkit.WithLocalStack;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 9, fault test 2, in the style of Kafka's exactly-once system test: two engine instances
 * (child JVMs running {@link CorrelationApp#main}, one application id) judge a stream of restore
 * records; one instance is killed with SIGKILL {@link FaultSettings#engineKills()} times mid-stream
 * and started again on its state directory. A verifier recomputes the expected alerts from the
 * same inputs with the in-process {@link ReplayDriver} and reads the alerts topic with
 * read_committed: zero lost, zero duplicated. Failover time (kill until every backup server's
 * records raise alerts again) is measured without and with a standby replica.
 *
 * <p>A SIGKILLed member is only noticed when its consumer session times out (45 s by default), so
 * one run takes minutes: it runs with {@code -Psoak} (or {@code -Drestoreguard.faults.engine-kills=N}).
 */
@WithLocalStack
@EnabledIfSystemProperty(named = "restoreguard.faults.engine-kills", matches = "[1-9][0-9]*")
class EngineCrashIT {

    private static final Logger LOGGER = LoggerFactory.getLogger(EngineCrashIT.class);
    private static final Duration STEP = Duration.ofSeconds(240);
    private static final Duration PACE = Duration.ofMillis(20);
    private static final int OBSERVERS = 12;
    private static final String INVENTORY = """
            {"kind": "inventory", "at": "2026-11-20T08:00:00Z", "assets": [], "networks": [{"cidr": "10.20.0.0/16", "environment": "production"}]}""";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path work;

    @ParameterizedTest(name = "standby replicas: {0}")
    @ValueSource(ints = {0, 1})
    void shouldLoseAndDuplicateNoAlertWhenAnEngineInstanceIsKilledMidStream(final int standbys, final TestStack stack)
            throws Exception {
        final int kills = FaultSettings.engineKills();
        final String run = UUID.randomUUID().toString().substring(0, 8);
        final String applicationId = "restoreguard-crash-it-" + run;
        final List<String> observers = new ArrayList<>();
        for (int i = 0; i < OBSERVERS; i++) {
            observers.add("vbr" + i + "-" + run + ".corp.example");
        }
        final Map<TopicPartition, Long> alertsStart = endOffsets(stack, Topics.ALERTS.name());
        final Instance[] instances = {new Instance("a", applicationId, standbys, stack), new Instance("b", applicationId, standbys, stack)};
        final AlertsTail tail = new AlertsTail(stack, alertsStart);
        final Feed feed = new Feed(stack, observers);
        final List<Double> failovers = new ArrayList<>();
        try {
            for (Instance i : instances) {
                i.start();
            }
            for (Instance i : instances) {
                awaitTrue("instance " + i.name + " ready", i::ready);
            }
            feed.inventory();
            feed.start();
            for (int k = 0; k < kills; k++) {
                final Instance victim = instances[k % 2];
                awaitTrue("alerts flowing before kill " + (k + 1), () -> tail.sessions().size() >= 30 * (failovers.size() + 1));
                victim.kill();
                final long killed = System.nanoTime();
                final Map<String, Integer> next = feed.nextIndexPerObserver();
                awaitTrue("every observer judged again after kill " + (k + 1), () -> next.entrySet().stream()
                        .allMatch(e -> tail.maxIndex(e.getKey()) >= e.getValue()));
                failovers.add((System.nanoTime() - killed) / 1e9);
                victim.start();
                awaitTrue("instance " + victim.name + " back", victim::ready);
            }
            feed.stop();
            assertThat(feed.failure.get()).isNull();

            final Map<String, String> expected = feed.expectedAlerts();
            awaitTrue("every expected alert", () -> tail.versions.keySet().containsAll(expected.keySet()));
            tail.settle();
            final long lost = expected.keySet().stream().filter(id -> !tail.versions.containsKey(id)).count();
            final long duplicated = tail.versions.entrySet().stream()
                    .filter(e -> expected.containsKey(e.getKey()) && e.getValue().size() > 1).count();
            final long unexpected = tail.versions.keySet().stream().filter(id -> !expected.containsKey(id)).count();
            LOGGER.atInfo().addKeyValue("standby_replicas", standbys).addKeyValue("kills", kills)
                    .addKeyValue("restores", feed.sent()).addKeyValue("alerts_expected", expected.size())
                    .addKeyValue("lost", lost).addKeyValue("duplicated", duplicated).addKeyValue("unexpected", unexpected)
                    .addKeyValue("failover_s", failovers).log("Engine crash");
            System.out.printf("FAULT engine-crash standby_replicas=%d kills=%d restores=%d alerts_expected=%d lost=%d "
                    + "duplicated=%d unexpected=%d failover_s=%s%n", standbys, kills, feed.sent(), expected.size(), lost,
                    duplicated, unexpected, failovers);

            assertThat(lost).as("alerts lost").isZero();
            assertThat(duplicated).as("alerts published twice").isZero();
            assertThat(unexpected).as("alerts the verifier does not expect").isZero();
        } finally {
            feed.stop();
            for (Instance i : instances) {
                i.kill();
            }
            tail.close();
        }
    }

    /** One engine instance: a child JVM, restarted on the same state directory after a kill. */
    private final class Instance {
        final String name;
        final Map<String, String> env = new HashMap<>();
        final int port;
        Process process;

        Instance(final String name, final String applicationId, final int standbys, final TestStack stack) throws IOException {
            this.name = name;
            this.port = freePort();
            env.put("RESTOREGUARD_BOOTSTRAP_SERVERS", stack.bootstrapServers());
            env.put("RESTOREGUARD_ENGINE_APPLICATION_ID", applicationId);
            env.put("RESTOREGUARD_ENGINE_STATE_DIR", work.resolve("state-" + name).toString());
            env.put("RESTOREGUARD_ENGINE_HTTP_PORT", Integer.toString(port));
            env.put("RESTOREGUARD_ENGINE_STANDBY_REPLICAS", Integer.toString(standbys));
        }

        void start() throws IOException {
            final String java = ProcessHandle.current().info().command().orElse("java");
            final ProcessBuilder builder = new ProcessBuilder(java, "-Xmx384m", "-cp", System.getProperty("java.class.path"),
                    CorrelationApp.class.getName()).redirectErrorStream(true)
                    .redirectOutput(work.resolve("engine-" + name + ".log").toFile());
            builder.environment().putAll(env);
            process = builder.start();
        }

        boolean ready() {
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException | InterruptedException e) {
                return false;
            }
        }

        void kill() throws InterruptedException {
            if (process != null && process.isAlive()) {
                process.destroyForcibly(); // SIGKILL: no close, no commit, no leave-group
                process.waitFor();
            }
        }
    }

    /** The input stream: restores of every observer into production without approval (RG-001 each). */
    private static final class Feed {
        private final List<String> observers;
        private final ScenarioReader reader = new ScenarioReader();
        private final List<Envelope> sent = new CopyOnWriteArrayList<>();
        private final Map<String, Integer> nextIndex = new ConcurrentHashMap<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        private Envelope inventory;
        private Thread thread;
        private final KafkaProducer<String, String> producer;

        Feed(final TestStack stack, final List<String> observers) {
            this.observers = observers;
            final Map<String, Object> config = stack.kafkaConfig();
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
        }

        void inventory() throws Exception {
            inventory = ((ScenarioReader.Events) reader.read(1, INVENTORY)).events().getFirst().envelope();
            producer.send(new ProducerRecord<>(Topics.INVENTORY.name(), null, inventory.at().toEpochMilli(), "inventory",
                    Json.MAPPER.writeValueAsString(inventory))).get();
        }

        void start() {
            thread = Thread.ofPlatform().name("crash-it-feed").start(() -> {
                try {
                    for (int i = 0; running.get(); i++) {
                        final String observer = observers.get(i % observers.size());
                        final int index = i / observers.size();
                        final String line = """
                                {"kind": "restore", "at": "%s", "product": "veeam", "session_id": "%s:%d", "state": "started", "observer": "%s", "target": "10.20.%d.%d"}"""
                                .formatted(Instant.parse("2026-11-21T10:00:00Z").plusSeconds(index), observer, index, observer,
                                        1 + index / 250, 1 + index % 250);
                        final Envelope e = ((ScenarioReader.Events) reader.read(i + 2, line)).events().getFirst().envelope();
                        producer.send(new ProducerRecord<>(Topics.RESTORES.name(), null, e.at().toEpochMilli(), observer,
                                Json.MAPPER.writeValueAsString(e))).get();
                        sent.add(e);
                        nextIndex.put(observer, index + 1);
                        Thread.sleep(PACE);
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
        }

        int sent() {
            return sent.size();
        }

        Map<String, Integer> nextIndexPerObserver() {
            return Map.copyOf(nextIndex);
        }

        void stop() throws InterruptedException {
            running.set(false);
            if (thread != null) {
                thread.join(STEP.toMillis());
            }
        }

        /** The verifier: final status of every alert the same inputs raise in-process. */
        Map<String, String> expectedAlerts() {
            try (ReplayDriver driver = new ReplayDriver(EngineConfig.defaults())) {
                driver.send(Topics.INVENTORY.name(), "inventory", inventory);
                sent.forEach(e -> driver.send(Topics.RESTORES.name(), e.observer(), e));
                final Map<String, String> expected = new HashMap<>();
                driver.finalAlerts().forEach(a -> expected.put(a.alert().id(), a.alert().status()));
                return expected;
            } finally {
                producer.close();
            }
        }
    }

    /** Reads the alerts topic (read_committed) in the background: every version of every alert. */
    private static final class AlertsTail implements AutoCloseable {
        final Map<String, List<String>> versions = new ConcurrentHashMap<>();
        /** observer to the highest restore index judged. */
        private final Map<String, Integer> maxIndex = new ConcurrentHashMap<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;
        private volatile long lastRecord = System.nanoTime();

        AlertsTail(final TestStack stack, final Map<TopicPartition, Long> start) {
            final Map<String, Object> config = stack.kafkaConfig();
            config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            thread = Thread.ofPlatform().name("crash-it-alerts").start(() -> {
                try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                        new StringDeserializer())) {
                    consumer.assign(start.keySet());
                    start.forEach(consumer::seek);
                    while (running.get()) {
                        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                            lastRecord = System.nanoTime();
                            final Alert a = Json.MAPPER.readValue(r.value(), Alert.class);
                            versions.computeIfAbsent(r.key(), k -> new CopyOnWriteArrayList<>()).add(a.alert().status());
                            final String subject = a.alert().subject(); // restore:veeam:<observer>:<index>
                            final int colon = subject.lastIndexOf(':');
                            if (subject.startsWith("restore:veeam:") && colon > 14) {
                                maxIndex.merge(subject.substring(14, colon), Integer.parseInt(subject.substring(colon + 1)),
                                        Math::max);
                            }
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    LOGGER.atError().setCause(e).log("alerts tail failed");
                }
            });
        }

        Set<String> sessions() {
            return versions.keySet();
        }

        int maxIndex(final String observer) {
            return maxIndex.getOrDefault(observer, -1);
        }

        /** Waits until the topic has been quiet for 3 s, so late duplicates would have shown. */
        void settle() throws InterruptedException {
            while (System.nanoTime() - lastRecord < Duration.ofSeconds(3).toNanos()) {
                Thread.sleep(200);
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join();
        }
    }

    private static Map<TopicPartition, Long> endOffsets(final TestStack stack, final String topic) {
        final Map<String, Object> config = stack.kafkaConfig();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            return new HashMap<>(consumer.endOffsets(partitions));
        }
    }

    private static void awaitTrue(final String what, final BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + STEP.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for %s", what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
