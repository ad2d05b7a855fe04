package dev.restoreguard.sinks.timeline;

import dev.restoreguard.sinks.timeline.Timeline.ApprovalRow;
import dev.restoreguard.sinks.timeline.Timeline.DiffLine;
import dev.restoreguard.sinks.timeline.Timeline.Entry;
import dev.restoreguard.sinks.timeline.Timeline.HostsDiff;
import dev.restoreguard.sinks.timeline.Timeline.TargetRow;
import java.util.Locale;

/**
 * The timeline for a console. Control characters from the data (a hosts-file comment, a user
 * name) are shown as {@code \\uXXXX}: nothing in a timeline can move the cursor or recolour a terminal.
 */
public final class TextReport {

    private static final String INDENT = "                        ";

    private TextReport() {
    }

    /** The whole timeline as lines of text. */
    public static String render(final Timeline t) {
        final StringBuilder out = new StringBuilder();
        line(out, "Timeline: " + t.title());
        line(out, "Window:   " + Phrases.time(t.from()) + " .. " + Phrases.time(t.to()) + " (generated "
                + Phrases.time(t.generatedAt()) + ")");
        out.append('\n');
        line(out, "Summary");
        t.summary().forEach(s -> line(out, "  - " + s));
        out.append('\n');
        line(out, "What happened, in order");
        for (Entry e : t.entries()) {
            line(out, "  " + Phrases.time(e.at()) + "  " + pad(e.kind().label().toUpperCase(Locale.ROOT), 10) + " " + e.title());
            if (e.actor() != null && !e.title().contains(e.actor())) {
                line(out, INDENT + "  by " + e.actor());
            }
            e.because().forEach(b -> line(out, INDENT + "  because: " + b));
            if (!e.causedBy().isEmpty()) {
                line(out, INDENT + "  follows from events " + String.join(", ", e.causedBy().stream().map(TextReport::shortId).toList()));
            }
            line(out, INDENT + "  [" + (e.kind() == Timeline.Kind.ALERT ? "alert " : "event ") + e.id() + "]");
        }
        if (!t.targets().isEmpty()) {
            out.append('\n');
            line(out, "Restore targets (as judged at the restore's time)");
            for (TargetRow r : t.targets()) {
                line(out, "  " + Phrases.time(r.restoreTime()) + "  " + r.target() + ": meant " + r.intendedEnvironment()
                        + " (" + r.intendedBasis() + "), reached " + r.effectiveIp() + " " + r.effectiveEnvironment()
                        + " (" + r.effectiveBasis() + ") via " + r.resolvedBy() + (r.via() == null ? "" : ": " + r.via())
                        + "  [" + r.rules() + "]");
            }
        }
        if (!t.approvals().isEmpty()) {
            out.append('\n');
            line(out, "Approvals considered (state at the restore's time)");
            for (ApprovalRow a : t.approvals()) {
                line(out, "  " + Phrases.time(a.restoreTime()) + "  " + a.target() + ": "
                        + (a.changeId() == null ? "none" : a.changeId() + " " + a.state()
                        + (a.approvedBy() == null ? "" : " by " + a.approvedBy())
                        + (a.window() == null ? "" : ", window " + a.window())
                        + (a.covers() ? ", covers" : ", does not cover"))
                        + (a.why() == null ? "" : " — " + a.why()));
            }
        }
        if (!t.dnsRecords().isEmpty()) {
            out.append('\n');
            line(out, "DNS records followed");
            t.dnsRecords().forEach(d -> line(out, "  " + d.name() + " " + d.type() + " " + d.data()
                    + (d.addedAt() == null ? "" : ", added " + d.addedAt()) + (d.user() == null ? "" : " by " + d.user())));
        }
        for (HostsDiff d : t.hostsDiffs()) {
            out.append('\n');
            line(out, "Hosts file " + d.path() + " on " + d.observer() + ", changed " + Phrases.time(d.at()) + " by "
                    + Phrases.writer(d.writer()));
            line(out, "  --- " + (d.before() == null ? "(previous snapshot not found)" : Phrases.time(d.before())));
            line(out, "  +++ " + Phrases.time(d.at()));
            for (DiffLine l : d.lines()) {
                line(out, "  " + (l.op() == '~' ? "  …" : l.op() + " " + pad(number(l), 4) + " " + l.text()));
            }
        }
        if (!t.notes().isEmpty()) {
            out.append('\n');
            line(out, "Notes");
            t.notes().forEach(n -> line(out, "  - " + n));
        }
        return out.toString();
    }

    private static String number(final DiffLine l) {
        final int n = l.op() == '-' ? l.before() : l.after();
        return n == 0 ? "" : String.valueOf(n);
    }

    private static String shortId(final String id) {
        return id.length() > 8 ? id.substring(0, 8) : id;
    }

    private static String pad(final String s, final int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    private static void line(final StringBuilder out, final String text) {
        out.append(safe(text)).append('\n');
    }

    /** Control characters (ESC, CR, ...) as {@code \\uXXXX}. */
    static String safe(final String text) {
        final StringBuilder b = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (c == '\t' || (!Character.isISOControl(c) && Character.getType(c) != Character.FORMAT)) {
                b.appendCodePoint(c);
            } else {
                b.append(String.format("\\u%04x", c));
            }
        });
        return b.toString();
    }
}
