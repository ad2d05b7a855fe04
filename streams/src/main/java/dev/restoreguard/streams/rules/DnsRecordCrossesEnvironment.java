package dev.restoreguard.streams.rules;

import dev.restoreguard.events.alert.Severity;
import dev.restoreguard.events.dns.DnsRecordChange;
import dev.restoreguard.events.net.Names;
import dev.restoreguard.streams.state.InventoryIndex;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * RG-004: a DNS A or AAAA record add points a name whose inventory environment is X at an address
 * of environment Y, X different from Y, both known as of the change time.
 */
public final class DnsRecordCrossesEnvironment {

    /** The finding for one DNS change, if it crosses environments. */
    public Optional<Finding> judge(final String eventId, final Instant at, final DnsRecordChange change,
                                   final InventoryIndex inventory) {
        if (!"add".equals(change.action()) || "CNAME".equals(change.type())) {
            return Optional.empty();
        }
        final String zone = Names.normalize(change.zone());
        final String fqdn = Names.dnsRecordFqdn(zone, change.name());
        final Optional<InventoryIndex.Asset> asset = inventory.asset(fqdn);
        if (asset.isEmpty()) {
            return Optional.empty();
        }
        final String nameEnv = asset.get().environment();
        final InventoryIndex.Environment ipEnv = inventory.environmentOfIp(change.data());
        if (InventoryIndex.UNKNOWN.equals(nameEnv) || !ipEnv.known() || nameEnv.equals(ipEnv.label())) {
            return Optional.empty();
        }
        final Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("zone", zone);
        evidence.put("name", fqdn);
        evidence.put("type", change.type());
        evidence.put("address", change.data());
        evidence.put("name_environment", nameEnv);
        evidence.put("address_environment", ipEnv.label());
        evidence.put("address_basis", ipEnv.basis());
        evidence.put("server", change.server());
        evidence.put("user", change.user());
        evidence.put("change_event_id", eventId);
        evidence.put("inventory_event_id", inventory.eventId());
        final List<String> users = new ArrayList<>();
        if (change.user() != null) {
            users.add(change.user());
        }
        final String reason = "DNS now points " + fqdn + " (" + nameEnv + ") at " + change.data() + ", which is "
                + ipEnv.label() + (change.user() == null ? "" : "; changed by " + change.user())
                + ": every restore to " + fqdn + " that trusts DNS lands in " + ipEnv.label() + ".";
        final List<String> hosts = new ArrayList<>(List.of(fqdn));
        if (change.server() != null) {
            hosts.add(change.server());
        }
        return Optional.of(new Finding(RuleCatalog.RG_004, "dns:" + zone + ":" + fqdn + ":" + change.data(),
                Severity.HIGH, reason, at, change.server() == null ? zone : change.server(), hosts,
                List.of(change.data()), users, evidence));
    }
}
