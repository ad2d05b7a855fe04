package dev.restoreguard.streams.rules;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.approval.ApprovalEvent;
import dev.restoreguard.streams.approval.ApprovalVerifier;
import java.util.List;

/**
 * RG-920..RG-924: an approval record the engine does not trust (unsigned, signature invalid or
 * key unknown, expired, replayed, out of its key's scope). It counts as no approval, so a restore
 * it would have covered still raises RG-001; this alert says why. Subject
 * {@code approval:<change_id>:<event_id>}: each rejected record is one alert.
 */
public final class ApprovalNotTrusted {

    /** The catalog entry of a rejection. */
    public static RuleCatalog rule(final ApprovalVerifier.Rejection rejection) {
        return switch (rejection) {
            case UNSIGNED -> RuleCatalog.RG_920;
            case INVALID_SIGNATURE -> RuleCatalog.RG_921;
            case EXPIRED -> RuleCatalog.RG_922;
            case REPLAYED -> RuleCatalog.RG_923;
            case OUT_OF_SCOPE -> RuleCatalog.RG_924;
        };
    }

    /** The finding for a rejected approval record. */
    public Finding judge(final Envelope event, final ApprovalVerifier.Rejected rejected) {
        final ApprovalEvent approval = (ApprovalEvent) event.payload();
        final RuleCatalog rule = rule(rejected.rejection());
        final String reason = "Approval " + approval.changeId() + " (" + approval.state() + ", from "
                + event.source() + ") " + rejected.reason() + "; it counts as no approval.";
        return new Finding(rule, "approval:" + approval.changeId() + ":" + event.eventId(), rule.baseSeverity(),
                reason, event.at(), event.observer(), approval.targets(), List.of(),
                approval.approvedBy() == null ? List.of() : List.of(approval.approvedBy()), rejected.evidence());
    }
}
