package dev.restoreguard.producers.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.approval.ApprovalEvent;
import dev.restoreguard.events.audit.AuditRecord;
import dev.restoreguard.events.restore.RestoreEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The producer side of the raw-kind scenarios: each line of the files under
 * {@code scenarios/} becomes exactly the envelopes a live collector would publish. The verdicts
 * ({@code expect}) are the engine's business and are checked by the replay tests in {@code streams}.
 */
class ScenarioFilesTest {

    private static List<ScenarioReader.Outcome> read(final String file) throws IOException {
        final ScenarioReader reader = new ScenarioReader();
        final List<ScenarioReader.Outcome> outcomes = new ArrayList<>();
        try (InputStream in = ScenarioFilesTest.class.getResourceAsStream("/scenarios/" + file)) {
            final String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            for (int i = 0; i < lines.length; i++) {
                outcomes.add(reader.read(i + 1, lines[i]));
            }
        }
        return outcomes;
    }

    private static Routed single(final ScenarioReader.Outcome o) {
        assertThat(o).as(o.toString()).isInstanceOf(ScenarioReader.Events.class);
        final List<Routed> events = ((ScenarioReader.Events) o).events();
        assertThat(events).hasSize(1);
        return events.get(0);
    }

    private static JsonNode expect(final String file) throws IOException {
        try (InputStream in = ScenarioFilesTest.class.getResourceAsStream("/scenarios/" + file)) {
            final String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            return Json.MAPPER.readTree(lines[lines.length - 1]);
        }
    }

    @Test
    void shouldMapTheVeeamSyslogIncidentToRestoreAndAuditEnvelopes() throws IOException {
        final String file = "20-veeam-syslog-hosts-override.jsonl";
        final List<ScenarioReader.Outcome> o = read(file);
        assertThat(o).hasSize(12);
        assertThat(o.get(0)).isInstanceOf(ScenarioReader.Ignored.class);

        final Routed started = single(o.get(6));
        assertThat(started.topic()).isEqualTo("restoreguard.restores");
        assertThat(started.key()).isEqualTo("vbr01.corp.example");
        assertThat(started.envelope().at()).isEqualTo(Instant.parse("2026-11-20T16:02:00.171367Z"));
        final RestoreEvent s = (RestoreEvent) started.envelope().payload();
        assertThat(s.state()).isEqualTo("started");
        assertThat(s.target()).isNull();
        assertThat(s.initiator()).isEqualTo("CORP\\jdoe");

        final Routed mount = single(o.get(7));
        assertThat(mount.topic()).isEqualTo("restoreguard.audit");
        assertThat(((AuditRecord) mount.envelope().payload()).fields()).containsEntry("Reason", "dev refresh");

        assertThat(o.get(8)).isInstanceOf(ScenarioReader.Skipped.class);
        assertThat(((ScenarioReader.Skipped) o.get(8)).reason()).contains("not Veeam syslog");

        final RestoreEvent task = (RestoreEvent) single(o.get(9)).envelope().payload();
        assertThat(task.state()).isEqualTo("running");
        assertThat(task.target()).isEqualTo("sql-dev-01");
        assertThat(task.sessionId()).isEqualTo(s.sessionId());

        final RestoreEvent finished = (RestoreEvent) single(o.get(10)).envelope().payload();
        assertThat(finished.state()).isEqualTo("finished");
        assertThat(finished.result()).isZero();
        assertThat(single(o.get(10)).key()).isEqualTo("vbr01.corp.example");

        assertThat(o.get(11)).isInstanceOf(ScenarioReader.Ignored.class);
        assertThat(expect(file).path("alerts").findValuesAsText("subject"))
                .contains("restore:veeam:" + s.sessionId());
    }

    @Test
    void shouldMapTheServiceNowApprovedRestoreToApprovalsAndRestores() throws IOException {
        final String file = "21-servicenow-approved-veeam-restore.jsonl";
        final List<ScenarioReader.Outcome> o = read(file);
        assertThat(o).hasSize(10);

        final Routed pending = single(o.get(4));
        assertThat(pending.topic()).isEqualTo("restoreguard.approvals");
        assertThat(pending.key()).isEqualTo("CHG0031337");
        assertThat(((ApprovalEvent) pending.envelope().payload()).state()).isEqualTo("pending");
        assertThat(pending.envelope().at()).isEqualTo(Instant.parse("2026-11-20T09:00:00Z"));

        final Routed approved = single(o.get(5));
        final ApprovalEvent a = (ApprovalEvent) approved.envelope().payload();
        assertThat(a.state()).isEqualTo("approved");
        assertThat(a.targets()).containsExactly("sql-prod-01");
        assertThat(a.window().start()).isEqualTo(Instant.parse("2026-11-21T10:00:00Z"));
        assertThat(a.window().end()).isEqualTo(Instant.parse("2026-11-21T12:00:00Z"));
        assertThat(approved.envelope().at()).isEqualTo(Instant.parse("2026-11-20T14:00:00Z"));

        final Routed started = single(o.get(6));
        assertThat(started.envelope().at()).isEqualTo(Instant.parse("2026-11-21T10:30:00Z"));
        assertThat(a.window().contains(started.envelope().at())).isTrue();
        assertThat(((RestoreEvent) single(o.get(7)).envelope().payload()).target()).isEqualTo("sql-prod-01");
        final RestoreEvent finished = (RestoreEvent) single(o.get(8)).envelope().payload();
        assertThat(finished.state()).isEqualTo("finished");
        assertThat(finished.result()).isEqualTo(1);
        assertThat(expect(file).path("alerts")).isEmpty();
    }
}
