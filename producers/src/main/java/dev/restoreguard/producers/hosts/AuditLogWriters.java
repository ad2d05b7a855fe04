package dev.restoreguard.producers.hosts;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who wrote a watched file, from the Linux audit log: with an auditd rule such as
 * {@code -w /etc/hosts -p wa -k restoreguard-hosts}, every write to the file leaves a
 * {@code type=SYSCALL} record carrying {@code key="restoreguard-hosts"}, the login user
 * ({@code auid}), the effective user, the process ({@code exe}, {@code comm}, {@code pid}) and the
 * time. This reads the tail of the log and reports the latest such record inside the time window
 * of a change, as {@code user=jdoe auid=1000 uid=0 exe=/usr/bin/vim comm=vim pid=4242
 * at=2026-11-20T16:10:02.123Z}. With no rule, no log, no access or no matching record it reports
 * nothing, and the snapshot says {@code unknown}: a writer is never guessed.
 */
public final class AuditLogWriters {

    private static final Logger LOGGER = LoggerFactory.getLogger(AuditLogWriters.class);
    /** Only the log's tail is read: a change is looked up seconds after it happened. */
    static final int TAIL_BYTES = 4 * 1024 * 1024;
    private static final Pattern HEADER = Pattern.compile("msg=audit\\((\\d+)\\.(\\d{1,3}):(\\d+)\\)");
    private static final Pattern FIELD = Pattern.compile("([A-Za-z_]+)=(\"[^\"]*\"|\\S+)");
    private static final String UNSET_AUID = "4294967295";

    private final Path log;
    private final String key;

    public AuditLogWriters(final Path log, final String key) {
        this.log = log;
        this.key = key;
    }

    /**
     * The latest writer recorded under the rule key with a time in {@code (after, upTo]}, or empty.
     */
    public Optional<String> writer(final Instant after, final Instant upTo) {
        if (log == null || !Files.isReadable(log)) {
            return Optional.empty();
        }
        final String tail;
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            final long start = Math.max(0, f.length() - TAIL_BYTES);
            final byte[] bytes = new byte[(int) (f.length() - start)];
            f.seek(start);
            f.readFully(bytes);
            tail = new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOGGER.atDebug().addKeyValue("log", log).setCause(e).log("Audit log not readable");
            return Optional.empty();
        }
        final String quotedKey = "key=\"" + key + "\"";
        String best = null;
        Instant bestAt = null;
        for (String line : tail.split("\n")) {
            if (!line.startsWith("type=SYSCALL") || !line.contains(quotedKey)) {
                continue;
            }
            final Matcher h = HEADER.matcher(line);
            if (!h.find()) {
                continue;
            }
            final Instant at = Instant.ofEpochSecond(Long.parseLong(h.group(1)),
                    Long.parseLong((h.group(2) + "00").substring(0, 3)) * 1_000_000L);
            if ((after != null && !at.isAfter(after)) || at.isAfter(upTo)) {
                continue;
            }
            if (bestAt == null || !at.isBefore(bestAt)) {
                bestAt = at;
                best = describe(line, at);
            }
        }
        return Optional.ofNullable(best);
    }

    /** One SYSCALL record as a writer description (enriched names when auditd logged them). */
    static String describe(final String line, final Instant at) {
        // ENRICHED log format appends resolved names after a 0x1d separator: AUID="jdoe" UID="root".
        final int sep = line.indexOf('\u001d');
        final Map<String, String> fields = fields(sep < 0 ? line : line.substring(0, sep));
        final Map<String, String> names = sep < 0 ? Map.of() : fields(line.substring(sep + 1));
        final String auid = fields.get("auid");
        final StringBuilder out = new StringBuilder();
        final String user = names.get("AUID");
        if (user != null) {
            out.append("user=").append(user).append(' ');
        } else if (UNSET_AUID.equals(auid)) {
            out.append("user=(no login session) ");
        }
        append(out, "auid", auid);
        append(out, "uid", fields.get("uid"));
        if (names.get("UID") != null) {
            append(out, "uid_name", names.get("UID"));
        }
        append(out, "exe", fields.get("exe"));
        append(out, "comm", fields.get("comm"));
        append(out, "pid", fields.get("pid"));
        out.append("at=").append(at);
        return out.toString();
    }

    private static void append(final StringBuilder out, final String name, final String value) {
        if (value != null) {
            out.append(name).append('=').append(value).append(' ');
        }
    }

    private static Map<String, String> fields(final String text) {
        final Map<String, String> fields = new HashMap<>();
        final Matcher m = FIELD.matcher(text);
        while (m.find()) {
            String v = m.group(2);
            if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                v = v.substring(1, v.length() - 1);
            }
            fields.putIfAbsent(m.group(1), v);
        }
        return fields;
    }
}
