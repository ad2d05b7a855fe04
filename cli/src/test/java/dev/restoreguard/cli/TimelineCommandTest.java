package dev.restoreguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code timeline}'s option errors: exit 2 naming the option, before any connection is tried. */
class TimelineCommandTest {

    @Test
    void shouldNameAnInvalidTime() {
        final String[] result = run("timeline", "--host", "vbr01", "--from", "yesterday");
        assertThat(result[0]).isEqualTo("2");
        assertThat(result[1]).contains("invalid option: --from: not an ISO-8601 instant (like 2026-11-20T15:00:00Z): 'yesterday'");
    }

    @Test
    void shouldRefuseAWindowThatEndsBeforeItStarts() {
        final String[] result = run("timeline", "--host", "vbr01", "--from", "2026-11-21T00:00:00Z", "--to", "2026-11-20T00:00:00Z");
        assertThat(result[0]).isEqualTo("2");
        assertThat(result[1]).contains("--from 2026-11-21T00:00:00Z is after --to 2026-11-20T00:00:00Z");
    }

    @Test
    void shouldListTheFormats() {
        final String[] result = run("timeline", "--alert", "x", "--format", "pdf");
        assertThat(result[0]).isEqualTo("2");
        assertThat(result[1]).contains("--format: unknown format 'pdf', expected one of text, html, md, json");
    }

    @Test
    void shouldTakeExactlyOneSeed() {
        assertThat(run("timeline", "--alert", "x", "--host", "vbr01")[0]).isEqualTo("2");
        assertThat(run("timeline", "--format", "md")[1]).contains("--alert=ID").contains("--session=ID").contains("--host=NAME");
    }

    private static String[] run(final String... args) {
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new RestoreGuardCli());
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err));
        return new String[] {String.valueOf(cli.execute(args)), err.toString()};
    }
}
