package dev.restoreguard.streams.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.Topics;
import dev.restoreguard.streams.topology.CorrelationTopology;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class CorrelationAppTest {

    @Test
    void shouldRequireEveryCatalogTopicTheTopologyReadsOrWrites() {
        final Set<String> required = CorrelationApp.requiredTopics(CorrelationTopology.build(EngineConfig.defaults()));

        assertThat(required).containsExactlyInAnyOrder(Topics.HOSTS.name(), Topics.RESTORES.name(),
                Topics.DNS.name(), Topics.APPROVALS.name(), Topics.INVENTORY.name(), Topics.ENGINE_REFERENCE.name(),
                Topics.AUDIT.name(), Topics.ALERTS.name(), Topics.DLQ.name());
    }

    @Test
    void shouldNameEveryMissingTopicAndSayHowToCreateThem() {
        assertThat(CorrelationApp.describeMissing(new TreeSet<>(Set.of("restoreguard.restores")), "127.0.0.1:9092",
                Duration.ofSeconds(60)))
                .startsWith("topic restoreguard.restores does not exist on 127.0.0.1:9092 (waited 60 s)")
                .contains("./restoreguard stack up");
        assertThat(CorrelationApp.describeMissing(new TreeSet<>(Set.of("a.b", "c.d")), "k:1", Duration.ZERO))
                .startsWith("topics a.b, c.d do not exist");
    }

    @Test
    void shouldReportCreatedBeforeStartAndNoHttpPort() {
        final CorrelationApp app = new CorrelationApp(EngineConfig.defaults());

        assertThat(app.state().name()).isEqualTo("CREATED");
        assertThat(app.httpPort()).isEqualTo(-1);
        app.close();
    }
}
