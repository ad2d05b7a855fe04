package dev.restoreguard.streams.rules;

import dev.restoreguard.events.alert.Severity;
import java.util.List;

/**
 * The rule catalog of the detection contract (RG-001..RG-006) and RestoreGuard's own
 * pipeline-health and security rules (RG-9xx), documented in {@code docs/detections.md}.
 */
public enum RuleCatalog {
    RG_001("RG-001", "restore-into-production-unapproved",
            "A restore's effective environment is production and no approved change covers it.", Severity.CRITICAL),
    RG_002("RG-002", "restore-target-mismatch",
            "The restore's intended and effective environments are both known and differ.", Severity.HIGH),
    RG_003("RG-003", "hosts-override-crosses-environment",
            "A hosts-file entry sends a name to an address of another environment.", Severity.HIGH),
    RG_004("RG-004", "dns-record-crosses-environment",
            "A DNS A/AAAA record points a name of one environment at an address of another.", Severity.HIGH),
    RG_005("RG-005", "restore-outside-change-window",
            "A production restore is not covered, but an approval for its target has a window within 24 hours.",
            Severity.HIGH),
    RG_006("RG-006", "restore-target-environment-unknown",
            "Nothing in the inventory explains where the restore really went.", Severity.MEDIUM),
    RG_901("RG-901", "restore-record-unreadable",
            "A restore record could not be read or processed and went to the dead-letter topic.", Severity.HIGH),
    RG_902("RG-902", "approval-record-unreadable",
            "An approval record could not be read or processed and went to the dead-letter topic; it counts as no approval.",
            Severity.HIGH),
    RG_903("RG-903", "input-record-unreadable",
            "A hosts, DNS or inventory record could not be read or processed and went to the dead-letter topic.",
            Severity.MEDIUM),
    RG_910("RG-910", "collector-silent",
            "A collector sent no heartbeat for longer than the configured silence threshold.", Severity.HIGH),
    RG_920("RG-920", "approval-unsigned",
            "An approval record carries no signature of the approval bridge; it counts as no approval.",
            Severity.HIGH),
    RG_921("RG-921", "approval-signature-invalid",
            "An approval record's signature does not verify or names a key the engine does not trust; "
                    + "it counts as no approval.", Severity.HIGH),
    RG_922("RG-922", "approval-expired",
            "A signed approval record arrived after its signature expired; it counts as no approval.",
            Severity.MEDIUM),
    RG_923("RG-923", "approval-replayed",
            "A signed approval record that was already accepted was published again; the copy counts as no approval.",
            Severity.HIGH),
    RG_924("RG-924", "approval-out-of-scope",
            "A signed approval record is outside what its key may approve (origin or target environment); "
                    + "it counts as no approval.", Severity.HIGH),
    RG_930("RG-930", "collector-chain-gap",
            "Events of a collector's chain are missing: the sequence jumped (lost, deleted or suppressed events).",
            Severity.MEDIUM),
    RG_931("RG-931", "collector-chain-reorder",
            "A collector's chained event arrived after a later one of the same chain.", Severity.MEDIUM),
    RG_932("RG-932", "collector-chain-rewritten",
            "A collector's chained event does not match its chain: it was rewritten or forged after it was chained.",
            Severity.HIGH),
    RG_933("RG-933", "collector-chain-restarted",
            "A collector's chain started again from 1: its chain state was lost or reset.", Severity.LOW);

    private final String id;
    private final String ruleName;
    private final String description;
    private final Severity baseSeverity;

    RuleCatalog(final String id, final String ruleName, final String description, final Severity baseSeverity) {
        this.id = id;
        this.ruleName = ruleName;
        this.description = description;
        this.baseSeverity = baseSeverity;
    }

    public String id() {
        return id;
    }

    public String ruleName() {
        return ruleName;
    }

    public String description() {
        return description;
    }

    public Severity baseSeverity() {
        return baseSeverity;
    }

    /** ECS {@code event.category} of the rule's alerts. */
    public List<String> categories() {
        if (id.startsWith("RG-92")) {
            return List.of("intrusion_detection"); // someone may be trying to silence RG-001
        }
        return id.startsWith("RG-9") ? List.of("process") : List.of("configuration");
    }
}
