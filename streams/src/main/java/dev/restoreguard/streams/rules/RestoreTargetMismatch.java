package dev.restoreguard.streams.rules;

import dev.restoreguard.events.alert.Severity;
import dev.restoreguard.streams.resolve.TargetVerdict;
import dev.restoreguard.streams.state.InventoryIndex;
import java.util.Optional;

/** RG-002: intended and effective environments are both known and differ (critical when production is hit). */
public final class RestoreTargetMismatch implements RestoreRule {

    @Override
    public RuleCatalog rule() {
        return RuleCatalog.RG_002;
    }

    @Override
    public Optional<Severity> judge(final TargetVerdict t) {
        if (InventoryIndex.UNKNOWN.equals(t.intendedEnvironment()) || InventoryIndex.UNKNOWN.equals(t.effectiveEnvironment())
                || t.intendedEnvironment().equals(t.effectiveEnvironment())) {
            return Optional.empty();
        }
        return Optional.of(InventoryIndex.PRODUCTION.equals(t.effectiveEnvironment()) ? Severity.CRITICAL : Severity.HIGH);
    }

    @Override
    public String reason(final RestoreSessionView s, final TargetVerdict t) {
        return RestoreRule.who(s) + " was meant for " + t.intendedEnvironment() + " but " + RestoreRule.route(t) + ".";
    }
}
