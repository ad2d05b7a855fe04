package dev.restoreguard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Topic;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.dns.DnsRecordChange;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

class StreamsFloorBenchTest {

    private static Envelope change(final String name) {
        return Envelope.of("dns-zone", Instant.parse("2026-11-20T08:00:00Z"), "dc01.corp.example",
                new DnsRecordChange("corp.example", name, "A", "add", "10.20.1.15", "dc01.corp.example",
                        "CORP\\dnsadmin", null));
    }

    @Test
    void shouldStoreAndForwardEveryRecordOfEveryInputTopicTheEngineReads() {
        final Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "floor-test");
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        final List<Topic<String, Envelope>> inputs = List.of(Topics.HOSTS, Topics.DNS, Topics.RESTORES, Topics.APPROVALS);
        try (TopologyTestDriver driver = new TopologyTestDriver(StreamsFloorBench.topology(), properties)) {
            for (final Topic<String, Envelope> input : inputs) {
                driver.createInputTopic(input.name(), Serdes.String().serializer(), input.valueSerde().serializer())
                        .pipeInput("key-of-" + input.name(), change(input.name()));
            }
            final TestOutputTopic<String, Envelope> output = driver.createOutputTopic(StreamsFloorBench.OUTPUT,
                    Serdes.String().deserializer(), Topics.RESTORES.valueSerde().deserializer());
            assertThat(output.readKeyValuesToList()).hasSize(4).allSatisfy(kv ->
                    assertThat(kv.value).isEqualTo(change(kv.key.substring("key-of-".length()))));
            for (final Topic<String, Envelope> input : inputs) {
                final KeyValueStore<String, Envelope> store = driver.getKeyValueStore("floor-" + input.name());
                assertThat(store.get("key-of-" + input.name())).isEqualTo(change(input.name()));
            }
        }
    }
}
