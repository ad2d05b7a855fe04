package dev.restoreguard.streams.rules;

import dev.restoreguard.events.alert.Severity;
import dev.restoreguard.events.net.IpAddresses;
import dev.restoreguard.streams.resolve.Resolver;
import dev.restoreguard.streams.state.HostsState;
import dev.restoreguard.streams.state.InventoryIndex;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RG-003: in a hosts-file snapshot, the first valid entry for a name maps it to an address whose
 * environment differs from the name's intended environment, both known as of the snapshot time.
 * This is the Friday fix that sends the "dev" restore into production, caught before the restore.
 */
public final class HostsOverrideCrossesEnvironment {

    private final Resolver resolver;

    public HostsOverrideCrossesEnvironment(final Resolver resolver) {
        this.resolver = resolver;
    }

    /** Every crossing entry of the snapshot, one finding per (name, address). */
    public List<Finding> judge(final String observer, final HostsState snapshot) {
        return judge(observer, snapshot, null);
    }

    /**
     * {@link #judge(String, HostsState)}, adding to {@code followed} (when not null) the DNS names
     * looked up for the entries' intended environments, CNAME chains included: a record added to
     * one of them can change the verdict.
     */
    public List<Finding> judge(final String observer, final HostsState snapshot, final Collection<String> followed) {
        final InventoryIndex inventory = resolver.reference().inventoryAsOf(snapshot.at());
        final List<Finding> findings = new ArrayList<>();
        for (Map.Entry<String, HostsState.Entry> e : snapshot.firstEntry().entrySet()) {
            final String name = e.getKey();
            if (IpAddresses.isIpLiteral(name)) {
                continue;
            }
            final String ip = e.getValue().address();
            final InventoryIndex.Environment intended = resolver.intendedEnvironment(name, inventory, snapshot.at(), followed);
            final InventoryIndex.Environment actual = inventory.environmentOfIp(ip);
            if (!intended.known() || !actual.known() || intended.label().equals(actual.label())) {
                continue;
            }
            final Map<String, Object> evidence = new LinkedHashMap<>();
            evidence.put("observer", observer);
            evidence.put("name", name);
            evidence.put("address", ip);
            evidence.put("path", snapshot.path());
            evidence.put("line", e.getValue().line());
            evidence.put("intended_environment", intended.label());
            evidence.put("intended_basis", intended.basis());
            evidence.put("address_environment", actual.label());
            evidence.put("address_basis", actual.basis());
            evidence.put("snapshot_event_id", snapshot.eventId());
            evidence.put("snapshot_at", snapshot.at().toString());
            evidence.put("writer", snapshot.writer());
            evidence.put("inventory_event_id", inventory.eventId());
            final String reason = "Line " + e.getValue().line() + " of the hosts file on " + observer + " sends "
                    + name + " (" + intended.label() + ") to " + ip + ", which is " + actual.label()
                    + ": anything restored to " + name + " from this server lands in " + actual.label() + ".";
            findings.add(new Finding(RuleCatalog.RG_003, "hosts:" + observer + ":" + name + ":" + ip, Severity.HIGH,
                    reason, snapshot.at(), observer, List.of(observer, name), List.of(ip),
                    snapshot.writer() == null || "unknown".equals(snapshot.writer()) ? List.of() : List.of(snapshot.writer()),
                    evidence));
        }
        return findings;
    }
}
