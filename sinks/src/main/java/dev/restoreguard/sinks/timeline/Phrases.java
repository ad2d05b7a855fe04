package dev.restoreguard.sinks.timeline;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How times, durations, machines and writers read in a timeline. */
public final class Phrases {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    /** The auditd description the hosts-file collector writes: {@code user=jdoe auid=1000 exe=/usr/bin/vim ...}. */
    private static final Pattern AUDIT_FIELD = Pattern.compile("(\\w+)=(\\([^)]*\\)|\\S+)");

    private Phrases() {
    }

    /** {@code 2026-11-20 15:41:00Z}. */
    public static String time(final Instant at) {
        return at == null ? "?" : TIME.format(at);
    }

    /** {@code 21 minutes}, {@code 3 hours 12 minutes}, {@code 2 days}. */
    public static String duration(final Duration d) {
        final long seconds = Math.abs(d.toSeconds());
        if (seconds < 60) {
            return plural(seconds, "second");
        }
        final long minutes = seconds / 60;
        if (minutes < 120) {
            return plural(minutes, "minute");
        }
        final long hours = minutes / 60;
        if (hours < 48) {
            return plural(hours, "hour") + (minutes % 60 == 0 ? "" : " " + plural(minutes % 60, "minute"));
        }
        return plural(hours / 24, "day");
    }

    /** "21 minutes earlier" or "5 minutes later", from {@code then} as seen at {@code now}. */
    public static String relative(final Instant then, final Instant now) {
        final Duration d = Duration.between(then, now);
        if (d.isZero()) {
            return "at the same time";
        }
        return duration(d) + (d.isNegative() ? " later" : " earlier");
    }

    /** The first label of a FQDN ({@code vbr01} for {@code vbr01.corp.example}); an IP stays whole. */
    public static String shortHost(final String host) {
        if (host == null) {
            return "?";
        }
        if (host.chars().allMatch(c -> Character.isDigit(c) || c == '.') || host.contains(":")) {
            return host;
        }
        final int dot = host.indexOf('.');
        return dot > 0 ? host.substring(0, dot) : host;
    }

    /**
     * Who wrote a hosts file, for a sentence: the user of the collector's audit description (with
     * the program), the value as recorded otherwise, and never a guess when nobody was recorded.
     */
    public static String writer(final String writer) {
        if (writer == null || writer.isBlank() || "unknown".equals(writer)) {
            return "an unknown writer (no audit record)";
        }
        if (!writer.contains("=")) {
            return writer;
        }
        final Map<String, String> fields = new LinkedHashMap<>();
        final Matcher m = AUDIT_FIELD.matcher(writer);
        while (m.find()) {
            fields.putIfAbsent(m.group(1), m.group(2));
        }
        String user = fields.get("user");
        if (user == null) {
            user = fields.containsKey("uid_name") ? fields.get("uid_name") : "uid " + fields.getOrDefault("uid", "?");
        }
        final String exe = fields.get("exe");
        return exe == null ? user : user + " (" + exe + ")";
    }

    private static String plural(final long n, final String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }
}
