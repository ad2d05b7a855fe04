package dev.restoreguard.sinks.alert;

import dev.restoreguard.events.alert.Alert;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An alert put into words for the person who gets paged: a title that says what happened and
 * where, why RestoreGuard thinks so (the engine's one-sentence reason), what to check first, and
 * a link to the timeline. Every channel renders from this, so Slack, Teams, email, PagerDuty and
 * syslog tell the same story.
 *
 * @param title      {@code [CRITICAL] Restore into production without an approved change on vbr01.corp.example}
 * @param what       the rule in plain words
 * @param where      the observer and the hosts/IPs involved
 * @param why        the alert's reason
 * @param checkFirst the first thing to look at
 * @param link       the timeline link, or null
 * @param retraction whether this message withdraws an earlier alert
 */
public record AlertMessage(String title, String what, String where, String why, String checkFirst, String link,
                           boolean retraction) {

    /** Renders {@code alert}; {@code linkTemplate} may be null. */
    public static AlertMessage of(final Alert alert, final String linkTemplate) {
        final boolean retracted = Alert.RETRACTED.equals(alert.alert().status());
        final String what = what(alert.rule().id(), alert.rule().name());
        final String host = alert.host() == null ? null : alert.host().name();
        final String severity = alert.alert().severity().label().toUpperCase(Locale.ROOT);
        final String title = (retracted ? "[RESOLVED] " : "[" + severity + "] ") + what
                + (host == null ? "" : " on " + host) + (retracted ? " (retracted: no longer applies)" : "");
        final List<String> where = new ArrayList<>();
        if (host != null) {
            where.add("seen from " + host);
        }
        if (!alert.related().hosts().isEmpty()) {
            where.add("hosts " + String.join(", ", alert.related().hosts()));
        }
        if (!alert.related().ip().isEmpty()) {
            where.add("IPs " + String.join(", ", alert.related().ip()));
        }
        if (!alert.related().user().isEmpty()) {
            where.add("by " + String.join(", ", alert.related().user()));
        }
        final String link = linkTemplate == null ? null : linkTemplate
                .replace("{alert.id}", encode(alert.alert().id()))
                .replace("{alert.subject}", encode(alert.alert().subject()));
        return new AlertMessage(title, what, where.isEmpty() ? alert.alert().subject() : String.join("; ", where),
                alert.alert().reason(), retracted ? "Nothing to do; a later record (for example an approval that "
                        + "arrived late) showed the finding does not hold." : checkFirst(alert.rule().id()), link, retracted);
    }

    /** The message as plain text lines (email body, syslog, fallback text). */
    public String plainText(final Alert alert) {
        final StringBuilder out = new StringBuilder();
        out.append(title).append("\n\n");
        out.append("What:  ").append(what).append('\n');
        out.append("Where: ").append(where).append('\n');
        out.append("When:  ").append(alert.timestamp()).append('\n');
        out.append("Why:   ").append(why).append('\n');
        out.append("Check first: ").append(checkFirst).append('\n');
        if (link != null) {
            out.append("Timeline: ").append(link).append('\n');
        }
        out.append('\n').append("Rule ").append(alert.rule().id()).append(" (").append(alert.rule().name()).append("), severity ")
                .append(alert.alert().severity().label()).append(", status ").append(alert.alert().status())
                .append(", alert id ").append(alert.alert().id()).append(", subject ").append(alert.alert().subject()).append('\n');
        return out.toString();
    }

    private static String what(final String ruleId, final String ruleName) {
        return switch (ruleId) {
            case "RG-001" -> "Restore into production without an approved change";
            case "RG-002" -> "Restore lands in another environment than intended";
            case "RG-003" -> "Hosts file sends a name into another environment";
            case "RG-004" -> "DNS record points a name into another environment";
            case "RG-005" -> "Restore into production outside its change window";
            case "RG-006" -> "Restore into an unknown environment";
            default -> ruleName == null ? ruleId : ruleName.replace('-', ' ');
        };
    }

    private static String checkFirst(final String ruleId) {
        return switch (ruleId) {
            case "RG-001" -> "Is the restore still running? Stop it in the backup console if nobody owns it, then check "
                    + "the backup server's hosts file and DNS for the target name: which production machine is being overwritten?";
            case "RG-002" -> "Compare the target name the operator typed with the IP it resolved to on the backup server "
                    + "(hosts file first, then DNS); the evidence names both.";
            case "RG-003" -> "Open the hosts file on the named server: who added the entry (the evidence names the writer) "
                    + "and does any running restore use that name?";
            case "RG-004" -> "Who changed the DNS record (the evidence names the user), and is a restore about to use the name?";
            case "RG-005" -> "Ask the change owner whether the window was moved; the approval's window is in the evidence.";
            case "RG-006" -> "Find out what the target IP is and add it (or its network) to the inventory.";
            default -> "Check RestoreGuard's pipeline health (dead-letter topic, collector heartbeats).";
        };
    }

    private static String encode(final String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
