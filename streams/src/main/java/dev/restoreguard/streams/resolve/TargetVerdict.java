package dev.restoreguard.streams.resolve;

import java.util.List;

/**
 * Everything the rules need to know about one target of a restore, evaluated as of the restore
 * time: where the operator meant to restore, where the observer really reached, and which
 * approvals were considered. Serialized as-is into the alert's evidence.
 *
 * @param target            the normalized intended target (name or IP)
 * @param intendedEnvironment environment of the intended target
 * @param intendedBasis     how it was found ({@code asset:NAME}, {@code dns:IP}, {@code ip}, {@code none})
 * @param effectiveIp       the address actually reached, or null
 * @param effectiveEnvironment environment of {@code effectiveIp} ({@code unknown} if none)
 * @param effectiveBasis    where the environment came from ({@code asset:NAME}, {@code network:CIDR})
 * @param resolvedBy        {@code ip-literal}, {@code hosts-file}, {@code dns}, {@code inventory} or {@code none}
 * @param hostsEntry        the hosts entry used, when the hosts file decided
 * @param dnsRecords        the DNS records followed, when DNS decided
 * @param approvals         approvals for the target and why each did or did not cover
 * @param covered           whether an approval covers the restore
 * @param outsideWindow     whether RG-005 applies (approval in force, window within 24 h)
 */
public record TargetVerdict(
        String target,
        String intendedEnvironment,
        String intendedBasis,
        String effectiveIp,
        String effectiveEnvironment,
        String effectiveBasis,
        String resolvedBy,
        HostsEvidence hostsEntry,
        List<DnsEvidence> dnsRecords,
        List<ApprovalConsidered> approvals,
        boolean covered,
        boolean outsideWindow) {

    /** The hosts-file line that sent the name somewhere. */
    public record HostsEvidence(String path, int line, String address, String snapshotEventId, String snapshotAt,
                                String writer) {
    }

    /** A DNS record followed during resolution. */
    public record DnsEvidence(String name, String type, String data, String addedAt, String eventId, String user) {
    }

    /** An approval for the target, and the verdict on it. */
    public record ApprovalConsidered(String changeId, String state, String approvedAt, String windowStart,
                                     String windowEnd, String approvedBy, boolean covers, String why,
                                     List<String> eventIds) {
    }
}
