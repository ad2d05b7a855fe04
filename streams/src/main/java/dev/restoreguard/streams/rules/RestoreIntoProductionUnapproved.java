package dev.restoreguard.streams.rules;

import dev.restoreguard.events.alert.Severity;
import dev.restoreguard.streams.resolve.TargetVerdict;
import dev.restoreguard.streams.state.InventoryIndex;
import java.util.Optional;

/** RG-001: the restore really lands in production and no approved change covers it (and RG-005 does not apply). */
public final class RestoreIntoProductionUnapproved implements RestoreRule {

    @Override
    public RuleCatalog rule() {
        return RuleCatalog.RG_001;
    }

    @Override
    public Optional<Severity> judge(final TargetVerdict t) {
        return InventoryIndex.PRODUCTION.equals(t.effectiveEnvironment()) && !t.covered() && !t.outsideWindow()
                ? Optional.of(Severity.CRITICAL) : Optional.empty();
    }

    @Override
    public String reason(final RestoreSessionView s, final TargetVerdict t) {
        return RestoreRule.who(s) + " writes to production: " + RestoreRule.route(t)
                + ", and no approved change covers it.";
    }
}
