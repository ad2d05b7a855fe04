package dev.restoreguard.sinks.timeline;

import dev.restoreguard.sinks.timeline.Timeline.ApprovalRow;
import dev.restoreguard.sinks.timeline.Timeline.DiffLine;
import dev.restoreguard.sinks.timeline.Timeline.Entry;
import dev.restoreguard.sinks.timeline.Timeline.HostsDiff;
import dev.restoreguard.sinks.timeline.Timeline.TargetRow;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The timeline as Markdown for a ticket: summary, a table of events, the evidence tables and the
 * hosts diffs in {@code diff} code blocks. Values are escaped (Markdown punctuation, {@code <},
 * table pipes, line breaks), and a code block's fence is longer than any backtick run inside it.
 */
public final class MarkdownReport {

    private static final Pattern BACKTICKS = Pattern.compile("`+");

    private MarkdownReport() {
    }

    /** The whole timeline as Markdown. */
    public static String render(final Timeline t) {
        final StringBuilder m = new StringBuilder();
        m.append("# ").append(md(t.title())).append("\n\n");
        m.append("Window ").append(md(Phrases.time(t.from()))).append(" – ").append(md(Phrases.time(t.to())))
                .append(", generated ").append(md(Phrases.time(t.generatedAt()))).append(".\n\n## Summary\n\n");
        t.summary().forEach(s -> m.append("- ").append(md(s)).append('\n'));
        m.append("\n## What happened, in order\n\n| Time | Kind | What | Who |\n|---|---|---|---|\n");
        for (Entry e : t.entries()) {
            final StringBuilder what = new StringBuilder(md(e.title()));
            e.because().forEach(b -> what.append("<br>→ ").append(md(b)));
            if (!e.causedBy().isEmpty()) {
                what.append("<br>follows from ").append(md(String.join(", ", e.causedBy())));
            }
            m.append("| ").append(md(Phrases.time(e.at()))).append(" | ").append(md(e.kind().label())).append(" | ")
                    .append(what).append(" | ").append(md(e.actor())).append(" |\n");
        }
        if (!t.targets().isEmpty()) {
            m.append("\n## Restore targets\n\n| Restore time | Target | Meant | Reached | Resolved by | Alerts |\n|---|---|---|---|---|---|\n");
            for (TargetRow r : t.targets()) {
                m.append("| ").append(md(Phrases.time(r.restoreTime()))).append(" | ").append(md(r.target())).append(" | ")
                        .append(md(r.intendedEnvironment() + " (" + r.intendedBasis() + ")")).append(" | ")
                        .append(md(r.effectiveIp() + " " + r.effectiveEnvironment() + " (" + r.effectiveBasis() + ")"))
                        .append(" | ").append(md(r.resolvedBy() + (r.via() == null ? "" : ": " + r.via()))).append(" | ")
                        .append(md(r.rules())).append(" |\n");
            }
        }
        if (!t.approvals().isEmpty()) {
            m.append("\n## Approvals considered (state at the restore's time)\n\n| Restore time | Target | Change | State | Approved by | Window | Covers | Why |\n|---|---|---|---|---|---|---|---|\n");
            for (ApprovalRow a : t.approvals()) {
                m.append("| ").append(md(Phrases.time(a.restoreTime()))).append(" | ").append(md(a.target())).append(" | ")
                        .append(md(a.changeId() == null ? "none" : a.changeId())).append(" | ").append(md(a.state()))
                        .append(" | ").append(md(a.approvedBy())).append(" | ").append(md(a.window())).append(" | ")
                        .append(a.covers() ? "yes" : "no").append(" | ").append(md(a.why())).append(" |\n");
            }
        }
        if (!t.dnsRecords().isEmpty()) {
            m.append("\n## DNS records followed\n\n| Name | Type | Data | Added | By |\n|---|---|---|---|---|\n");
            t.dnsRecords().forEach(d -> m.append("| ").append(md(d.name())).append(" | ").append(md(d.type())).append(" | ")
                    .append(md(d.data())).append(" | ").append(md(d.addedAt())).append(" | ").append(md(d.user())).append(" |\n"));
        }
        for (HostsDiff d : t.hostsDiffs()) {
            m.append("\n## Hosts file ").append(md(d.path())).append(" on ").append(md(d.observer())).append(", ")
                    .append(md(Phrases.time(d.at()))).append("\n\nChanged by ").append(md(Phrases.writer(d.writer()))).append(".\n\n");
            d.changes().forEach(c -> m.append("- ").append(md(c)).append('\n'));
            final StringBuilder body = new StringBuilder();
            for (DiffLine l : d.lines()) {
                body.append(l.op() == '~' ? "  …" : l.op() + " " + TextReport.safe(l.text())).append('\n');
            }
            final String fence = fence(body.toString());
            m.append('\n').append(fence).append("diff\n").append(body).append(fence).append('\n');
        }
        if (!t.notes().isEmpty()) {
            m.append("\n## Notes\n\n");
            t.notes().forEach(n -> m.append("- ").append(md(n)).append('\n'));
        }
        return m.toString();
    }

    /** A fence longer than every backtick run of the body (CommonMark). */
    static String fence(final String body) {
        int longest = 0;
        final Matcher matcher = BACKTICKS.matcher(body);
        while (matcher.find()) {
            longest = Math.max(longest, matcher.group().length());
        }
        return "`".repeat(Math.max(3, longest + 1));
    }

    /** Escapes Markdown punctuation, {@code <}, {@code >} and line breaks for inline text and table cells. */
    static String md(final String text) {
        if (text == null) {
            return "";
        }
        final StringBuilder b = new StringBuilder(text.length() + 16);
        TextReport.safe(text.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ')).codePoints().forEach(c -> {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '\\', '`', '*', '_', '[', ']', '#', '|', '~' -> b.append('\\').appendCodePoint(c);
                default -> b.appendCodePoint(c);
            }
        });
        return b.toString();
    }
}
