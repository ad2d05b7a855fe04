package dev.restoreguard.streams.rules;

import dev.restoreguard.events.alert.Severity;
import dev.restoreguard.streams.resolve.TargetVerdict;
import dev.restoreguard.streams.state.InventoryIndex;
import java.util.Optional;

/**
 * RG-005: a production restore that no approval covers, but an approval for the target, in force
 * at the restore time, has a window starting or ending within 24 hours: most likely the right
 * change run at the wrong time.
 */
public final class RestoreOutsideChangeWindow implements RestoreRule {

    @Override
    public RuleCatalog rule() {
        return RuleCatalog.RG_005;
    }

    @Override
    public Optional<Severity> judge(final TargetVerdict t) {
        return InventoryIndex.PRODUCTION.equals(t.effectiveEnvironment()) && !t.covered() && t.outsideWindow()
                ? Optional.of(Severity.HIGH) : Optional.empty();
    }

    @Override
    public String reason(final RestoreSessionView s, final TargetVerdict t) {
        final String windows = t.approvals().stream()
                .filter(a -> a.windowStart() != null && "approved".equals(a.state()))
                .map(a -> a.changeId() + " (" + a.windowStart() + " to " + a.windowEnd() + ")")
                .reduce((a, b) -> a + ", " + b).orElse("its change");
        return RestoreRule.who(s) + " writes to production outside the approved window of " + windows + ": "
                + RestoreRule.route(t) + ".";
    }
}
