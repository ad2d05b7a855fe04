package dev.restoreguard.streams.rules;

import dev.restoreguard.events.alert.Severity;
import dev.restoreguard.streams.resolve.TargetVerdict;
import dev.restoreguard.streams.state.InventoryIndex;
import java.util.Optional;

/** RG-006: nothing tells which environment the restore really writes to. */
public final class RestoreTargetEnvironmentUnknown implements RestoreRule {

    @Override
    public RuleCatalog rule() {
        return RuleCatalog.RG_006;
    }

    @Override
    public Optional<Severity> judge(final TargetVerdict t) {
        return InventoryIndex.UNKNOWN.equals(t.effectiveEnvironment()) ? Optional.of(Severity.MEDIUM) : Optional.empty();
    }

    @Override
    public String reason(final RestoreSessionView s, final TargetVerdict t) {
        return RestoreRule.who(s) + " goes to an environment nobody knows: " + RestoreRule.route(t)
                + ", which no inventory asset or network lists.";
    }
}
