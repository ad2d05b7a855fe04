package dev.restoreguard.producers.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.Topics;
import dev.restoreguard.events.restore.RestoreEvent;
import dev.restoreguard.producers.runtime.Metrics;
import dev.restoreguard.producers.testing.ListSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Log lines follow the formats cited in {@link PgBackRestLogParserTest}. */
class PgBackRestLogCollectorTest {

    private static final String OBSERVER = "pg-prod-01.corp.example";
    private static final String BEGIN = "2026-11-20 17:02:00.184 P00   INFO: restore command begin 2.53.1: --delta "
            + "--exec-id=1175966-3f054b2a --pg1-path=/var/lib/postgresql/17/main --stanza=main --type=time "
            + "--target=\"2026-11-20 16:00:00+01\"\n";
    private static final String OK_END = "2026-11-20 17:03:10.022 P00   INFO: restore command end: completed successfully (70838ms)\n";

    @TempDir
    Path tmp;

    private final ListSink sink = new ListSink();
    private final Metrics metrics = new Metrics();

    private PgBackRestLogCollector start(final Path log, final String target) throws Exception {
        final PgBackRestLogCollector c = new PgBackRestLogCollector(OBSERVER, List.of(log), target, ZoneId.of("Europe/Berlin"),
                Duration.ofHours(1), tmp.resolve("state"), metrics);
        c.start(sink);
        return c;
    }

    private List<RestoreEvent> restores() {
        return sink.events().stream().map(p -> (RestoreEvent) p.envelope().payload()).toList();
    }

    private static void append(final Path file, final String text) throws Exception {
        Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void shouldMapASuccessfulRestoreToStartedAndFinished() throws Exception {
        final Path log = tmp.resolve("main-restore.log");
        append(log, "-------------------PROCESS START-------------------\n" + BEGIN
                + "2026-11-20 17:02:01.000 P00   INFO: repo1: restore backup set 20261120-010000F\n" + OK_END);
        try (PgBackRestLogCollector c = start(log, null)) {
            assertThat(sink.events()).hasSize(2);
            assertThat(sink.events()).allSatisfy(p -> {
                assertThat(p.topic()).isEqualTo(Topics.RESTORES.name());
                assertThat(p.key()).isEqualTo(OBSERVER);
                assertThat(p.envelope().observer()).isEqualTo(OBSERVER);
                assertThat(p.envelope().source()).isEqualTo("pgbackrest");
            });
            assertThat(restores()).containsExactly(
                    new RestoreEvent("pgbackrest", "1175966-3f054b2a", "started", OBSERVER, null, "main", null,
                            "type=time target=2026-11-20 16:00:00+01", null, null),
                    new RestoreEvent("pgbackrest", "1175966-3f054b2a", "finished", OBSERVER, null, "main", null,
                            "type=time target=2026-11-20 16:00:00+01", "completed successfully", null));
            // the log's local time (Europe/Berlin, UTC+1 in November) becomes UTC
            assertThat(sink.events().get(0).envelope().at()).isEqualTo(Instant.parse("2026-11-20T16:02:00.184Z"));
        }
    }

    @Test
    void shouldMapAnAbortedRestoreToFailedWithItsErrorAndDeriveASessionWithoutExecId() throws Exception {
        final Path log = tmp.resolve("main-restore.log");
        append(log, "2026-11-20 17:02:00.184 P00   INFO: restore command begin 2.20: --pg1-path=/pg --stanza=main\n"
                + "2026-11-20 17:02:00.500 P00  ERROR: [038]: unable to restore while PostgreSQL is running\n"
                + "2026-11-20 17:02:00.501 P00   INFO: restore command end: aborted with exception [038]\n");
        try (PgBackRestLogCollector c = start(log, "PG-DEV-02.corp.example")) {
            assertThat(restores()).extracting(RestoreEvent::state).containsExactly("started", "failed");
            assertThat(restores()).extracting(RestoreEvent::sessionId).containsOnly("main-20261120T170200.184");
            assertThat(restores()).extracting(RestoreEvent::target).containsOnly("pg-dev-02.corp.example");
            assertThat(restores().get(1).taskStatus())
                    .isEqualTo("aborted with exception [038]: [038]: unable to restore while PostgreSQL is running");
        }
    }

    @Test
    void shouldCloseTheRightSessionAfterARestartBetweenBeginAndEnd() throws Exception {
        final Path log = tmp.resolve("main-restore.log");
        append(log, BEGIN);
        try (PgBackRestLogCollector c = start(log, null)) {
            assertThat(restores()).extracting(RestoreEvent::state).containsExactly("started");
        }
        append(log, OK_END);
        try (PgBackRestLogCollector c = start(log, null)) {
            assertThat(restores()).extracting(RestoreEvent::state).containsExactly("started", "finished");
            assertThat(restores()).extracting(RestoreEvent::sessionId).containsOnly("1175966-3f054b2a");
        }
        try (PgBackRestLogCollector c = start(log, null)) {
            assertThat(restores()).as("nothing read twice").hasSize(2);
        }
    }

    @Test
    void shouldFinishARotatedFileAndFollowTheNewOneAndRereadATruncatedOne() throws Exception {
        final Path log = tmp.resolve("main-restore.log");
        append(log, "partial line without newline yet");
        try (PgBackRestLogCollector c = start(log, null)) {
            assertThat(sink.events()).isEmpty();
            Files.writeString(log, "");
            append(log, BEGIN);
            c.followNow();
            assertThat(restores()).extracting(RestoreEvent::state).as("truncated: read again from the start").containsExactly("started");
            append(log, OK_END.replace("17:03:10.022", "17:03:10.000")); // written just before logrotate renames
            Files.move(log, tmp.resolve("main-restore.log.1"));
            append(log, BEGIN.replace("17:02:00.184", "18:00:00.000").replace("1175966-3f054b2a", "2000-aaaabbbb"));
            c.followNow();
            assertThat(restores()).extracting(RestoreEvent::state).containsExactly("started", "finished", "started");
            assertThat(restores()).extracting(RestoreEvent::sessionId)
                    .containsExactly("1175966-3f054b2a", "1175966-3f054b2a", "2000-aaaabbbb");
        }
    }

    @Test
    void shouldOfferARefusedLineAgainAndSkipAnEndWithoutBegin() throws Exception {
        final Path log = tmp.resolve("main-restore.log");
        append(log, OK_END);
        sink.refuse(true);
        try (PgBackRestLogCollector c = start(log, null)) {
            assertThat(metrics.skippedCount("pgbackrest-end-without-begin")).isEqualTo(1);
            append(log, BEGIN);
            c.followNow();
            assertThat(sink.events()).isEmpty();
            sink.refuse(false);
            c.followNow();
            assertThat(restores()).extracting(RestoreEvent::state).containsExactly("started");
        }
    }
}
