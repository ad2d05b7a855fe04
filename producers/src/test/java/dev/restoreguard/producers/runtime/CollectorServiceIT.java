package dev.restoreguard.producers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.audit.Heartbeat;
import dev.restoreguard.events.hosts.HostsSnapshot;
import dev.restoreguard.producers.config.CollectorConfig;
import dev.restoreguard.producers.testing.TopicReader;
import dev.restoreguard.testkit.TestStack;
import dev.restoreguard.testkit.WithLocalStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code restoreguard collect hosts-file} as the service runs it (configuration file, spool,
 * publisher, health, heartbeat, collector) against the real broker: the baseline and a change
 * reach Kafka, heartbeats are published, health and metrics answer; stopped and started again,
 * it does not re-alert the baseline and reports what changed while it was down.
 */
@WithLocalStack
class CollectorServiceIT {

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newHttpClient();

    private CollectorConfig config(final TestStack stack, final String observer, final Path hosts) throws Exception {
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

    private CollectorService start(final CollectorConfig config) throws Exception {
        final Metrics metrics = new Metrics();
        final CollectorService service = new CollectorService(config, CollectorKinds.create("hosts-file", config, metrics), metrics);
        service.start();
        return service;
    }

    private HttpResponse<String> get(final CollectorService service, final String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.healthPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Reads the topic from the start until {@code done} holds for the envelopes keyed by observer. */
    private static List<Envelope> read(final TestStack stack, final String topic, final String observer,
                                       final Predicate<List<Envelope>> done) throws Exception {
        return TopicReader.read(stack, topic, observer, done);
    }

    /** Everything keyed by observer up to the topic's current end (every child drained its spool before READY). */
    private static List<Envelope> readToEnd(final TestStack stack, final String topic, final String observer) throws Exception {
        final Map<String, Object> config = stack.kafkaConfig();
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        final List<Envelope> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            final List<org.apache.kafka.common.TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions);
            final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(300))) {
                    if (observer.equals(r.key())) {
                        out.add(Json.MAPPER.readValue(r.value(), Envelope.class));
                    }
                }
            }
        }
        return out;
    }

    private static List<HostsSnapshot> snapshots(final List<Envelope> envelopes) {
        return envelopes.stream().map(e -> (HostsSnapshot) e.payload()).toList();
    }

    @Test
    void shouldRunTheHostsCollectorAsAServiceAndSurviveARestart(final TestStack stack) throws Exception {
        final String observer = "vbr-" + UUID.randomUUID().toString().substring(0, 8) + ".corp.example";
        final Path hosts = Files.writeString(tmp.resolve("hosts"), "127.0.0.1 localhost\n");
        final CollectorConfig config = config(stack, observer, hosts);

        try (CollectorService service = start(config)) {
            assertThat(get(service, "/health/live").statusCode()).isEqualTo(200);
            assertThat(get(service, "/health/ready").statusCode()).isEqualTo(200);
            Files.writeString(hosts, "127.0.0.1 localhost\n10.20.1.15 sql-dev-01\n");
            final List<HostsSnapshot> seen = snapshots(read(stack, Topics.HOSTS.name(), observer, l -> l.size() >= 2));
            assertThat(seen).extracting(HostsSnapshot::baseline).containsExactly(true, false);
            assertThat(seen.get(1).diff().added()).extracting(HostsSnapshot.Change::name)
                    .containsExactly("sql-dev-01.corp.example");
            final List<Envelope> beats = read(stack, Topics.AUDIT.name(), observer,
                    l -> l.stream().anyMatch(e -> e.payload() instanceof Heartbeat h && h.lastEventTime() != null));
            assertThat(beats).isNotEmpty();
            final Heartbeat beat = (Heartbeat) beats.get(beats.size() - 1).payload();
            assertThat(beat.collector()).isEqualTo("hosts-file");
            assertThat(service.publisher().awaitDrained(Duration.ofSeconds(30))).isTrue();
            final String metrics = get(service, "/metrics").body();
            assertThat(metrics).contains("restoreguard_collector_events_sent_total", "restoreguard_collector_events_spooled_total",
                    "restoreguard_collector_events_dropped_total 0", "restoreguard_collector_errors_total",
                    "restoreguard_spool_pending_events 0", "restoreguard_hosts_snapshots_total 2");
        }

        Files.writeString(hosts, "127.0.0.1 localhost\n10.20.1.15 sql-dev-01\n10.99.0.1 backup-target\n"); // while down
        try (CollectorService service = start(config)) {
            assertThat(service.publisher().awaitDrained(Duration.ofSeconds(30))).isTrue();
            final List<HostsSnapshot> all = snapshots(read(stack, Topics.HOSTS.name(), observer, l -> l.size() >= 3));
            assertThat(all).extracting(HostsSnapshot::baseline).containsExactly(true, false, false);
            assertThat(all.get(2).diff().added()).extracting(HostsSnapshot.Change::name)
                    .containsExactly("backup-target.corp.example");
        }
    }

    @Test
    void shouldNotRealertTheBaselineAfterSigkillAndReportWhatChangedMeanwhile(final TestStack stack) throws Exception {
        final String observer = "kill-" + UUID.randomUUID().toString().substring(0, 8) + ".corp.example";
        final Path hosts = Files.writeString(tmp.resolve("hosts"), "127.0.0.1 localhost\n");
        config(stack, observer, hosts); // writes restoreguard.yaml
        final Path yaml = Files.writeString(tmp.resolve("restoreguard.yaml"),
                Files.readString(tmp.resolve("restoreguard.yaml")).replace("${BOOTSTRAP}", stack.bootstrapServers()));

        runUntilReadyThenKill(yaml);
        Files.writeString(hosts, "127.0.0.1 localhost\n10.20.1.15 sql-dev-01\n"); // while it is dead
        runUntilReadyThenKill(yaml);
        runUntilReadyThenKill(yaml); // nothing changed: publishes nothing

        final List<HostsSnapshot> all = snapshots(readToEnd(stack, Topics.HOSTS.name(), observer));
        assertThat(all).extracting(HostsSnapshot::baseline).containsExactly(true, false);
        assertThat(all.get(1).diff().added()).extracting(HostsSnapshot.Change::name).containsExactly("sql-dev-01.corp.example");
    }

    /** Starts the collector as its own JVM, waits for READY (baseline spooled and sent), then SIGKILLs it. */
    private static void runUntilReadyThenKill(final Path yaml) throws Exception {
        final String javaCommand = ProcessHandle.current().info().command().orElse("java");
        final Process child = new ProcessBuilder(javaCommand, "-cp", System.getProperty("java.class.path"),
                dev.restoreguard.producers.testing.CollectorMain.class.getName(), "hosts-file", yaml.toString())
                .redirectErrorStream(true).start();
        try (java.io.BufferedReader out = new java.io.BufferedReader(
                new java.io.InputStreamReader(child.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
            final StringBuilder seen = new StringBuilder();
            String line;
            while ((line = out.readLine()) != null && !line.equals("READY")) {
                seen.append(line).append('\n');
            }
            assertThat(line).as("collector output:%n%s", seen).isEqualTo("READY");
            child.destroyForcibly();
            assertThat(child.waitFor()).isEqualTo(137);
        }
    }
}
