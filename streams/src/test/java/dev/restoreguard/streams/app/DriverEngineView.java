package dev.restoreguard.streams.app;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Topics;
import dev.restoreguard.producers.scenario.Routed;
import dev.restoreguard.producers.scenario.ScenarioReader;
import dev.restoreguard.streams.TestBridge;
import dev.restoreguard.streams.state.HostsState;
import dev.restoreguard.streams.topology.CorrelationTopology;
import dev.restoreguard.streams.topology.StoreNames;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;
import org.apache.kafka.streams.test.TestRecord;

/**
 * An {@link EngineView} over the real topology in a {@link TopologyTestDriver}, fed with a scenario
 * through the collectors' parsing code: the HTTP API answers from the same stores as in the
 * engine, without a broker. The state is settable to exercise readiness and 503 answers.
 */
final class DriverEngineView implements EngineView, AutoCloseable {

    private final Path stateDir;
    private final TopologyTestDriver driver;
    private final Map<String, TestInputTopic<String, Envelope>> inputs = new HashMap<>();
    private volatile KafkaStreams.State state = KafkaStreams.State.RUNNING;
    private volatile RuntimeException hostsFailure;

    DriverEngineView() {
        try {
            stateDir = Files.createTempDirectory("restoreguard-http-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        final EngineConfig config = TestBridge.trusting(EngineConfig.defaults())
                .withApplication("restoreguard-http-test", stateDir, 0);
        final Properties props = config.streamsProperties();
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        driver = new TopologyTestDriver(CorrelationTopology.build(config), props);
        for (var topic : Topics.events()) {
            inputs.put(topic.name(), driver.createInputTopic(topic.name(), topic.keySerde().serializer(),
                    topic.valueSerde().serializer()));
        }
    }

    /** Feeds a scenario file from the test classpath, in arrival order. */
    DriverEngineView feedScenario(final String resource) {
        try (InputStream in = DriverEngineView.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + resource);
            }
            final ScenarioReader reader = TestBridge.reader();
            final String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            for (int i = 0; i < lines.length; i++) {
                if (reader.read(i + 1, lines[i]) instanceof ScenarioReader.Events events) {
                    for (Routed r : events.events()) {
                        inputs.get(r.topic()).pipeInput(new TestRecord<>(r.key(), r.envelope(), r.envelope().at()));
                    }
                }
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void state(final KafkaStreams.State newState) {
        this.state = newState;
    }

    void failHostsQueries(final RuntimeException failure) {
        this.hostsFailure = failure;
    }

    @Override
    public KafkaStreams.State state() {
        return state;
    }

    @Override
    public ReadOnlyKeyValueStore<String, String> referenceStore() {
        return driver.getKeyValueStore(StoreNames.REFERENCE);
    }

    @Override
    public Optional<HostsState> hostsAsOf(final String observer, final Instant at) {
        if (hostsFailure != null) {
            throw hostsFailure;
        }
        final VersionedKeyValueStore<String, HostsState> hosts = driver.getVersionedKeyValueStore(StoreNames.HOSTS);
        return Optional.ofNullable(hosts.get(observer, at.toEpochMilli())).map(VersionedRecord::value);
    }

    @Override
    public Map<MetricName, ? extends Metric> metrics() {
        return driver.metrics();
    }

    @Override
    public long threadReplacements() {
        return 2;
    }

    @Override
    public void close() {
        try {
            driver.close();
        } finally {
            try (Stream<Path> paths = Files.walk(stateDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temp directory left behind is harmless
            }
        }
    }
}
