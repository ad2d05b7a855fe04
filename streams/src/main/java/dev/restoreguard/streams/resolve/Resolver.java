package dev.restoreguard.streams.resolve;

import dev.restoreguard.events.approval.ApprovalEvent;
import dev.restoreguard.events.net.IpAddresses;
import dev.restoreguard.events.net.Names;
import dev.restoreguard.streams.state.HostsState;
import dev.restoreguard.streams.state.InventoryIndex;
import dev.restoreguard.streams.state.ReferenceView;
import dev.restoreguard.streams.state.ReferenceView.ApprovalRecord;
import dev.restoreguard.streams.state.ReferenceView.DnsRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The contract's resolution rules (section 1), as of one moment: a target's intended and
 * effective environment and the approvals that cover it. Pure over the reference view and the
 * observer's hosts state, so the same code serves the engine, replay and {@code check-restore}.
 */
public final class Resolver {

    /** RG-005's horizon: a window starting or ending this close to the restore is "nearly right". */
    public static final Duration NEAR_WINDOW = Duration.ofHours(24);

    private final ReferenceView reference;

    public Resolver(final ReferenceView reference) {
        this.reference = reference;
    }

    /**
     * Judges one restore target.
     *
     * @param rawTarget the target as the restore record named it
     * @param observer  the normalized observer (its domain qualifies short names)
     * @param hosts     the observer's hosts file as of {@code at}, or null if none is known
     * @param at        the restore time
     */
    public TargetVerdict judge(final String rawTarget, final String observer, final HostsState hosts, final Instant at) {
        return judge(rawTarget, observer, hosts, at, null);
    }

    /**
     * {@link #judge(String, String, HostsState, Instant)}, adding to {@code followed} (when not
     * null) every DNS name looked up, CNAME chains included, also where a chain led nowhere: a
     * record added to one of them can change the verdict.
     */
    public TargetVerdict judge(final String rawTarget, final String observer, final HostsState hosts, final Instant at,
                               final Collection<String> followed) {
        final InventoryIndex inventory = reference.inventoryAsOf(at);
        final Optional<String> literal = IpAddresses.normalize(rawTarget);
        final String target = literal.orElseGet(() -> Names.normalize(rawTarget, observer));

        final HostsState.Entry entry = literal.isPresent() || hosts == null ? null : hosts.firstEntry().get(target);
        final Optional<InventoryIndex.Asset> asset = literal.isPresent() ? Optional.empty() : inventory.asset(target);
        // DNS answers both questions (intended environment when the name is no asset, effective
        // target when no hosts entry decides): resolve it at most once
        final Optional<ReferenceView.DnsResolution> dns = literal.isPresent() || asset.isPresent() && entry != null
                ? Optional.empty() : reference.resolve(target, at, followed);

        final InventoryIndex.Environment intended = literal.isPresent()
                ? inventory.environmentOfIp(target)
                : intendedEnvironment(asset, dns, inventory);
        final String intendedEnv = intended.label();
        final String intendedBasis = literal.isPresent() ? "ip " + intended.basis() : intended.basis();

        // Effective target: IP literal, then the observer's hosts file, then DNS, then the inventory.
        String effectiveIp = null;
        String resolvedBy = "none";
        TargetVerdict.HostsEvidence hostsEvidence = null;
        List<TargetVerdict.DnsEvidence> dnsEvidence = List.of();
        if (literal.isPresent()) {
            effectiveIp = target;
            resolvedBy = "ip-literal";
        } else if (entry != null) {
            effectiveIp = entry.address();
            resolvedBy = "hosts-file";
            hostsEvidence = new TargetVerdict.HostsEvidence(hosts.path(), entry.line(), entry.address(),
                    hosts.eventId(), hosts.at().toString(), hosts.writer());
        } else if (dns.isPresent()) {
            effectiveIp = dns.get().ip();
            resolvedBy = "dns";
            dnsEvidence = dns.get().chain().stream().map(Resolver::dnsEvidence).toList();
        } else if (asset.isPresent() && !asset.get().ips().isEmpty()) {
            effectiveIp = asset.get().ips().get(0);
            resolvedBy = "inventory";
        }
        String effectiveEnv = InventoryIndex.UNKNOWN;
        String effectiveBasis = "none";
        if (effectiveIp != null) {
            final InventoryIndex.Environment env = inventory.environmentOfIp(effectiveIp);
            effectiveEnv = env.label();
            effectiveBasis = env.basis();
        }

        final List<TargetVerdict.ApprovalConsidered> approvals = new ArrayList<>();
        boolean covered = false;
        boolean outsideWindow = false;
        if (effectiveIp != null) {
            for (Map.Entry<String, List<ApprovalRecord>> change : reference.approvalCandidates(effectiveIp, inventory).entrySet()) {
                final ApprovalAssessment assessment = assess(change.getValue(), effectiveIp, inventory, at);
                if (assessment != null) {
                    approvals.add(assessment.considered());
                    covered |= assessment.considered().covers();
                    outsideWindow |= assessment.nearWindow();
                }
            }
        }
        return new TargetVerdict(target, intendedEnv, intendedBasis, effectiveIp, effectiveEnv, effectiveBasis,
                resolvedBy, hostsEvidence, dnsEvidence, List.copyOf(approvals), covered, outsideWindow && !covered);
    }

    /**
     * The intended environment of a normalized name: the environment of the inventory asset of
     * that name, else of the IP the name's DNS record holds (CNAMEs followed), else unknown.
     */
    public InventoryIndex.Environment intendedEnvironment(final String name, final InventoryIndex inventory,
                                                         final Instant at) {
        return intendedEnvironment(name, inventory, at, null);
    }

    /**
     * {@link #intendedEnvironment(String, InventoryIndex, Instant)}, adding the DNS names it looked
     * up to {@code followed} (when not null): a record added to one of them can change the answer.
     */
    public InventoryIndex.Environment intendedEnvironment(final String name, final InventoryIndex inventory,
                                                         final Instant at, final Collection<String> followed) {
        final Optional<InventoryIndex.Asset> asset = inventory.asset(name);
        return intendedEnvironment(asset, asset.isPresent() ? Optional.empty() : reference.resolve(name, at, followed),
                inventory);
    }

    private static InventoryIndex.Environment intendedEnvironment(final Optional<InventoryIndex.Asset> asset,
                                                                  final Optional<ReferenceView.DnsResolution> dns,
                                                                  final InventoryIndex inventory) {
        if (asset.isPresent()) {
            return new InventoryIndex.Environment(asset.get().environment(), "asset:" + asset.get().name());
        }
        if (dns.isPresent()) {
            final InventoryIndex.Environment env = inventory.environmentOfIp(dns.get().ip());
            return new InventoryIndex.Environment(env.label(), "dns:" + dns.get().ip() + " " + env.basis());
        }
        return new InventoryIndex.Environment(InventoryIndex.UNKNOWN, "none");
    }

    /** The reference view this resolver reads. */
    public ReferenceView reference() {
        return reference;
    }

    private record ApprovalAssessment(TargetVerdict.ApprovalConsidered considered, boolean nearWindow) {
    }

    /**
     * Assesses one change for a restore at {@code at} to {@code ip}; null when the change is not
     * "for the target" (none of its targets, as of {@code at}, denotes the IP).
     */
    private ApprovalAssessment assess(final List<ApprovalRecord> history, final String ip,
                                      final InventoryIndex inventory, final Instant at) {
        ApprovalRecord inForce = null;
        ApprovalRecord latestEver = history.get(history.size() - 1);
        for (ApprovalRecord record : history) {
            if (!record.at().isAfter(at)) {
                inForce = record; // history is in (time, offset) order: the last one at or before wins
            }
        }
        // Targets as the change states them at the restore time (or, for a change that did not
        // exist yet, as first stated) decide whether the change is "for the target".
        final ApprovalRecord describing = inForce != null ? inForce : history.get(0);
        if (!denotesAny(describing.approval().targets(), ip, inventory, at)) {
            return null;
        }
        final ApprovalEvent approval = describing.approval();
        final List<String> ids = history.stream().map(ApprovalRecord::eventId).toList();
        final String windowStart = approval.window() == null ? null : approval.window().start().toString();
        final String windowEnd = approval.window() == null ? null : approval.window().end().toString();
        final String approvedAt = describing.at().toString();
        if (inForce == null) {
            final String why = "approved " + describing.at() + ", after the restore started";
            return new ApprovalAssessment(new TargetVerdict.ApprovalConsidered(approval.changeId(),
                    latestEver.approval().state(), approvedAt, windowStart, windowEnd, approval.approvedBy(), false,
                    why, ids), false);
        }
        if (!approval.grants()) {
            return new ApprovalAssessment(new TargetVerdict.ApprovalConsidered(approval.changeId(), approval.state(),
                    approvedAt, windowStart, windowEnd, approval.approvedBy(), false,
                    "change was " + approval.state() + " at " + describing.at(), ids), false);
        }
        if (approval.window() == null) {
            return new ApprovalAssessment(new TargetVerdict.ApprovalConsidered(approval.changeId(), approval.state(),
                    approvedAt, null, null, approval.approvedBy(), false, "approval has no change window", ids), false);
        }
        if (approval.window().contains(at)) {
            return new ApprovalAssessment(new TargetVerdict.ApprovalConsidered(approval.changeId(), approval.state(),
                    approvedAt, windowStart, windowEnd, approval.approvedBy(), true, "covers the restore", ids), false);
        }
        final boolean near = within(approval.window().start(), at) || within(approval.window().end(), at);
        final String why = "restore at " + at + " is outside the window " + windowStart + ".." + windowEnd;
        return new ApprovalAssessment(new TargetVerdict.ApprovalConsidered(approval.changeId(), approval.state(),
                approvedAt, windowStart, windowEnd, approval.approvedBy(), false, why, ids), near);
    }

    private static boolean within(final Instant edge, final Instant at) {
        return Duration.between(edge, at).abs().compareTo(NEAR_WINDOW) <= 0;
    }

    /**
     * Whether one of an approval's targets denotes {@code ip} as of {@code at}, resolved the
     * authoritative way (inventory and DNS), never through an observer's hosts file.
     */
    public boolean denotesAny(final List<String> targets, final String ip, final InventoryIndex inventory,
                              final Instant at) {
        for (String raw : targets) {
            final Optional<String> literal = IpAddresses.normalize(raw);
            if (literal.isPresent()) {
                if (literal.get().equals(ip)) {
                    return true;
                }
                continue;
            }
            final String name = Names.normalize(raw);
            final Optional<InventoryIndex.Asset> asset = inventory.denotedAsset(name);
            if (asset.isPresent() && asset.get().ips().contains(ip)) {
                return true;
            }
            final String fqdn = asset.map(InventoryIndex.Asset::name).orElse(name);
            final List<DnsRecord> records = reference.dnsAsOf(fqdn, at);
            if (records.stream().anyMatch(r -> ip.equals(r.data()))) {
                return true;
            }
            // with an address record of its own the name resolves to one already checked; only a
            // name that is an alias needs its CNAME chain followed
            if (records.stream().allMatch(r -> "CNAME".equals(r.type()))) {
                final Optional<ReferenceView.DnsResolution> followed = reference.resolve(fqdn, at);
                if (followed.isPresent() && followed.get().ip().equals(ip)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static TargetVerdict.DnsEvidence dnsEvidence(final DnsRecord record) {
        return new TargetVerdict.DnsEvidence(record.fqdn(), record.type(), record.data(), record.addedAt().toString(),
                record.eventId(), record.user());
    }
}
