package dev.restoreguard.producers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.inventory.InventorySnapshot;
import dev.restoreguard.events.restore.RestoreEvent;
import dev.restoreguard.producers.config.CollectorConfig;
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
 * {@code collect restore-http} and {@code collect inventory-watch} as the service runs them
 * (configuration file, spool, publisher) against the real broker: a restore POSTed with a token
 * lands on {@code restoreguard.restores}; an inventory edit lands on {@code restoreguard.inventory},
 * a broken edit in between does not.
 */
@WithLocalStack
class GenericCollectorsIT {

    private static final String TOKEN = "it-token-0123456789abcdef";

    @TempDir
    Path tmp;

    /** A running service and its collector. */
    private record Running(CollectorService service, Collector collector) implements AutoCloseable {
        @Override
        public void close() {
            service.close();
        }
    }

    private Running start(final TestStack stack, final String kind, final String section) throws Exception {
        final Path file = Files.writeString(tmp.resolve(kind + ".yaml"), """
                kafka:
                  bootstrap_servers: ${BOOTSTRAP}
                collector:
                  observer: it.corp.example
                  state_dir: %s
                  health: {port: 0}
                collectors:
                %s
                """.formatted(tmp.resolve("state-" + kind), section.indent(2)));
        final CollectorConfig config = CollectorConfig.read(file, Map.of("BOOTSTRAP", stack.bootstrapServers(), "TOKEN", TOKEN));
        final Metrics metrics = new Metrics();
        final Collector collector = CollectorKinds.create(kind, config, metrics);
        final CollectorService service = new CollectorService(config, collector, metrics);
        service.start();
        return new Running(service, collector);
    }

    private static List<Envelope> read(final TestStack stack, final String topic, final Predicate<Envelope> match,
                                       final int count) throws Exception {
        final Map<String, Object> config = stack.kafkaConfig();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "generic-it-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        final List<Envelope> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(300))) {
                    final Envelope e = Json.MAPPER.readValue(r.value(), Envelope.class);
                    if (match.test(e)) {
                        out.add(e);
                    }
                }
            }
        }
        return out;
    }

    @Test
    void shouldPublishARestorePostedWithAToken(final TestStack stack) throws Exception {
        final String session = "hook-" + UUID.randomUUID();
        try (Running running = start(stack, "restore-http", """
                restore_http: {port: 0, tokens: [{name: it, token: "${TOKEN}"}]}""")) {
            final int port = ((dev.restoreguard.producers.restore.RestoreHttpCollector) running.collector()).port();
            final HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/v1/restores"))
                    .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("""
                            {"observer": "backup01.corp.example", "session_id": "%s", "state": "started",
                             "target": "sql-dev-01", "product": "bacula", "at": "2026-11-20T16:02:00Z"}""".formatted(session)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(202);

            final List<Envelope> got = read(stack, Topics.RESTORES.name(),
                    e -> e.payload() instanceof RestoreEvent re && re.sessionId().equals(session), 1);
            assertThat(got).hasSize(1);
            assertThat(r.body()).contains(got.get(0).eventId());
            assertThat(got.get(0).observer()).isEqualTo("backup01.corp.example");
            assertThat(((RestoreEvent) got.get(0).payload()).target()).isEqualTo("sql-dev-01");
        }
    }

    @Test
    void shouldPublishAnInventoryEditButNotABrokenOne(final TestStack stack) throws Exception {
        final String asset = "asset-" + UUID.randomUUID().toString().substring(0, 8) + ".corp.example";
        final Path inventory = Files.writeString(tmp.resolve("inventory.yaml"),
                "assets:\n  - {name: " + asset + ", ips: [10.77.0.1], environment: production}\n");
        try (Running running = start(stack, "inventory-watch", """
                inventory_watch: {file: '%s', poll_ms: 100}""".formatted(inventory))) {
            final Predicate<Envelope> ours = e -> e.payload() instanceof InventorySnapshot s
                    && s.assets().stream().anyMatch(a -> a.name().equals(asset));
            assertThat(read(stack, Topics.INVENTORY.name(), ours, 1)).hasSize(1);

            Files.writeString(inventory, Files.readString(inventory) + "networks:\n  - {cidr: 10.77.0.1/16, environment: production}\n");
            awaitInvalid((dev.restoreguard.producers.inventory.InventoryWatchCollector) running.collector());
            Files.writeString(inventory, Files.readString(inventory).replace("10.77.0.1/16", "10.77.0.0/16"));

            final List<Envelope> got = read(stack, Topics.INVENTORY.name(), ours, 2);
            assertThat(got).hasSize(2);
            assertThat(((InventorySnapshot) got.get(1).payload()).networks())
                    .containsExactly(new InventorySnapshot.Network("10.77.0.0/16", "production"));
            assertThat(running.service().publisher().awaitDrained(Duration.ofSeconds(30))).isTrue();
        }
    }

    /** Waits until the watcher has read the broken edit (it reports it on its gauge, never on Kafka). */
    private static void awaitInvalid(final dev.restoreguard.producers.inventory.InventoryWatchCollector watcher)
            throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (watcher.valid() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(watcher.valid()).as("the broken edit was read").isFalse();
    }
}
