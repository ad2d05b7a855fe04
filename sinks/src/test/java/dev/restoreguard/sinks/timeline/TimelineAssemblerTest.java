package dev.restoreguard.sinks.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.sinks.timeline.Timeline.Entry;
import dev.restoreguard.sinks.timeline.Timeline.Kind;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimelineAssemblerTest {

    private final IncidentFixture incident = new IncidentFixture();
    private final String rg001 = incident.alert("RG-001").alert().id();

    @Test
    void shouldOrderByEventTimeWithEachAlertAfterWhatItJudged() {
        final Timeline timeline = incident.timeline(TimelineScope.alert(rg001));

        assertThat(timeline.entries()).extracting(e -> e.kind() + (e.rule() == null ? "" : " " + e.rule())).containsExactly(
                "INVENTORY", "DNS", "HOSTS_FILE", "HOSTS_FILE", "ALERT RG-003", "RESTORE", "ALERT RG-001", "ALERT RG-002",
                "RESTORE");
        assertThat(timeline.entries()).extracting(Entry::at).isSorted();
        assertThat(timeline.title()).isEqualTo("Alert RG-001 restore-into-production-unapproved on vbr01.corp.example");
    }

    @Test
    void shouldCollapseDuplicateDocumentsOnEventIdAndAlertVersion() {
        final Timeline timeline = incident.timeline(TimelineScope.alert(rg001));

        // six events and three alert versions, each indexed twice
        assertThat(incident.eventDocs()).hasSize(12);
        assertThat(incident.alertDocs()).hasSize(6);
        assertThat(timeline.entries()).hasSize(9);
        assertThat(timeline.entries()).extracting(Entry::id).doesNotHaveDuplicates();
        assertThat(timeline.summary().get(0)).isEqualTo("3 alerts (3 open), 6 events.");
    }

    @Test
    void shouldKeepEveryAlertVersionInTheOrderWrittenAndReportTheLatest() {
        final var docs = new java.util.ArrayList<>(incident.alertDocs());
        final var retracted = new dev.restoreguard.sinks.elasticsearch.EcsDocuments("default")
                .alert(incident.alert("RG-002").withStatus("retracted"), IncidentFixture.at("16:45:00"));
        docs.add(retracted);
        final var first = incident.alert("RG-001");
        final var evidence = new java.util.LinkedHashMap<>(first.restoreguard().evidence());
        evidence.put("revised", true);
        docs.add(new dev.restoreguard.sinks.elasticsearch.EcsDocuments("default").alert(new dev.restoreguard.events.alert.Alert(
                first.timestamp(), first.event(), first.rule(), first.alert(), first.host(), first.related(), first.message(),
                first.ecs(), new dev.restoreguard.events.alert.Alert.Fields(evidence, first.restoreguard().late())),
                IncidentFixture.at("16:40:00")));
        final Timeline timeline = TimelineAssembler.assemble(TimelineScope.alert(rg001), IncidentFixture.at("08:00:00"),
                IncidentFixture.at("17:00:00"), IncidentFixture.at("18:00:00"), incident.eventDocs(), docs, incident.previous(),
                List.of());

        assertThat(timeline.entries()).filteredOn(e -> "RG-002".equals(e.rule())).extracting(Entry::status)
                .containsExactly("open", "retracted");
        assertThat(timeline.entries()).filteredOn(e -> "RG-001".equals(e.rule())).extracting(e -> e.version() + " " + e.title())
                .containsExactly(
                        "1 RG-001 restore-into-production-unapproved (critical, open): restore:veeam:" + IncidentFixture.SESSION,
                        "2 RG-001 restore-into-production-unapproved (critical, open, version 2: evidence updated): "
                                + "restore:veeam:" + IncidentFixture.SESSION);
        assertThat(timeline.summary()).contains("3 alerts (2 open), 6 events.");
    }

    @Test
    void shouldSpellOutWhyTheRestoreLandedInProduction() {
        final Timeline timeline = incident.timeline(TimelineScope.alert(rg001));
        final Entry alert = timeline.entries().stream().filter(e -> "RG-001".equals(e.rule())).findFirst().orElseThrow();

        assertThat(alert.because()).contains(
                "sql-dev-01.corp.example resolved to 10.20.1.15 (production) because of line 8 of vbr01's hosts file, "
                        + "added 21 minutes earlier by CORP\\jdoe.",
                "CORP\\jdoe meant sql-dev-01.corp.example (development, asset:sql-dev-01.corp.example); the restore really "
                        + "reached 10.20.1.15 (production), asset:sql-prod-01.corp.example.",
                "No change request named sql-dev-01.corp.example or 10.20.1.15 at 2026-11-20 16:02:00Z: nothing approved this restore.",
                "The task finished at 2026-11-20 16:19:30Z on target sql-dev-01.");
        assertThat(alert.causedBy()).containsExactly(incident.edit.eventId(), incident.started.eventId(), incident.finished.eventId());
        assertThat(timeline.summary()).contains(alert.because().get(0));
        assertThat(timeline.summary()).contains("Who: CORP\\dnsadmin (changed DNS); CORP\\jdoe (changed the hosts file of "
                + "vbr01.corp.example, started the restore).");
    }

    @Test
    void shouldNameTheHostsFileWriterAndNeverGuessOne() {
        final Timeline timeline = incident.timeline(TimelineScope.alert(incident.alert("RG-003").alert().id()));
        final Entry rg003 = timeline.entries().stream().filter(e -> "RG-003".equals(e.rule())).findFirst().orElseThrow();
        assertThat(rg003.because()).containsExactly("Line 8 of vbr01's hosts file (" + IncidentFixture.PATH
                + "), seen at 2026-11-20 15:41:00Z and written by CORP\\jdoe, sends sql-dev-01.corp.example (development) "
                + "to 10.20.1.15 (production).");
        assertThat(Phrases.writer("unknown")).isEqualTo("an unknown writer (no audit record)");
        assertThat(Phrases.writer("user=jdoe auid=1000 uid=0 exe=/usr/bin/vim comm=vim pid=42 at=2026-11-20T15:41:00Z"))
                .isEqualTo("jdoe (/usr/bin/vim)");
        assertThat(Phrases.writer("user=(no login session) auid=4294967295 uid=0 exe=/usr/bin/sed at=x"))
                .isEqualTo("(no login session) (/usr/bin/sed)");
    }

    @Test
    void shouldBuildTheEvidenceTablesFromTheAlerts() {
        final Timeline timeline = incident.timeline(TimelineScope.alert(rg001));

        assertThat(timeline.targets()).singleElement().satisfies(t -> {
            assertThat(t.rules()).isEqualTo("RG-001, RG-002");
            assertThat(t.effectiveIp()).isEqualTo("10.20.1.15");
            assertThat(t.via()).isEqualTo("hosts line 8 of " + IncidentFixture.PATH + " (10.20.1.15)");
        });
        assertThat(timeline.approvals()).singleElement().satisfies(a -> {
            assertThat(a.state()).isEqualTo("none");
            assertThat(a.covers()).isFalse();
        });
    }

    @Test
    void shouldDiffTheHostsFileAgainstItsPreviousSnapshot() {
        final Timeline timeline = incident.timeline(TimelineScope.alert(rg001));

        assertThat(timeline.hostsDiffs()).singleElement().satisfies(d -> {
            assertThat(d.before()).isEqualTo(IncidentFixture.at("09:00:00"));
            assertThat(d.writer()).isEqualTo("CORP\\jdoe");
            assertThat(d.lines()).filteredOn(l -> l.op() == '+' || l.op() == '-').singleElement().satisfies(l -> {
                assertThat(l.op()).isEqualTo('+');
                assertThat(l.after()).isEqualTo(8);
                assertThat(l.text()).startsWith("10.20.1.15\tsql-dev-01.corp.example sql-dev-01");
            });
            assertThat(d.changes()).containsExactly("sql-dev-01.corp.example → 10.20.1.15 (line 8, added)");
        });
        assertThat(timeline.notes()).isEmpty();
    }

    @Test
    void shouldFallBackToTheChangedEntriesWhenThePreviousSnapshotIsMissing() {
        final Timeline timeline = TimelineAssembler.assemble(TimelineScope.alert(rg001), IncidentFixture.at("08:00:00"),
                IncidentFixture.at("17:00:00"), IncidentFixture.at("18:00:00"), incident.eventDocs(), incident.alertDocs(),
                java.util.Map.of(), List.of());

        assertThat(timeline.hostsDiffs().get(0).lines()).extracting(l -> l.op() + " " + l.text())
                .containsExactly("+ 10.20.1.15 sql-dev-01.corp.example");
        assertThat(timeline.notes()).singleElement().asString().contains("previous snapshot is not in Elasticsearch");
    }

    @Test
    void shouldKeepOnlyTheAskedWindow() {
        final Timeline timeline = incident.timeline(TimelineScope.host(IncidentFixture.OBSERVER,
                IncidentFixture.at("15:00:00"), IncidentFixture.at("16:10:00")));

        assertThat(timeline.entries()).extracting(Entry::kind)
                .containsExactly(Kind.HOSTS_FILE, Kind.ALERT, Kind.RESTORE, Kind.ALERT, Kind.ALERT);
    }

    @Test
    void shouldDiffLinesWithContext() {
        final String before = String.join("\n", List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j")) + "\n";
        final String after = before.replace("b\n", "").replace("i\n", "i\nI\n");

        assertThat(HostsFileDiff.diff(before, after)).extracting(l -> l.op() + l.text())
                .containsExactly(" a", "-b", " c", " d", " e", "~…", " g", " h", " i", "+I", " j");
        assertThat(HostsFileDiff.diff("x\r\ny\r\n", "x\r\nz\r\n")).extracting(l -> l.op() + l.text())
                .containsExactly(" x", "-y", "+z");
    }

    @Test
    void shouldPhraseDurationsForPeople() {
        assertThat(Phrases.duration(Duration.ofSeconds(42))).isEqualTo("42 seconds");
        assertThat(Phrases.duration(Duration.ofMinutes(21))).isEqualTo("21 minutes");
        assertThat(Phrases.duration(Duration.ofMinutes(1))).isEqualTo("1 minute");
        assertThat(Phrases.duration(Duration.ofMinutes(192))).isEqualTo("3 hours 12 minutes");
        assertThat(Phrases.duration(Duration.ofDays(3))).isEqualTo("3 days");
        assertThat(Phrases.relative(IncidentFixture.at("16:10:00"), IncidentFixture.at("16:02:00"))).isEqualTo("8 minutes later");
        assertThat(Phrases.shortHost("vbr01.corp.example")).isEqualTo("vbr01");
        assertThat(Phrases.shortHost("10.20.1.15")).isEqualTo("10.20.1.15");
    }
}
