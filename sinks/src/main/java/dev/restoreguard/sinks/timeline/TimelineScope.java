package dev.restoreguard.sinks.timeline;

import java.time.Instant;
import java.util.Locale;

/**
 * What a timeline is about: one alert, one restore session or one host, optionally bounded in time.
 * Without bounds, an alert's or session's timeline spans its evidence (from the oldest contributing
 * event a day back to an hour after the last one); a host's spans the last 24 hours.
 *
 * @param kind  alert, session or host
 * @param value the alert id, the restore session id or the host name (FQDN or short name)
 * @param from  start of the window (inclusive), or null
 * @param to    end of the window (inclusive), or null
 */
public record TimelineScope(Kind kind, String value, Instant from, Instant to) {

    /** The seed of a timeline. */
    public enum Kind { ALERT, SESSION, HOST }

    public TimelineScope {
        if (kind == null) {
            throw new IllegalArgumentException("kind: required");
        }
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(kind.name().toLowerCase(Locale.ROOT) + ": must not be blank");
        }
        value = value.strip();
        if (kind == Kind.HOST) {
            value = value.toLowerCase(Locale.ROOT);
        }
        if (from != null && to != null && from.isAfter(to)) {
            throw new IllegalArgumentException("--from " + from + " is after --to " + to);
        }
    }

    /** The timeline of one alert (all its versions and the chain behind it). */
    public static TimelineScope alert(final String alertId) {
        return new TimelineScope(Kind.ALERT, alertId, null, null);
    }

    /** The timeline of one restore session. */
    public static TimelineScope session(final String sessionId) {
        return new TimelineScope(Kind.SESSION, sessionId, null, null);
    }

    /** Everything about one host in a window. */
    public static TimelineScope host(final String name, final Instant from, final Instant to) {
        return new TimelineScope(Kind.HOST, name, from, to);
    }

    /** This scope with a window. */
    public TimelineScope between(final Instant newFrom, final Instant newTo) {
        return new TimelineScope(kind, value, newFrom, newTo);
    }

    /** "alert 5f1c…", "restore session 8c0e…", "host vbr01.corp.example". */
    public String describe() {
        return switch (kind) {
            case ALERT -> "alert " + value;
            case SESSION -> "restore session " + value;
            case HOST -> "host " + value;
        };
    }
}
