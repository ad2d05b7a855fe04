package dev.restoreguard.streams.replay;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.streams.app.EngineConfig;
import dev.restoreguard.streams.topology.CorrelationTopology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Runs the real correlation topology in-process (Kafka Streams' {@link TopologyTestDriver}): one
 * task, one stream time, records applied in the order they are sent. The order they are sent in
 * is the order they arrived in: each record's timestamp (its arrival, which a broker sets on
 * append) is its event time, or just after the previous record's when that is later, so a record
 * sent after a newer one is late by exactly as much as its event time says. Used by
 * {@code restoreguard replay} and by tests.
 *
 * <p>Reads nothing from Kafka; {@link #send} feeds the catalog's input topics, {@link #finalAlerts}
 * reads {@code restoreguard.alerts}.
 */
public final class ReplayDriver implements AutoCloseable {

    private final TopologyTestDriver driver;
    private final Path stateDir;
    private final Map<String, TestInputTopic<String, Envelope>> inputs = new HashMap<>();
    private final TestOutputTopic<String, Alert> alerts;
    private final Map<String, Alert> latest = new LinkedHashMap<>();
    private final List<Alert> published = new ArrayList<>();
    private long lastArrival = Long.MIN_VALUE;

    public ReplayDriver(final EngineConfig base) {
        try {
            this.stateDir = Files.createTempDirectory("restoreguard-replay");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a state directory for replay", e);
        }
        final EngineConfig config = base.withApplication("restoreguard-replay", stateDir, 0).withInMemoryState();
        final Properties props = config.streamsProperties();
        // one task in one JVM: exactly-once would add nothing but time
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        this.driver = new TopologyTestDriver(CorrelationTopology.build(config), props);
        for (var topic : List.of(Topics.HOSTS, Topics.RESTORES, Topics.DNS, Topics.APPROVALS, Topics.INVENTORY,
                Topics.AUDIT)) {
            inputs.put(topic.name(), driver.createInputTopic(topic.name(), topic.keySerde().serializer(),
                    topic.valueSerde().serializer()));
        }
        this.alerts = driver.createOutputTopic(Topics.ALERTS.name(), Serdes.String().deserializer(),
                Topics.ALERTS.valueSerde().deserializer());
    }

    /**
     * Sends one event to a catalog topic; it arrives after everything sent before it. Audit evidence
     * (such as a Veeam mount) is kept for timelines, not judged; of {@code restoreguard.audit} only
     * collector heartbeats count (RG-910, judged on the driver's wall clock).
     *
     * @return whether the engine reads the topic
     */
    public boolean send(final String topic, final String key, final Envelope event) {
        return send(topic, key, event, arrivalAfter(lastArrival, event));
    }

    /**
     * The arrival {@link #send(String, String, Envelope)} gives an event sent after one that
     * arrived at {@code previous} ({@link Long#MIN_VALUE}: none): its event time, or just after
     * {@code previous} when that is later.
     */
    public static long arrivalAfter(final long previous, final Envelope event) {
        return previous == Long.MIN_VALUE ? event.timestamp() : Math.max(previous + 1, event.timestamp());
    }

    /**
     * Sends one event that arrived at {@code arrival} (epoch milliseconds), which may be before
     * records already sent: what the engine sees when Kafka Streams reads a backlog's partitions
     * in another order than they were written.
     *
     * @return whether the engine reads the topic
     */
    public boolean send(final String topic, final String key, final Envelope event, final long arrival) {
        final TestInputTopic<String, Envelope> input = inputs.get(topic);
        if (input == null) {
            if (Topics.events().stream().anyMatch(t -> t.name().equals(topic))) {
                return false;
            }
            throw new IllegalArgumentException("not an event topic of the catalog: " + topic);
        }
        input.pipeInput(new TestRecord<>(key, event, Instant.ofEpochMilli(arrival)));
        lastArrival = Math.max(lastArrival, arrival);
        drain();
        return true;
    }

    /** Sends raw bytes to a topic, as a broken or hostile producer would. */
    public void sendRaw(final String topic, final byte[] key, final byte[] value, final long timestamp) {
        driver.createInputTopic(topic, Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer())
                .pipeInput(key, value, timestamp);
        drain();
    }

    /** Reads what the topology has published so far (every record is processed when it is sent). */
    public void settle() {
        drain();
    }

    private void drain() {
        for (TestRecord<String, Alert> record : alerts.readRecordsToList()) {
            published.add(record.value());
            latest.put(record.key(), record.value());
        }
    }

    /** A key-value store of the topology, for tests and diagnostics. */
    public <K, V> org.apache.kafka.streams.state.KeyValueStore<K, V> keyValueStore(final String name) {
        return driver.getKeyValueStore(name);
    }

    /** Advances the driver's wall clock (punctuations: journal polling, state expiry). */
    public void advanceWallClock(final Duration by) {
        driver.advanceWallClockTime(by);
        drain();
    }

    /** Every alert version published so far, in order. */
    public List<Alert> publishedAlerts() {
        drain();
        return List.copyOf(published);
    }

    /** The final version of every alert, in the order alerts first appeared. */
    public List<Alert> finalAlerts() {
        settle();
        return List.copyOf(latest.values());
    }

    @Override
    public void close() {
        try {
            driver.close();
        } finally {
            deleteRecursively(stateDir);
        }
    }

    private static void deleteRecursively(final Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temp directory left behind is harmless
        }
    }
}
