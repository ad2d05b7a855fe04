package dev.restoreguard.producers.dns;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.dns.DnsRecordChange;
import dev.restoreguard.events.net.IpAddresses;
import dev.restoreguard.events.net.Names;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/**
 * Maps one {@code Microsoft-Windows-DNSServer/Audit} event, as Winlogbeat ships it, to a
 * {@link DnsRecordChange} (detection contract section 5): event ids 515 (record created) and 519
 * (created by dynamic update) are adds, 516 and 520 deletes; {@code winlog.event_data} gives
 * {@code Zone}, {@code NAME}, {@code Type} (1 A, 28 AAAA, 5 CNAME), {@code RDATA} and {@code TTL};
 * the actor is {@code winlog.user} as {@code DOMAIN\name}; the event time is {@code @timestamp};
 * the server is {@code host.name}, else {@code winlog.computer_name}, else the configured default.
 *
 * <p>{@code RDATA} arrives in DNS wire format as hex ({@code 0x0A14010F} is 10.20.1.15; 16 bytes
 * for AAAA; length-prefixed labels for a CNAME target); the text form (dotted quad, IPv6 literal,
 * a name) is accepted too. Other event ids and record types are {@link Ignored} (counted by the
 * caller), malformed events {@link Skipped} with the reason. Live collector and scenario replay
 * share this class. Stateless and thread-safe.
 */
public final class WindowsDnsAuditParser {

    private static final Map<String, String> TYPES = Map.of("1", "A", "28", "AAAA", "5", "CNAME",
            "A", "A", "AAAA", "AAAA", "CNAME", "CNAME");

    /** What an event became. */
    public sealed interface Result permits Change, Ignored, Skipped {
    }

    /**
     * A record change.
     *
     * @param at     event time ({@code @timestamp})
     * @param fqdn   the record's fully qualified name (the record key)
     * @param change the payload
     */
    public record Change(Instant at, String fqdn, DnsRecordChange change) implements Result {
    }

    /** A well-formed event that is not a record change RestoreGuard judges (other id or type). */
    public record Ignored(String reason) implements Result {
    }

    /** An event that cannot be read. */
    public record Skipped(String reason) implements Result {
    }

    /** Parses one JSON line. */
    public Result parse(final String line, final String defaultServer) {
        final JsonNode node;
        try {
            node = Json.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            return new Skipped("not JSON: " + e.getOriginalMessage());
        }
        return parse(node, defaultServer);
    }

    /** Parses one event object. */
    public Result parse(final JsonNode event, final String defaultServer) {
        if (event == null || !event.isObject()) {
            return new Skipped("not a JSON object");
        }
        final JsonNode winlog = event.path("winlog");
        final String id = text(winlog, "event_id");
        if (id == null) {
            return new Skipped("winlog.event_id: required");
        }
        final String action = switch (id.trim()) {
            case "515", "519" -> "add";
            case "516", "520" -> "delete";
            default -> null;
        };
        if (action == null) {
            return new Ignored("event id " + id + " is not a record create/delete");
        }
        final JsonNode data = winlog.path("event_data");
        final String rawType = text(data, "Type");
        if (rawType == null) {
            return new Skipped("winlog.event_data.Type: required");
        }
        final String type = TYPES.get(rawType.trim().toUpperCase(Locale.ROOT));
        if (type == null) {
            return new Ignored("record type " + rawType + " is not A, AAAA or CNAME");
        }
        final String zone = text(data, "Zone");
        final String name = text(data, "NAME");
        final String rdata = text(data, "RDATA");
        if (zone == null || zone.isBlank()) {
            return new Skipped("winlog.event_data.Zone: required");
        }
        if (name == null || name.isBlank()) {
            return new Skipped("winlog.event_data.NAME: required");
        }
        if (rdata == null || rdata.isBlank()) {
            return new Skipped("winlog.event_data.RDATA: required");
        }
        final String timestamp = text(event, "@timestamp");
        if (timestamp == null) {
            return new Skipped("@timestamp: required");
        }
        final Instant at;
        try {
            at = OffsetDateTime.parse(timestamp).toInstant();
        } catch (DateTimeParseException e) {
            return new Skipped("@timestamp: not an RFC 3339 time: '" + timestamp + "'");
        }
        final String value;
        try {
            value = rdata(type, rdata.trim());
        } catch (IllegalArgumentException e) {
            return new Skipped("winlog.event_data.RDATA: " + e.getMessage());
        }
        String server = text(event.path("host"), "name");
        if (server == null) {
            server = text(winlog, "computer_name");
        }
        if (server == null) {
            server = defaultServer;
        }
        final String normalizedZone = Names.normalize(zone.trim());
        final DnsRecordChange change = new DnsRecordChange(normalizedZone, Names.normalize(name.trim()), type, action,
                value, server == null ? null : Names.normalize(server), user(winlog.path("user")), null);
        return new Change(at, Names.dnsRecordFqdn(normalizedZone, change.name()), change);
    }

    /** {@code DOMAIN\name}, {@code name}, or the SID when only that is known; null when absent. */
    private static String user(final JsonNode user) {
        final String name = text(user, "name");
        final String domain = text(user, "domain");
        if (name != null) {
            return domain == null ? name : domain + "\\" + name;
        }
        return text(user, "identifier");
    }

    /** Decodes RDATA (hex wire format or text) into the canonical address or the target name. */
    static String rdata(final String type, final String rdata) {
        final boolean hex = rdata.regionMatches(true, 0, "0x", 0, 2);
        if ("CNAME".equals(type)) {
            return Names.normalize(hex ? wireName(hexBytes(rdata.substring(2))) : rdata);
        }
        if (hex) {
            final byte[] bytes = hexBytes(rdata.substring(2));
            final int expected = "A".equals(type) ? 4 : 16;
            if (bytes.length != expected) {
                throw new IllegalArgumentException(type + " needs " + expected + " bytes, got " + bytes.length + ": '" + rdata + "'");
            }
            try {
                return IpAddresses.normalize(InetAddress.getByAddress(bytes).getHostAddress()).orElseThrow();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("not an address: '" + rdata + "'");
            }
        }
        final String ip = IpAddresses.normalize(rdata).orElseThrow(() ->
                new IllegalArgumentException("not an IP address: '" + rdata + "'"));
        if ("A".equals(type) == ip.contains(":")) {
            throw new IllegalArgumentException(type + " record with address " + ip);
        }
        return ip;
    }

    private static byte[] hexBytes(final String hex) {
        if (hex.isEmpty() || hex.length() % 2 != 0) {
            throw new IllegalArgumentException("odd or empty hex '" + hex + "'");
        }
        try {
            return HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not hex: '" + hex + "'");
        }
    }

    /** A name in DNS wire format: length-prefixed labels ending with a zero length. */
    private static String wireName(final byte[] bytes) {
        final StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < bytes.length) {
            final int len = bytes[i] & 0xff;
            if (len == 0) {
                break;
            }
            if (len > 63 || i + 1 + len > bytes.length) {
                throw new IllegalArgumentException("bad label length " + len + " in a wire-format name");
            }
            if (out.length() > 0) {
                out.append('.');
            }
            out.append(new String(bytes, i + 1, len, java.nio.charset.StandardCharsets.US_ASCII));
            i += 1 + len;
        }
        if (out.length() == 0) {
            throw new IllegalArgumentException("empty wire-format name");
        }
        return out.toString();
    }

    private static String text(final JsonNode node, final String field) {
        final JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
    }
}
