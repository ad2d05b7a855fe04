package dev.restoreguard.producers.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

/**
 * Line formats as pgBackRest writes them, taken from logs users posted to the project:
 * <ul>
 *   <li>restore begin (2.53.1): https://github.com/pgbackrest/pgbackrest/issues/2514</li>
 *   <li>{@code -------------------PROCESS START-------------------} and a begin with {@code --exec-id}
 *       (2.37): https://github.com/pgbackrest/pgbackrest/issues/1641</li>
 *   <li>{@code command end: aborted with exception [134]}: https://github.com/pgbackrest/pgbackrest/issues/364</li>
 *   <li>{@code command end: completed successfully (40790ms)} and a begin with a parameter list
 *       (archive-get 2.08): https://github.com/pgbackrest/pgbackrest/issues/665</li>
 * </ul>
 */
class PgBackRestLogParserTest {

    private final PgBackRestLogParser parser = new PgBackRestLogParser();

    @Test
    void shouldReadARestoreBeginWithItsOptions() {
        final var line = parser.parse("2024-12-31 15:56:49.184 P00   INFO: restore command begin 2.53.1: "
                + "--config=/etc/pgbackrest.d/pgbackrest.conf --delta --exec-id=1175966-3f054b2a "
                + "--lock-path=/home/postgres/.pgbackrestlock --log-level-console=info --log-subprocess "
                + "--pg1-path=/pgsqldata/b2/pg_data --set=20241231-115238F --stanza=b2 --type=immediate");

        assertThat(line).isInstanceOf(PgBackRestLogParser.CommandBegin.class);
        final var begin = (PgBackRestLogParser.CommandBegin) line;
        assertThat(begin.at()).isEqualTo(LocalDateTime.parse("2024-12-31T15:56:49.184"));
        assertThat(begin.command()).isEqualTo("restore");
        assertThat(begin.version()).isEqualTo("2.53.1");
        assertThat(begin.options()).containsEntry("exec-id", "1175966-3f054b2a").containsEntry("stanza", "b2")
                .containsEntry("delta", "").containsEntry("set", "20241231-115238F").containsEntry("type", "immediate");
    }

    @Test
    void shouldReadEndsErrorsAndOtherCommands() {
        assertThat(parser.parse("2019-02-05 12:29:21.142 P00   INFO: archive-get command end: completed successfully (40790ms)"))
                .isEqualTo(new PgBackRestLogParser.CommandEnd(LocalDateTime.parse("2019-02-05T12:29:21.142"), "archive-get", true, null));
        assertThat(parser.parse("2017-05-31 19:11:04.043 P00   INFO: restore command end: aborted with exception [134]"))
                .isEqualTo(new PgBackRestLogParser.CommandEnd(LocalDateTime.parse("2017-05-31T19:11:04.043"), "restore", false, 134));
        assertThat(parser.parse("2024-12-31 15:56:49.500 P00  ERROR: [038]: unable to restore while PostgreSQL is running"))
                .isEqualTo(new PgBackRestLogParser.ErrorLine(LocalDateTime.parse("2024-12-31T15:56:49.500"), 38,
                        "unable to restore while PostgreSQL is running"));
        final var archiveGet = (PgBackRestLogParser.CommandBegin) parser.parse("2019-02-05 12:29:22.033 P00   INFO: archive-get command begin 2.08: "
                + "[000000010000003400000056, pg_wal/RECOVERYXLOG] --pg1-path=/var/lib/postgresql/11/xxxdb --stanza=xxxdb");
        assertThat(archiveGet.command()).isEqualTo("archive-get");
        assertThat(archiveGet.options()).containsOnlyKeys("pg1-path", "stanza");
    }

    @Test
    void shouldTreatEverythingElseAsOther() {
        for (String line : new String[] {"-------------------PROCESS START-------------------", "",
                "2022-01-28 12:14:39.409 P00  DEBUG:     common/lock::lockAcquire: => true",
                "2024-13-45 99:99:99.999 P00   INFO: restore command begin 2.53.1: --stanza=x",
                "2024-12-31 15:56:49.184 P00   INFO: restore command begin"}) {
            assertThat(parser.parse(line)).as(line).isInstanceOf(PgBackRestLogParser.Other.class);
        }
    }

    @Test
    void shouldUnquoteQuotedOptionValues() {
        assertThat(PgBackRestLogParser.options(" --recovery-option=\"primary_conninfo=host=a user=b\" --stanza=main"))
                .containsEntry("recovery-option", "primary_conninfo=host=a user=b").containsEntry("stanza", "main");
    }
}
