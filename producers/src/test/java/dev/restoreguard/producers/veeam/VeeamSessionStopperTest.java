package dev.restoreguard.producers.veeam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.Topics;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.events.alert.Severity;
import dev.restoreguard.events.audit.AuditRecord;
import dev.restoreguard.producers.runtime.Metrics;
import dev.restoreguard.producers.testing.ListSink;
import dev.restoreguard.producers.testing.VeeamRestDouble;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stop responder's decisions against {@link VeeamRestDouble} (Veeam's published REST v1 reference). */
class VeeamSessionStopperTest {

    private static final Instant NOW = Instant.parse("2026-11-20T17:00:00Z");
    private static final String OBSERVER = "vbr01.corp.example";

    @TempDir
    Path state;

    private VeeamRestDouble veeam;
    private final ListSink sink = new ListSink();
    private final Metrics metrics = new Metrics();

    @BeforeEach
    void start() throws Exception {
        veeam = new VeeamRestDouble();
    }

    @AfterEach
    void stop() {
        veeam.close();
    }

    private VeeamSessionStopper stopper() throws Exception {
        final VeeamSessionStopper s = new VeeamSessionStopper(VeeamRestCollectorTest.client(veeam, VeeamRestDouble.PASSWORD),
                OBSERVER, List.of("RG-001", "RG-002"), Map.of(), state, metrics, Clock.fixed(NOW, ZoneOffset.UTC));
        s.load(sink);
        return s;
    }

    static Alert alert(final String rule, final String status, final String product, final String session, final String observer) {
        final String subject = "restore:" + product + ":" + session;
        final String id = Alert.idOf(rule, subject);
        return new Alert(NOW, new Alert.Event("alert", List.of("configuration"), null, id, Severity.CRITICAL.ecsSeverity(), 99,
                null, null), new Alert.Rule(rule, "restore-into-production-unapproved", null, null),
                new Alert.Info(id, subject, Severity.CRITICAL, status, "restore into production without approval"),
                new Alert.Host(observer), new Alert.Related(null, null, null), "t", new Alert.Ecs(Alert.ECS_VERSION),
                new Alert.Fields(Map.of("product", product, "session_id", session, "observer", observer), null));
    }

    private List<AuditRecord> audits() {
        return sink.events().stream().filter(p -> p.topic().equals(Topics.AUDIT.name()))
                .map(p -> (AuditRecord) p.envelope().payload()).toList();
    }

    @Test
    void shouldStopARunningSessionOnceAndRecordIt() throws Exception {
        veeam.session("s-run", "RestoreVm", NOW.minusSeconds(60), "Working", null, "None", false);
        final VeeamSessionStopper stopper = stopper();
        assertThat(stopper.handle(alert("RG-001", "open", "veeam", "s-run", OBSERVER))).isEqualTo(VeeamSessionStopper.Outcome.REQUESTED);
        assertThat(veeam.requests).contains("POST /api/v1/sessions/s-run/stop");
        assertThat(stopper.handle(alert("RG-002", "open", "veeam", "s-run", OBSERVER))).isEqualTo(VeeamSessionStopper.Outcome.IGNORED);
        assertThat(stopper().handle(alert("RG-001", "open", "veeam", "s-run", OBSERVER))) // after a restart too
                .isEqualTo(VeeamSessionStopper.Outcome.IGNORED);
        assertThat(veeam.requests.stream().filter(r -> r.endsWith("/stop"))).hasSize(1);
        final AuditRecord a = audits().get(0);
        assertThat(a.action()).isEqualTo("veeam-session-stop-requested");
        assertThat(a.session()).isEqualTo("s-run");
        assertThat(a.fields()).containsEntry("rule_id", "RG-001").containsEntry("veeam_state_before", "Working")
                .containsEntry("http_status", "200").containsEntry("alert_id", Alert.idOf("RG-001", "restore:veeam:s-run"));
        assertThat(sink.events().get(0).key()).isEqualTo(OBSERVER);
        assertThat(metrics.value(VeeamSessionStopper.STOPS)).isEqualTo(1);
    }

    @Test
    void shouldLeaveAloneWhatIsNotARunningVeeamSessionOfThisServer() throws Exception {
        veeam.session("s-done", "RestoreVm", NOW.minusSeconds(600), "Stopped", NOW.minusSeconds(60), "Success", false);
        veeam.session("s-run", "RestoreVm", NOW.minusSeconds(60), "Working", null, "None", false);
        final VeeamSessionStopper stopper = stopper();
        assertThat(stopper.handle(alert("RG-003", "open", "veeam", "s-run", OBSERVER))).isEqualTo(VeeamSessionStopper.Outcome.IGNORED);
        assertThat(stopper.handle(alert("RG-001", "retracted", "veeam", "s-run", OBSERVER))).isEqualTo(VeeamSessionStopper.Outcome.IGNORED);
        assertThat(stopper.handle(alert("RG-001", "open", "script", "s-run", OBSERVER))).isEqualTo(VeeamSessionStopper.Outcome.IGNORED);
        assertThat(stopper.handle(alert("RG-001", "open", "veeam", "s-run", "vbr02.corp.example"))).isEqualTo(VeeamSessionStopper.Outcome.IGNORED);
        assertThat(stopper.handle(alert("RG-001", "open", "veeam", "s-done", OBSERVER))).isEqualTo(VeeamSessionStopper.Outcome.SKIPPED);
        assertThat(stopper.handle(alert("RG-001", "open", "veeam", "s-unknown", OBSERVER))).isEqualTo(VeeamSessionStopper.Outcome.SKIPPED);
        assertThat(veeam.requests).noneMatch(r -> r.endsWith("/stop"));
        assertThat(audits()).extracting(AuditRecord::action).containsExactly("veeam-session-stop-skipped", "veeam-session-stop-skipped");
        assertThat(audits().get(0).fields()).containsEntry("veeam_state_before", "Stopped");
    }

    @Test
    void shouldRecordAFailedStopAndTryAgainOnTheNextAlert() throws Exception {
        veeam.session("s-run", "RestoreVm", NOW.minusSeconds(60), "Working", null, "None", false);
        final VeeamSessionStopper stopper = new VeeamSessionStopper(VeeamRestCollectorTest.client(veeam, "wrong-password"),
                OBSERVER, List.of("RG-001"), Map.of(), state, metrics, Clock.fixed(NOW, ZoneOffset.UTC));
        stopper.load(sink);
        assertThat(stopper.handle(alert("RG-001", "open", "veeam", "s-run", OBSERVER))).isEqualTo(VeeamSessionStopper.Outcome.FAILED);
        assertThat(audits()).extracting(AuditRecord::action).containsExactly("veeam-session-stop-failed");
        assertThat(audits().get(0).fields()).containsEntry("http_status", "401");
        assertThat(stopper().handle(alert("RG-001", "open", "veeam", "s-run", OBSERVER))).isEqualTo(VeeamSessionStopper.Outcome.REQUESTED);
    }
}
