package dev.restoreguard.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.restore.RestoreEvent;
import dev.restoreguard.streams.app.EngineConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which stores write a changelog: the judgment index only where a crash keeps local state. */
class JudgmentIndexLoggingTest {

    @TempDir
    Path state;

    @Test
    void shouldWriteNoChangelogForTheJudgmentIndexUnderExactlyOnce() {
        assertThat(changelogsWritten(EngineConfig.defaults()))
                .contains("rg-observer-judgments-changelog")
                .doesNotContain("rg-observer-judgments-by-time-changelog");
    }

    @Test
    void shouldLogTheJudgmentIndexUnderAtLeastOnce() {
        final EngineConfig atLeastOnce = EngineConfig.fromEnvironment(
                Map.of("RESTOREGUARD_ENGINE_PROCESSING_GUARANTEE", StreamsConfig.AT_LEAST_ONCE));

        assertThat(changelogsWritten(atLeastOnce))
                .contains("rg-observer-judgments-changelog", "rg-observer-judgments-by-time-changelog");
    }

    /** The changelog topics one judged restore writes to. */
    private Set<String> changelogsWritten(final EngineConfig base) {
        final EngineConfig config = base.withApplication("rg", state, 0);
        final Properties props = config.streamsProperties();
        try (TopologyTestDriver driver = new TopologyTestDriver(CorrelationTopology.build(config), props)) {
            final Instant at = Instant.parse("2026-11-20T16:00:00Z");
            final RestoreEvent restore = new RestoreEvent("veeam", "s1", "started", "sql-dev-01.corp.example", null,
                    null, null, null, null, null);
            driver.createInputTopic(Topics.RESTORES.name(), Topics.RESTORES.keySerde().serializer(),
                            Topics.RESTORES.valueSerde().serializer())
                    .pipeInput("vbr01.corp.example", Envelope.of("veeam-syslog", at, "vbr01.corp.example", restore), at);
            return driver.producedTopicNames();
        }
    }
}
