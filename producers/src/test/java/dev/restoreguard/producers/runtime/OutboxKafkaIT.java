package dev.restoreguard.producers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.Topics;
import dev.restoreguard.producers.testing.SpoolWriterMain;
import dev.restoreguard.testkit.TestStack;
import dev.restoreguard.testkit.WithLocalStack;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durable outbox against the real broker of the local stack: Kafka unreachable (a dead
 * address) while events keep coming, the collector process killed with SIGKILL, then a new
 * publisher on the same spool with the broker reachable: every event arrives, once, by id.
 *
 * <p>The test stack offers no way to stop and restart its shared broker, so "broker down" is a
 * bootstrap address nothing listens on; for the client it looks the same as a stopped broker
 * (connection refused, metadata timeouts, delivery timeouts).
 */
@WithLocalStack
class OutboxKafkaIT {

    @TempDir
    Path spoolDir;

    private static Map<String, Object> fastFailing(final String bootstrap) {
        final Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrap);
        config.put("max.block.ms", 500);
        config.put("delivery.timeout.ms", 2000);
        config.put("request.timeout.ms", 1000);
        return config;
    }

    private static String deadAddress() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + s.getLocalPort(); // closed again: nothing listens there
        }
    }

    private static Spool spool(final Path dir) throws Exception {
        return Spool.open(dir, 64L << 20, 1L << 20, Spool.FsyncPolicy.ALWAYS, Duration.ofSeconds(1));
    }

    /** Event ids on the audit topic for {@code observer}, with duplicates, until {@code expected} distinct are seen. */
    private static List<String> consumeIds(final TestStack stack, final String observer, final int expected) {
        final Map<String, Object> config = stack.kafkaConfig();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "outbox-it-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        final List<String> ids = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(Topics.AUDIT.name()));
            final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int quietPolls = 0;
            while (System.nanoTime() < deadline) {
                final var records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<String, String> r : records) {
                    if (observer.equals(r.key())) {
                        ids.add(new String(r.headers().lastHeader("event_id").value(), StandardCharsets.UTF_8));
                    }
                }
                // Once all are there, a few quiet polls show whether duplicates follow.
                if (Set.copyOf(ids).size() >= expected && (records.isEmpty() ? ++quietPolls : 0) >= 3) {
                    break;
                }
            }
        }
        return ids;
    }

    private static Set<String> expectedIds(final String observer, final int count) {
        return IntStream.range(0, count).mapToObj(i -> SpoolWriterMain.event(observer, i).eventId()).collect(Collectors.toSet());
    }

    @Test
    void shouldDeliverEveryEventOnceByIdAcrossABrokerOutage(final TestStack stack) throws Exception {
        final String observer = "outage-" + UUID.randomUUID() + ".it.example";
        final Metrics metrics = new Metrics();
        // 1. Broker reachable: the first 40 go straight through.
        try (Spool spool = spool(spoolDir); EventPublisher up = new EventPublisher(fastFailing(stack.bootstrapServers()), spool, metrics)) {
            for (int i = 0; i < 40; i++) {
                assertThat(up.publish(Topics.AUDIT, observer, SpoolWriterMain.event(observer, i))).isTrue();
            }
            assertThat(up.awaitDrained(Duration.ofSeconds(60))).isTrue();
        }
        // 2. Broker gone mid-stream: the next 60 are accepted into the spool and wait there.
        final Metrics downMetrics = new Metrics();
        try (Spool spool = spool(spoolDir);
             EventPublisher down = new EventPublisher(fastFailing(deadAddress()), spool, downMetrics)) {
            for (int i = 40; i < 100; i++) {
                assertThat(down.publish(Topics.AUDIT, observer, SpoolWriterMain.event(observer, i))).isTrue();
            }
            final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (downMetrics.value(Metrics.ERRORS) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(50); // waiting for the first send failure, not for a fixed time
            }
            assertThat(downMetrics.value(Metrics.ERRORS)).isPositive();
            assertThat(down.connected()).isFalse();
            assertThat(spool.pendingEvents()).isEqualTo(60);
            down.close(Duration.ZERO);
        }
        // 3. Broker back: a new publisher on the same spool sends what waited.
        try (Spool spool = spool(spoolDir); EventPublisher back = new EventPublisher(fastFailing(stack.bootstrapServers()), spool, new Metrics())) {
            assertThat(spool.pendingEvents()).isEqualTo(60);
            assertThat(back.awaitDrained(Duration.ofSeconds(60))).isTrue();
        }
        final List<String> ids = consumeIds(stack, observer, 100);
        assertThat(Set.copyOf(ids)).isEqualTo(expectedIds(observer, 100));
        assertThat(ids).as("no event twice").hasSize(100);
    }

    @Test
    void shouldLoseNothingWhenTheCollectorIsKilledWithSigkill(final TestStack stack) throws Exception {
        final String observer = "sigkill-" + UUID.randomUUID() + ".it.example";
        final String java = ProcessHandle.current().info().command().orElse("java");
        final Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                SpoolWriterMain.class.getName(), spoolDir.toString(), deadAddress(), observer, "0", "50")
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            final StringBuilder seen = new StringBuilder();
            while ((line = out.readLine()) != null && !line.startsWith("SPOOLED")) {
                seen.append(line).append('\n');
            }
            assertThat(line).as("child output:%n%s", seen).isEqualTo("SPOOLED 50");
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, no flush
            assertThat(child.waitFor()).isEqualTo(137);
        }
        try (Spool spool = spool(spoolDir); EventPublisher back = new EventPublisher(fastFailing(stack.bootstrapServers()), spool, new Metrics())) {
            assertThat(spool.pendingEvents()).isEqualTo(50);
            assertThat(back.awaitDrained(Duration.ofSeconds(60))).isTrue();
        }
        final List<String> ids = consumeIds(stack, observer, 50);
        assertThat(Set.copyOf(ids)).isEqualTo(expectedIds(observer, 50));
        assertThat(ids).hasSize(50);
    }
}
