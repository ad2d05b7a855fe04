package dev.restoreguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.restoreguard.events.Topics;
import dev.restoreguard.events.restore.RestoreEvent;
import dev.restoreguard.producers.scenario.Routed;
import dev.restoreguard.producers.scenario.ScenarioReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoIncidentTest {

    private static final String SESSION = "8c0e7a4e-1f3b-4d8e-9a51-0c2f7d1e6b90";

    @Test
    void shouldStartTheSandboxWithTheScenariosFirstHostsFile() throws IOException {
        final Map<String, String> initial = DemoIncident.seed("-r1").initialHostsFiles();

        assertThat(initial).containsOnlyKeys("vbr01.corp.example");
        assertThat(initial.get("vbr01.corp.example")).contains("This is a sample HOSTS file").doesNotContain("sql-dev-01");
    }

    @Test
    void shouldGiveRestoreSubjectsTheRunsSessionSuffixOnly() throws IOException {
        assertThat(DemoIncident.seed("-r1").expected()).containsExactly(
                new DemoIncident.Expected("RG-003", "hosts:vbr01.corp.example:sql-dev-01.corp.example:10.20.1.15", "high"),
                new DemoIncident.Expected("RG-001", "restore:veeam:" + SESSION + "-r1", "critical"),
                new DemoIncident.Expected("RG-002", "restore:veeam:" + SESSION + "-r1", "critical"));
    }

    @Test
    void shouldEditTheSandboxFileAndPublishEveryOtherRecordNowWithTheRunsSession(@TempDir final Path dir) throws Exception {
        final DemoIncident incident = DemoIncident.seed("-r1");
        final Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, incident.initialHostsFiles().get("vbr01.corp.example"), StandardCharsets.UTF_8);
        incident.sandbox("vbr01.corp.example", hosts);
        final List<Routed> published = new ArrayList<>();
        final List<String> snapshotsAwaited = new ArrayList<>();
        final List<String> narration = new ArrayList<>();
        final Instant before = Instant.now().minusMillis(1);

        final int count = incident.play(new ScenarioReader(), new DemoIncident.Stage() {
            @Override
            public void publish(final Routed event) {
                published.add(event);
            }

            @Override
            public void awaitHostsSnapshot(final String observer) {
                snapshotsAwaited.add(observer);
            }
        }, Duration.ZERO, narration::add);

        // the first hosts record equals the sandbox's start: no edit; the second one is the override
        assertThat(snapshotsAwaited).containsExactly("vbr01.corp.example");
        assertThat(Files.readString(hosts, StandardCharsets.UTF_8)).contains("10.20.1.15\tsql-dev-01.corp.example sql-dev-01");
        assertThat(narration).anyMatch(l -> l.contains("+ 10.20.1.15\tsql-dev-01.corp.example"));
        assertThat(published).extracting(Routed::topic).containsExactly(Topics.INVENTORY.name(), Topics.DNS.name(),
                Topics.DNS.name(), Topics.RESTORES.name(), Topics.RESTORES.name());
        assertThat(count).isEqualTo(published.size() + 1);
        assertThat(published).allSatisfy(r -> assertThat(r.envelope().at()).isAfter(before));
        assertThat(published.stream().filter(r -> r.envelope().payload() instanceof RestoreEvent)
                .map(r -> ((RestoreEvent) r.envelope().payload()).sessionId())).containsOnly(SESSION + "-r1");
    }

    @Test
    void shouldNameTheLineThatIsNotJson() {
        assertThatThrownBy(() -> DemoIncident.parse("{\"kind\":\"scenario\"}\nnot json\n", "-r1"))
                .isInstanceOf(IOException.class).hasMessageContaining("line 2");
    }
}
