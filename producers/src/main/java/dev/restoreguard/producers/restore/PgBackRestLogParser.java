package dev.restoreguard.producers.restore;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one line of a pgBackRest log file ({@code /var/log/pgbackrest/<stanza>-restore.log}). The
 * lines that matter, as pgBackRest writes them (time in the server's local zone, no offset):
 *
 * <pre>
 * 2024-12-31 15:56:49.184 P00   INFO: restore command begin 2.53.1: --delta --exec-id=1175966-3f054b2a --pg1-path=/pgdata --stanza=main
 * 2024-12-31 15:56:49.500 P00  ERROR: [038]: unable to restore while PostgreSQL is running
 * 2024-12-31 15:56:49.501 P00   INFO: restore command end: aborted with exception [038]
 * 2024-12-31 15:57:10.022 P00   INFO: restore command end: completed successfully (20838ms)
 * </pre>
 *
 * Every other line ({@code -------------------PROCESS START-------------------}, progress, DEBUG)
 * is {@link Other}. Option values pgBackRest quoted ({@code --recovery-option="a b"}) are unquoted;
 * a flag without value ({@code --delta}) maps to {@code ""}; {@code --no-x} stays {@code no-x}. The
 * parser never throws; it is stateless and thread-safe.
 */
public final class PgBackRestLogParser {

    private static final Pattern LINE = Pattern.compile(
            "^(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3}) P\\d+ +([A-Z]+): (.*)$");
    private static final Pattern BEGIN = Pattern.compile("^([a-z][a-z-]*) command begin ([^ :]+):(.*)$");
    private static final Pattern END = Pattern.compile("^([a-z][a-z-]*) command end: (?:(completed successfully)|aborted with exception \\[(\\d{1,4})\\])");
    private static final Pattern ERROR = Pattern.compile("^\\[(\\d{1,4})\\]: (.*)$");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS");
    /** Longest line considered; real begin lines with every option stay far below. */
    public static final int MAX_LINE = 64 * 1024;

    /** What one line is. */
    public sealed interface Line permits CommandBegin, CommandEnd, ErrorLine, Other {
    }

    /** {@code <command> command begin <version>: <options>}. */
    public record CommandBegin(LocalDateTime at, String command, String version, Map<String, String> options) implements Line {
        public CommandBegin {
            options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
        }
    }

    /** {@code <command> command end: completed successfully} or {@code aborted with exception [NNN]}. */
    public record CommandEnd(LocalDateTime at, String command, boolean success, Integer exceptionCode) implements Line {
    }

    /** {@code ERROR: [NNN]: message}. */
    public record ErrorLine(LocalDateTime at, int code, String message) implements Line {
    }

    /** Anything else. */
    public record Other() implements Line {
    }

    private static final Other OTHER = new Other();

    /** Classifies one line (without its line end). */
    public Line parse(final String line) {
        if (line == null || line.length() > MAX_LINE) {
            return OTHER;
        }
        final Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            return OTHER;
        }
        final LocalDateTime at;
        try {
            at = LocalDateTime.parse(m.group(1), TIME);
        } catch (DateTimeParseException e) {
            return OTHER;
        }
        final String level = m.group(2);
        final String message = m.group(3);
        if (level.equals("ERROR") || level.equals("ASSERT")) {
            final Matcher e = ERROR.matcher(message);
            return e.matches() ? new ErrorLine(at, Integer.parseInt(e.group(1)), e.group(2).strip()) : OTHER;
        }
        final Matcher b = BEGIN.matcher(message);
        if (b.matches()) {
            return new CommandBegin(at, b.group(1), b.group(2), options(b.group(3)));
        }
        final Matcher e = END.matcher(message);
        if (e.find()) {
            return new CommandEnd(at, e.group(1), e.group(2) != null, e.group(3) == null ? null : Integer.parseInt(e.group(3)));
        }
        return OTHER;
    }

    /** {@code --a=b --c "--d=e f"}: tokens split on spaces outside double quotes. */
    static Map<String, String> options(final String text) {
        final Map<String, String> options = new LinkedHashMap<>();
        for (String token : tokens(text)) {
            if (!token.startsWith("--") || token.length() == 2) {
                continue; // a command parameter ([000000010000003400000056, pg_wal/RECOVERYXLOG]) or junk
            }
            final int eq = token.indexOf('=');
            final String name = eq < 0 ? token.substring(2) : token.substring(2, eq);
            String value = eq < 0 ? "" : token.substring(eq + 1);
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            if (!name.isEmpty()) {
                options.putIfAbsent(name, value);
            }
        }
        return options;
    }

    private static List<String> tokens(final String text) {
        final List<String> tokens = new ArrayList<>();
        final StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                current.append(c);
            } else if (c == ' ' && !quoted) {
                if (!current.isEmpty()) {
                    tokens.add(current.toString());
                    current.setLength(0);
                }
            } else {
                current.append(c);
            }
        }
        if (!current.isEmpty()) {
            tokens.add(current.toString());
        }
        return tokens;
    }
}
