package dev.restoreguard.streams.rules;

import dev.restoreguard.events.alert.Severity;
import dev.restoreguard.streams.resolve.TargetVerdict;
import java.util.Optional;

/** A rule that judges one target of a restore session; the session's verdict is the most severe. */
public interface RestoreRule {

    RuleCatalog rule();

    /** The severity this target earns under the rule, or empty when the rule does not fire. */
    Optional<Severity> judge(TargetVerdict target);

    /** One sentence for the on-call engineer, about the target that decided the verdict. */
    String reason(RestoreSessionView session, TargetVerdict target);

    /** What a reason sentence needs to know of the session. */
    interface RestoreSessionView {
        String product();

        String sessionId();

        String observer();

        String initiator();
    }

    /** "sql-dev-01.corp.example resolves to 10.20.1.15 (production) via line 8 of the hosts file". */
    static String route(final TargetVerdict v) {
        if (v.effectiveIp() == null) {
            return v.target() + " resolves to no address known to RestoreGuard";
        }
        final String via = switch (v.resolvedBy()) {
            case "hosts-file" -> " via line " + v.hostsEntry().line() + " of the observer's hosts file";
            case "dns" -> " via DNS";
            case "inventory" -> " via the inventory";
            default -> "";
        };
        if ("ip-literal".equals(v.resolvedBy())) {
            return v.target() + " (" + v.effectiveEnvironment() + ")";
        }
        return v.target() + " resolves to " + v.effectiveIp() + " (" + v.effectiveEnvironment() + ")" + via;
    }

    static String who(final RestoreSessionView s) {
        return s.product() + " restore " + s.sessionId() + " on " + s.observer()
                + (s.initiator() == null ? "" : " by " + s.initiator());
    }
}
