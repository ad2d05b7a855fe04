package dev.restoreguard.streams.app;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.alert.Severity;
import dev.restoreguard.events.net.IpAddresses;
import dev.restoreguard.events.net.Names;
import dev.restoreguard.streams.resolve.Resolver;
import dev.restoreguard.streams.resolve.TargetVerdict;
import dev.restoreguard.streams.rules.RestoreIntoProductionUnapproved;
import dev.restoreguard.streams.rules.RestoreOutsideChangeWindow;
import dev.restoreguard.streams.rules.RestoreRule;
import dev.restoreguard.streams.rules.RestoreTargetEnvironmentUnknown;
import dev.restoreguard.streams.rules.RestoreTargetMismatch;
import dev.restoreguard.streams.state.HostsState;
import dev.restoreguard.streams.state.InventoryIndex;
import dev.restoreguard.streams.state.ReferenceView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A restore that has not happened yet, judged exactly as the engine would judge it at {@code at}:
 * the same {@link Resolver} and the same rule classes (RG-001, RG-002, RG-005, RG-006), over the
 * engine's own stores. Builds the JSON answer of {@code GET /check-restore}.
 */
final class RestoreCheck {

    private static final List<RestoreRule> RULES = List.of(new RestoreIntoProductionUnapproved(),
            new RestoreTargetMismatch(), new RestoreOutsideChangeWindow(), new RestoreTargetEnvironmentUnknown());

    private RestoreCheck() {
    }

    /** The observer as the engine keys it: normalized, and a short name qualified through the inventory. */
    static String observerKey(final String rawObserver, final ReferenceView reference, final Instant at) {
        final String observer = Names.normalize(rawObserver);
        if (observer.indexOf('.') >= 0 || IpAddresses.isIpLiteral(observer)) {
            return observer;
        }
        // Pre-job scripts often only know %COMPUTERNAME%; the contract lets a short name without an
        // observer denote the one inventory asset with that first label.
        return reference.inventoryAsOf(at).denotedAsset(observer).map(InventoryIndex.Asset::name).orElse(observer);
    }

    /**
     * Judges a restore of {@code rawTarget} from {@code observer} at {@code at}.
     *
     * @param request  the parameters as given (echoed)
     * @param observer the normalized observer ({@link #observerKey})
     * @param hosts    the observer's hosts file as of {@code at}, or null when none is known
     */
    static ObjectNode judge(final CheckRestoreRequest request, final String observer, final HostsState hosts,
                            final ReferenceView reference, final Instant at, final Duration historyRetention) {
        final TargetVerdict v = new Resolver(reference).judge(request.target(), observer, hosts, at);
        final ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("observer", observer);
        json.put("target", request.target());
        json.put("normalized_target", v.target());
        json.put("at", at.toString());
        json.put("at_source", request.at() == null ? "now" : "request");

        final ObjectNode intended = json.putObject("intended");
        intended.put("name", v.target());
        intended.put("environment", v.intendedEnvironment());
        intended.put("basis", v.intendedBasis());

        final ObjectNode effective = json.putObject("effective");
        effective.put("ip", v.effectiveIp());
        effective.put("environment", v.effectiveEnvironment());
        effective.put("basis", v.effectiveBasis());
        effective.put("resolved_by", v.resolvedBy());

        final ObjectNode resolution = json.putObject("resolution");
        resolution.put("path", v.resolvedBy());
        final ArrayNode steps = resolution.putArray("steps");
        steps(v, observer).forEach(steps::add);
        if (v.hostsEntry() != null) {
            resolution.set("hosts_entry", Json.MAPPER.valueToTree(v.hostsEntry()));
        }
        if (!v.dnsRecords().isEmpty()) {
            resolution.set("dns_records", Json.MAPPER.valueToTree(v.dnsRecords()));
        }

        final ObjectNode hostsFile = json.putObject("hosts_file");
        hostsFile.put("known", hosts != null);
        if (hosts != null) {
            hostsFile.put("path", hosts.path());
            hostsFile.put("snapshot_at", hosts.at().toString());
            hostsFile.put("snapshot_event_id", hosts.eventId());
            hostsFile.put("writer", hosts.writer());
        }

        json.put("covered", v.covered());
        final Optional<TargetVerdict.ApprovalConsidered> covering =
                v.approvals().stream().filter(TargetVerdict.ApprovalConsidered::covers).findFirst();
        if (covering.isPresent()) {
            json.set("covering_approval", Json.MAPPER.valueToTree(covering.get()));
        } else {
            json.putNull("covering_approval");
        }
        json.set("approvals", Json.MAPPER.valueToTree(v.approvals()));

        final ArrayNode rules = json.putArray("rules");
        Severity highest = null;
        for (RestoreRule rule : RULES) {
            final Optional<Severity> severity = rule.judge(v);
            if (severity.isPresent()) {
                final ObjectNode fired = rules.addObject();
                fired.put("id", rule.rule().id());
                fired.put("name", rule.rule().ruleName());
                fired.put("severity", severity.get().label());
                fired.put("description", rule.rule().description());
                if (highest == null || severity.get().compareTo(highest) > 0) {
                    highest = severity.get();
                }
            }
        }
        json.put("would_alert", !rules.isEmpty());
        if (highest == null) {
            json.putNull("highest_severity");
        } else {
            json.put("highest_severity", highest.label());
        }

        final ArrayNode warnings = json.putArray("warnings");
        if (hosts == null && v.effectiveIp() != null && !"ip-literal".equals(v.resolvedBy())) {
            warnings.add("no hosts-file snapshot of " + observer + " is known as of " + at
                    + " (no collector reports it, or it is older than the engine's history retention "
                    + historyRetention + "): the hosts file was not consulted");
        }
        if (observer.indexOf('.') < 0 && !IpAddresses.isIpLiteral(observer)) {
            warnings.add("observer '" + observer + "' is not fully qualified and no single inventory asset has that "
                    + "first label: collectors report FQDNs, so its hosts file is probably not found");
        }
        json.put("summary", summary(v, rules.size()));
        return json;
    }

    /** The resolution path, one readable sentence per step. */
    static List<String> steps(final TargetVerdict v, final String observer) {
        final List<String> steps = new ArrayList<>();
        switch (v.resolvedBy()) {
            case "ip-literal" -> steps.add("the target is the IP literal " + v.effectiveIp());
            case "hosts-file" -> steps.add("line " + v.hostsEntry().line() + " of " + v.hostsEntry().path() + " on "
                    + observer + " (snapshot of " + v.hostsEntry().snapshotAt() + ") maps " + v.target() + " to "
                    + v.hostsEntry().address());
            case "dns" -> v.dnsRecords().forEach(r -> steps.add("DNS " + r.type() + " record " + r.name() + " -> "
                    + r.data() + " (added " + r.addedAt() + (r.user() == null ? "" : " by " + r.user()) + ")"));
            case "inventory" -> steps.add("no hosts entry or DNS record: the inventory asset " + v.target()
                    + " lists " + v.effectiveIp() + " first");
            default -> steps.add("no hosts entry, DNS record or inventory asset resolves " + v.target());
        }
        if (v.effectiveIp() != null) {
            steps.add(v.effectiveIp() + " is " + v.effectiveEnvironment() + " (" + v.effectiveBasis() + ")");
        }
        return steps;
    }

    private static String summary(final TargetVerdict v, final int fired) {
        final String route = RestoreRule.route(v);
        final String intended = InventoryIndex.UNKNOWN.equals(v.intendedEnvironment())
                ? "" : "; meant for " + v.intendedEnvironment();
        final String approval = v.covered() ? "; covered by an approved change" : "";
        return route + intended + approval + (fired == 0 ? "; no rule would fire." : "; " + fired
                + (fired == 1 ? " rule" : " rules") + " would fire.");
    }
}
