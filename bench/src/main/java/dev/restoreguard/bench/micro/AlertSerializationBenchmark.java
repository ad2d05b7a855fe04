package dev.restoreguard.bench.micro;

import dev.restoreguard.bench.MixedStream;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.producers.scenario.Routed;
import dev.restoreguard.streams.app.EngineConfig;
import dev.restoreguard.streams.replay.ReplayDriver;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Alert documents to and from the bytes of {@code restoreguard.alerts} with the topic's serde (the
 * shared mapper). The alert is a real one: the engine's verdict on the mixed stream, via replay.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AlertSerializationBenchmark {

    private Alert alert;
    private byte[] bytes;
    private Serializer<Alert> serializer;
    private Deserializer<Alert> deserializer;

    @Setup
    public void setUp() {
        final List<Routed> input = MixedStream.generate(2_000, 100, 2_000, 42L);
        try (ReplayDriver driver = new ReplayDriver(EngineConfig.fromEnvironment(Map.of()).withTrustedKeys(MixedStream.trustedKeys()))) {
            for (final Routed r : input) {
                driver.send(r.topic(), r.key(), r.envelope());
                if (!driver.publishedAlerts().isEmpty()) {
                    break;
                }
            }
            alert = driver.publishedAlerts().stream().findFirst()
                    .orElseThrow(() -> new IllegalStateException("the mixed stream raised no alert"));
        }
        serializer = Topics.ALERTS.valueSerde().serializer();
        deserializer = Topics.ALERTS.valueSerde().deserializer();
        bytes = serializer.serialize(Topics.ALERTS.name(), alert);
    }

    @Benchmark
    public byte[] serialize() {
        return serializer.serialize(Topics.ALERTS.name(), alert);
    }

    @Benchmark
    public Alert deserialize() {
        return deserializer.deserialize(Topics.ALERTS.name(), bytes);
    }
}
