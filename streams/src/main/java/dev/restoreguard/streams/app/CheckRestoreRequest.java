package dev.restoreguard.streams.app;

import dev.restoreguard.events.net.IpAddresses;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The validated parameters of {@code GET /check-restore?observer=H&target=T[&at=RFC3339]}.
 *
 * @param observer the observer as given (a host name, normally the backup server's FQDN)
 * @param target   the restore target as given (a host name or an IP literal)
 * @param at       the restore time, or null for "now"
 */
record CheckRestoreRequest(String observer, String target, Instant at) {

    static final String OBSERVER = "observer";
    static final String TARGET = "target";
    static final String AT = "at";
    private static final Set<String> KNOWN = Set.of(OBSERVER, TARGET, AT);
    private static final int MAX_NAME = 253;
    private static final Pattern HOST_NAME =
            Pattern.compile("[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\\.?");

    /** A parameter that is missing, repeated, unknown or malformed. */
    static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String parameter;

        BadRequest(final String parameter, final String message) {
            super(message);
            this.parameter = parameter;
        }

        String parameter() {
            return parameter;
        }
    }

    /** Parses a raw (still percent-encoded) query string. */
    static CheckRestoreRequest parse(final String rawQuery) {
        final Map<String, String> params = new LinkedHashMap<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                final int eq = pair.indexOf('=');
                final String name = decode(eq < 0 ? pair : pair.substring(0, eq), "query");
                final String value = eq < 0 ? "" : decode(pair.substring(eq + 1), name);
                if (!KNOWN.contains(name)) {
                    throw new BadRequest(name, "unknown query parameter '" + name
                            + "' (expected observer, target and optionally at)");
                }
                if (params.putIfAbsent(name, value) != null) {
                    throw new BadRequest(name, "query parameter '" + name + "' is given more than once");
                }
            }
        }
        final String observer = hostName(params, OBSERVER, false);
        final String target = hostName(params, TARGET, true);
        final String at = params.get(AT);
        return new CheckRestoreRequest(observer, target, at == null ? null : time(at));
    }

    private static String decode(final String raw, final String parameter) {
        try {
            // A literal '+' stays a plus: it is the offset sign of "16:02:00+01:00" typed into a
            // URL, and host names never contain spaces.
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(parameter, "query parameter '" + parameter + "' has a malformed %-escape");
        }
    }

    private static String hostName(final Map<String, String> params, final String parameter, final boolean ipAllowed) {
        final String raw = params.get(parameter);
        if (raw == null) {
            throw new BadRequest(parameter, "missing query parameter '" + parameter + "'");
        }
        final String value = raw.strip();
        if (value.isEmpty()) {
            throw new BadRequest(parameter, "query parameter '" + parameter + "' is empty");
        }
        if (value.length() > MAX_NAME) {
            throw new BadRequest(parameter, "query parameter '" + parameter + "' is longer than " + MAX_NAME
                    + " characters");
        }
        if (IpAddresses.isIpLiteral(value)) {
            if (!ipAllowed) {
                throw new BadRequest(parameter, "query parameter '" + parameter + "' must be a host name (the "
                        + "backup server's FQDN, as its collectors report it), not an IP address: '" + value + "'");
            }
            return value;
        }
        if (!HOST_NAME.matcher(value.toLowerCase(Locale.ROOT)).matches()) {
            throw new BadRequest(parameter, "query parameter '" + parameter + "' is not a host name"
                    + (ipAllowed ? " or IP address" : "") + ": '" + value + "'");
        }
        return value;
    }

    private static Instant time(final String raw) {
        String value = raw.strip().toUpperCase(Locale.ROOT);
        // RFC 3339 (section 5.6, note) lets a space stand for the 'T'
        if (value.length() > 10 && value.charAt(10) == ' ') {
            value = value.substring(0, 10) + 'T' + value.substring(11);
        }
        try {
            return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadRequest(AT, "query parameter 'at' is not an RFC 3339 time with an offset (like "
                    + "2026-11-20T16:02:00Z or 2026-11-20T17:02:00+01:00): '" + raw + "'");
        }
    }
}
