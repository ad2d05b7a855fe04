package dev.restoreguard.events.dns;

import static dev.restoreguard.events.EventValidationException.require;
import static dev.restoreguard.events.EventValidationException.requireOneOf;

import dev.restoreguard.events.EventPayload;
import java.util.Set;

/**
 * A DNS record created or deleted on an authoritative server (an update is a delete plus an
 * add). Published on {@code restoreguard.dns.records}, keyed by the record's FQDN.
 *
 * @param zone   the zone, normalized
 * @param name   the record name as the server reported it (relative to the zone, {@code @} the apex,
 *               or already ending with the zone)
 * @param type   {@code A}, {@code AAAA} or {@code CNAME}
 * @param action {@code add} or {@code delete}
 * @param data   the address (canonical) or CNAME target
 * @param server the authoritative server that reported it, if known
 * @param user   who made the change, if known
 * @param serial the zone's SOA serial after the change, if known
 */
public record DnsRecordChange(String zone, String name, String type, String action, String data,
                              String server, String user, Long serial) implements EventPayload {

    public static final String KIND = "dns_record";
    public static final Set<String> TYPES = Set.of("A", "AAAA", "CNAME");
    public static final Set<String> ACTIONS = Set.of("add", "delete");

    public DnsRecordChange {
        require("dns_record.zone", zone);
        require("dns_record.name", name);
        requireOneOf("dns_record.type", type, TYPES);
        requireOneOf("dns_record.action", action, ACTIONS);
        require("dns_record.data", data);
    }

    @Override
    public String kind() {
        return KIND;
    }
}
