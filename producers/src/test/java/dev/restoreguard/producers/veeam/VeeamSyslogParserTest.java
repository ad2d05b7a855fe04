package dev.restoreguard.producers.veeam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.Topics;
import dev.restoreguard.events.audit.AuditRecord;
import dev.restoreguard.events.restore.RestoreEvent;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Lines are modelled on Veeam's Event Reference (helpcenter.veeam.com/docs/vbr/events/, "Syslog
 * Message Example" of events 210/40210 Restore Session Started, 290/40290 Restore Session Finished,
 * 41500 Restore Point Mounted, 40800 Configuration Restore Session Finished with its
 * {@code UserFullInfo="<ModifiedUserInfo fullName="TECH\\user1" ... />"}) and on VBR's
 * "Syslog Event Forwarding" page (RFC 5424, APP-NAME Veeam_MP, [origin enterpriseId="31023"]).
 */
class VeeamSyslogParserTest {

    private static final String SESSION = "bc7a15bb-8be7-41a8-a308-c4f76b43a255";
    private final VeeamSyslogParser parser = new VeeamSyslogParser();

    private VeeamSyslogParser.Mapped mapped(final String line) {
        final VeeamSyslogParser.Result r = parser.parse(line);
        assertThat(r).as(r.toString()).isInstanceOf(VeeamSyslogParser.Mapped.class);
        return (VeeamSyslogParser.Mapped) r;
    }

    @Test
    void shouldMapRestoreSessionStartedWithOffsetTimestampToUtc() {
        final var m = mapped("<14>1 2026-11-20T17:02:00.171367+01:00 VBRSRV01 Veeam_MP - - [origin enterpriseId=\"31023\"] "
                + "[categoryId=0 instanceId=40210 JobSessionID=\"" + SESSION + "\" RestoreType=\"1\" "
                + "InitiatorName=\"CORP\\alice\" Platform=\"0\" TargetObjectID=\"00000000-0000-0000-0000-000000000000\" "
                + "ExtraData=\"Objects to restore: SQL-PROD-01\" SourceType=\"5\" VbrHostName=\"VBR01.corp.example\" "
                + "VbrVersion=\"12.3.1.1139\" Version=\"1\" Description=\"Restore session has been initiated by CORP\\alice\"]");
        assertThat(m.at()).isEqualTo(Instant.parse("2026-11-20T16:02:00.171367Z"));
        assertThat(m.observer()).isEqualTo("vbr01.corp.example");
        assertThat(m.key()).isEqualTo("vbr01.corp.example");
        assertThat(m.topic()).isEqualTo(Topics.RESTORES);
        final RestoreEvent e = (RestoreEvent) m.payload();
        assertThat(e.product()).isEqualTo("veeam");
        assertThat(e.sessionId()).isEqualTo(SESSION);
        assertThat(e.state()).isEqualTo("started");
        assertThat(e.target()).isNull();
        assertThat(e.initiator()).isEqualTo("CORP\\alice");
        assertThat(e.reason()).isEqualTo("Objects to restore: SQL-PROD-01");
    }

    @Test
    void shouldMapLegacyId210AndFallBackToSyslogHostname() {
        final var m = mapped("<14>1 2026-11-20T16:02:00Z VBR02.Corp.Example. Veeam_MP - - "
                + "[categoryId=0 instanceId=210 JobSessionID=\"s-210\" InitiatorName=\"CORP\\bob\"]");
        assertThat(m.observer()).isEqualTo("vbr02.corp.example");
        assertThat(((RestoreEvent) m.payload()).state()).isEqualTo("started");
    }

    @ParameterizedTest
    @ValueSource(ints = {250, 251})
    void shouldMapRestoreTaskFinishedToRunningWithTarget(final int id) {
        final var m = mapped("<14>1 2026-11-20T16:05:00.5Z VBRSRV01 Veeam_MP - - [origin enterpriseId=\"31023\"] "
                + "[categoryId=0 instanceId=" + id + " JobSessionID=\"" + SESSION + "\" ServerName=\"sql-prod-01\" "
                + "VmName=\"SQL-PROD-01\" Status=\"Success\" VbrHostName=\"vbr01.corp.example\"]");
        final RestoreEvent e = (RestoreEvent) m.payload();
        assertThat(e.sessionId()).isEqualTo(SESSION);
        assertThat(e.state()).isEqualTo("running");
        assertThat(e.target()).isEqualTo("sql-prod-01");
        assertThat(e.taskStatus()).isEqualTo("Success");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0:finished", "1:finished", "2:failed"})
    void shouldMapRestoreSessionFinishedByResult(final String resultAndState) {
        final String[] p = resultAndState.split(":");
        final var m = mapped("1 2025-11-20T14:00:56.171367+02:00 VBRSRV01 Veeam_MP - - [origin enterpriseId=\"31023\"] "
                + "[categoryId=0 instanceId=40290 JobSessionID=\"" + SESSION + "\" Result=\"" + p[0] + "\" SourceType=\"5\" "
                + "VbrHostName=\"vbrsrv01.tech.local\" VbrVersion=\"13.0.1.180\" Version=\"1\" "
                + "Description=\"The restore session has finished with Success state.\"]");
        final RestoreEvent e = (RestoreEvent) m.payload();
        assertThat(e.state()).isEqualTo(p[1]);
        assertThat(e.result()).isEqualTo(Integer.parseInt(p[0]));
        assertThat(m.at()).isEqualTo(Instant.parse("2025-11-20T12:00:56.171367Z"));
        assertThat(m.observer()).isEqualTo("vbrsrv01.tech.local");
    }

    @Test
    void shouldMapId290ToFinished() {
        final var m = mapped("<14>1 2026-11-20T16:09:00Z vbr01 Veeam_MP - - [categoryId=0 instanceId=290 JobSessionID=\"x\" Result=\"0\"]");
        assertThat(((RestoreEvent) m.payload()).state()).isEqualTo("finished");
    }

    @Test
    void shouldKeepMountAsAuditEvidence() {
        final String line = "<14>1 2026-11-20T16:03:00Z VBRSRV01 Veeam_MP - - [origin enterpriseId=\"31023\"] "
                + "[categoryId=0 instanceId=41500 UserName=\"CORP\\alice\" MountID=\"350dd3d8-5aca-4126-9bf1-ce5ff3c89021\" "
                + "RestorePointID=\"365c401e-a955-44ff-942c-9796e0974ae7\" Reason=\"CHG0031337 FLR\" ObjectName=\"SQL-PROD-01\" "
                + "RestorePointTIme=\"11/20/2026 08:59:48\" MountServer=\"MOUNT01\" VbrHostName=\"vbr01.corp.example\"]";
        final var m = mapped(line);
        assertThat(m.topic()).isEqualTo(Topics.AUDIT);
        final AuditRecord a = (AuditRecord) m.payload();
        assertThat(a.action()).isEqualTo("restore-point-mounted");
        assertThat(a.format()).isEqualTo("veeam_syslog");
        assertThat(a.fields()).containsEntry("Reason", "CHG0031337 FLR").containsEntry("MountServer", "MOUNT01")
                .containsEntry("UserName", "CORP\\alice");
        assertThat(a.raw()).isEqualTo(line);
    }

    @Test
    void shouldKeepOtherIdsAsUnmappedAuditEvents() {
        final var m = mapped("<14>1 2025-11-20T14:32:51.289460+02:00 VBRSRV01 Veeam_MP - - [origin enterpriseId=\"31023\"] "
                + "[categoryId=0 instanceId=110 JobSessionID=\"c0d93abe-3adf-4397-b762-351b73acf7e1\" JobType=\"0\" "
                + "VbrHostName=\"vbrsrv01.tech.local\" Description=\"Backup job 'VMware Production servers backup' has been "
                + "started by user TECH\\user1.\"]");
        final AuditRecord a = (AuditRecord) m.payload();
        assertThat(a.action()).isEqualTo("unmapped");
        assertThat(a.session()).isEqualTo("c0d93abe-3adf-4397-b762-351b73acf7e1");
        assertThat(m.instanceId()).isEqualTo(110);
        assertThat(a.fields()).containsEntry("Description",
                "Backup job 'VMware Production servers backup' has been started by user TECH\\user1.");
    }

    @Test
    void shouldReadQuotesInsideValuesAsVeeamSendsUserFullInfo() {
        final var m = mapped("1 2025-11-24T12:00:57.605759+00:00 VBRSRV01 Veeam_MP - - [origin enterpriseId=\"31023\"] "
                + "[categoryId=0 instanceId=40800 UserFullInfo=\"<ModifiedUserInfo fullName=\"TECH\\user1\" loginType=\"0\" />\" "
                + "VbrHostName=\"vbrsrv01.tech.local\" VbrVersion=\"13.0.1.180\" Version=\"1\" "
                + "Description=\"Configuration restore has been performed\"]");
        final AuditRecord a = (AuditRecord) m.payload();
        assertThat(a.fields()).containsEntry("UserFullInfo", "<ModifiedUserInfo fullName=\"TECH\\user1\" loginType=\"0\" />")
                .containsEntry("VbrHostName", "vbrsrv01.tech.local")
                .containsEntry("Description", "Configuration restore has been performed");
    }

    @Test
    void shouldTolerateBomSeverityTokenExtraSpacesAndEscapes() {
        final var m = mapped("\uFEFF<14>1  2026-11-20T16:02:00Z  VBR01.corp.example Veeam_MP - -  [INF] "
                + "[categoryId=0 instanceId=40210 JobSessionID=\"s1\" InitiatorName=\"CORP\\\\carol\" "
                + "ExtraData=\"a \\] b \\\"quoted\\\" C:\\Temp\\\"]   \uFEFFRestore session has been initiated");
        final RestoreEvent e = (RestoreEvent) m.payload();
        assertThat(e.initiator()).isEqualTo("CORP\\carol");
        assertThat(e.reason()).isEqualTo("a ] b \"quoted\" C:\\Temp\\");
    }

    @Test
    void shouldTolerateLatin1DecodedBomAndMissingPri() {
        final var m = mapped("\u00EF\u00BB\u00BF1 2026-11-20T16:02:00Z vbr01.corp.example Veeam_MP - - "
                + "[categoryId=0 instanceId=40210 JobSessionID=\"s1\"]");
        assertThat(((RestoreEvent) m.payload()).sessionId()).isEqualTo("s1");
    }

    @Test
    void shouldKeepWhatATruncatedDatagramCarries() {
        final var m = mapped("<14>1 2026-11-20T16:05:00Z vbr01 Veeam_MP - - [categoryId=0 instanceId=250 "
                + "JobSessionID=\"s9\" ServerName=\"sql-prod-01\" Status=\"Succ");
        assertThat(((RestoreEvent) m.payload()).target()).isEqualTo("sql-prod-01");
    }

    @Test
    void shouldProduceTheSameEventIdForTheSameLine() {
        final String line = "<14>1 2026-11-20T16:03:00Z vbr01 Veeam_MP - - [categoryId=0 instanceId=41500 MountServer=\"m\" Reason=\"r\" UserName=\"u\"]";
        assertThat(mapped(line).envelope("veeam-syslog").eventId())
                .isEqualTo(new VeeamSyslogParser().parse(line) instanceof VeeamSyslogParser.Mapped m2
                        ? m2.envelope("veeam-syslog").eventId() : null);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "hello world",
        "<13>Nov 20 16:02:00 vbr01 Veeam_MP: [categoryId=0 instanceId=40210]",
        "<14>1 2026-11-20T16:02:00Z vbr01 sshd 4242 - - Accepted publickey for root",
        "<14>1 2026-11-20T16:02:00Z vbr01 Veeam_MP - - - no structured data",
        "<14>1 2026-11-20T16:02:00Z vbr01 Veeam_MP - - [categoryId=0 JobSessionID=\"x\"]",
        "<14>1 2026-11-20T16:02:00Z vbr01 Veeam_MP - - [categoryId=0 instanceId=abc]",
        "<14>1 2026-11-20T16:02:00Z vbr01 Veeam_MP - - [categoryId=0 instanceId=40210]",
        "<14>1 2026-11-20T16:02:00Z vbr01 Veeam_MP - - [categoryId=0 instanceId=40290 JobSessionID=\"x\" Result=\"bad\"]",
        "<14>1 - vbr01 Veeam_MP - - [categoryId=0 instanceId=40210 JobSessionID=\"x\"]",
        "<14>1 yesterday vbr01 Veeam_MP - - [categoryId=0 instanceId=40210 JobSessionID=\"x\"]",
        "<14>1 2026-11-20T16:02:00Z - Veeam_MP - - [categoryId=0 instanceId=40210 JobSessionID=\"x\"]",
        "<999>1 2026-11-20T16:02:00Z vbr01 Veeam_MP - - [categoryId=0 instanceId=40210 JobSessionID=\"x\"]",
        "<14>1 2026-11-20T16:02:00Z vbr01 Veeam_MP - - [categoryId=0 instanceId=40210 garbage]",
        "<14>1 2026-11-20T16:02:00Z vbr01",
        "\uFEFF\uFEFF"
    })
    void shouldSkipMalformedOrForeignLinesWithAReason(final String line) {
        final VeeamSyslogParser.Result r = parser.parse(line);
        assertThat(r).isInstanceOf(VeeamSyslogParser.Skipped.class);
        assertThat(((VeeamSyslogParser.Skipped) r).reason()).isNotBlank();
    }

    @Test
    void shouldSkipNullLine() {
        assertThat(parser.parse(null)).isInstanceOf(VeeamSyslogParser.Skipped.class);
    }
}
