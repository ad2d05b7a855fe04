package dev.restoreguard.producers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.hosts.HostsSnapshot;
import dev.restoreguard.producers.hosts.HostsSnapshotter;
import dev.restoreguard.producers.testing.CollectorMain;
import dev.restoreguard.testkit.FaultSettings;
import dev.restoreguard.testkit.TestStack;
import dev.restoreguard.testkit.WithLocalStack;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
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
 * Issue 9, fault test 5: the hosts-file collector, as its own JVM ({@code restoreguard collect}'s
 * code path), is killed with SIGKILL {@link FaultSettings#collectorKills()} times (5 in CI, 20
 * with {@code -Psoak}) at random moments while the hosts file is being edited. Every restart must
 * open its spool (not corrupt) and drain it; in the end the topic must hold a snapshot of the
 * file's final content and every name ever written; re-sent snapshots carry the same event id,
 * and a change re-detected after a kill (published, then killed before its state was saved) is
 * counted: at most one per kill.
 */
@WithLocalStack
class CollectorCrashIT {

    private static final Logger LOGGER = LoggerFactory.getLogger(CollectorCrashIT.class);
    private static final Duration EDIT_PACE = Duration.ofMillis(150);

    @TempDir
    Path tmp;

    @Test
    void shouldLoseNoHostsFileChangeWhenTheCollectorIsKilledRepeatedlyDuringWrites(final TestStack stack) throws Exception {
        final int kills = FaultSettings.collectorKills();
        final String observer = "crash-" + UUID.randomUUID().toString().substring(0, 8) + ".corp.example";
        final Path hosts = tmp.resolve("hosts");
        Files.writeString(hosts, "127.0.0.1 localhost\n");
        final Path yaml = Files.writeString(tmp.resolve("restoreguard.yaml"), """
                kafka:
                  bootstrap_servers: %s
                collector:
                  observer: %s
                  state_dir: %s
                  health: {port: 0}
                  heartbeat_interval_seconds: 60
                collectors:
                  hosts_file: {paths: ['%s'], recheck_seconds: 1, debounce_ms: 20, audit_log: '%s'}
                """.formatted(stack.bootstrapServers(), observer, tmp.resolve("state"), hosts, tmp.resolve("no-audit.log")));

        // the editor: appends one line per step, rewriting the file in place as editors do
        final AtomicBoolean editing = new AtomicBoolean(true);
        final AtomicInteger lines = new AtomicInteger();
        final AtomicReference<Throwable> editorFailure = new AtomicReference<>();
        final StringBuilder content = new StringBuilder("127.0.0.1 localhost\n");
        final Thread editor = Thread.ofPlatform().name("hosts-editor").start(() -> {
            try {
                while (editing.get()) {
                    final int i = lines.getAndIncrement();
                    content.append("10.30.").append(i / 250).append('.').append(i % 250 + 1).append(" edit-").append(i)
                            .append(".it.example\n");
                    Files.writeString(hosts, content);
                    Thread.sleep(EDIT_PACE);
                }
            } catch (Throwable t) {
                editorFailure.set(t);
            }
        });

        final Random random = new Random(observer.hashCode());
        final List<Long> readyMillis = new ArrayList<>();
        try {
            for (int k = 0; k < kills; k++) {
                final Process child = startCollector(yaml, readyMillis);
                // killed at a random moment while edits keep coming: mid-check, mid-spool-append, mid-send
                Thread.sleep(random.nextInt(600)); // the kill's timing, not a wait for a result
                child.destroyForcibly();
                assertThat(child.waitFor()).as("exit status after SIGKILL").isEqualTo(137);
            }
        } finally {
            editing.set(false);
            editor.join();
        }
        assertThat(editorFailure.get()).isNull();
        final byte[] finalContent = Files.readAllBytes(hosts);
        final String finalSha = HostsSnapshotter.sha256(finalContent);

        // one more start: it must open the spool, send what is left and report the final file
        final Process last = startCollector(yaml, readyMillis);
        final List<Envelope> envelopes;
        try {
            envelopes = readUntil(stack, observer, list -> list.stream()
                    .anyMatch(e -> finalSha.equals(((HostsSnapshot) e.payload()).sha256())));
        } finally {
            last.destroyForcibly();
            last.waitFor();
        }

        final Set<String> ids = envelopes.stream().map(Envelope::eventId).collect(Collectors.toSet());
        final long sameIdResent = envelopes.size() - ids.size();
        // the same transition (before -> after) published under two ids: re-detected after a kill
        final Map<String, Long> transitions = envelopes.stream().collect(Collectors.toMap(Envelope::eventId, e -> e,
                        (a, b) -> a)).values().stream().map(e -> (HostsSnapshot) e.payload())
                .collect(Collectors.groupingBy(s -> (s.diff() == null ? "baseline" : s.diff().sha256Before()) + ">" + s.sha256(),
                        Collectors.counting()));
        final long redetected = transitions.values().stream().mapToLong(n -> n - 1).sum();
        final Set<String> namesSeen = new HashSet<>();
        envelopes.forEach(e -> ((HostsSnapshot) e.payload()).entries().forEach(en -> namesSeen.addAll(en.names())));
        final int written = lines.get();
        final long lost = java.util.stream.IntStream.range(0, written)
                .filter(i -> !namesSeen.contains("edit-" + i + ".it.example")).count();
        LOGGER.atInfo().addKeyValue("kills", kills).addKeyValue("lines_written", written)
                .addKeyValue("snapshots", envelopes.size()).addKeyValue("distinct_ids", ids.size())
                .addKeyValue("same_id_resent", sameIdResent).addKeyValue("redetected", redetected)
                .addKeyValue("lost_names", lost).addKeyValue("ready_ms", readyMillis).log("Collector crash");
        System.out.printf("FAULT collector-crash kills=%d edits=%d snapshots=%d distinct_ids=%d same_id_resent=%d "
                        + "redetected_under_new_id=%d lost=%d ready_ms=%s%n", kills, written, envelopes.size(), ids.size(),
                sameIdResent, redetected, lost, readyMillis);

        assertThat(readyMillis).as("every restart opened its spool and drained it").hasSize(kills + 1);
        assertThat(envelopes).as("a snapshot of the final content").anyMatch(e -> finalSha.equals(((HostsSnapshot) e.payload()).sha256()));
        assertThat(lost).as("names written but in no snapshot").isZero();
        assertThat(redetected).as("changes re-published under a new id (at most one per kill)").isLessThanOrEqualTo(kills);
    }

    /** Starts the collector JVM and waits for READY (spool opened, baseline or changes sent, spool drained). */
    private static Process startCollector(final Path yaml, final List<Long> readyMillis) throws Exception {
        final long started = System.nanoTime();
        final String javaCommand = ProcessHandle.current().info().command().orElse("java");
        final Process child = new ProcessBuilder(javaCommand, "-cp", System.getProperty("java.class.path"),
                CollectorMain.class.getName(), "hosts-file", yaml.toString()).redirectErrorStream(true).start();
        final BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        final StringBuilder seen = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null && !line.equals("READY")) {
            seen.append(line).append('\n');
        }
        assertThat(line).as("collector output:%n%s", seen).isEqualTo("READY");
        readyMillis.add(Duration.ofNanos(System.nanoTime() - started).toMillis());
        // keep the pipe drained so the child never blocks on a full stdout
        Thread.ofVirtual().start(() -> {
            try {
                while (out.readLine() != null) {
                    // discard
                }
            } catch (java.io.IOException e) {
                // the child was killed
            }
        });
        return child;
    }

    private static List<Envelope> readUntil(final TestStack stack, final String observer,
                                            final java.util.function.Predicate<List<Envelope>> done) throws Exception {
        final Map<String, Object> config = stack.kafkaConfig();
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        final List<Envelope> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            final List<TopicPartition> partitions = consumer.partitionsFor(Topics.HOSTS.name()).stream()
                    .map(p -> new TopicPartition(Topics.HOSTS.name(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            int quiet = 0;
            while (System.nanoTime() < deadline && (!done.test(out) || quiet < 3)) {
                final var records = consumer.poll(Duration.ofMillis(300));
                quiet = records.isEmpty() ? quiet + 1 : 0;
                for (ConsumerRecord<String, String> r : records) {
                    if (observer.equals(r.key())) {
                        out.add(Json.MAPPER.readValue(r.value(), Envelope.class));
                    }
                }
            }
        }
        return out;
    }
}
