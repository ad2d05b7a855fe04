package dev.restoreguard.sinks.timeline;

import dev.restoreguard.sinks.timeline.Timeline.ApprovalRow;
import dev.restoreguard.sinks.timeline.Timeline.DiffLine;
import dev.restoreguard.sinks.timeline.Timeline.DnsRow;
import dev.restoreguard.sinks.timeline.Timeline.Entry;
import dev.restoreguard.sinks.timeline.Timeline.HostsDiff;
import dev.restoreguard.sinks.timeline.Timeline.Kind;
import dev.restoreguard.sinks.timeline.Timeline.TargetRow;
import java.util.List;
import java.util.Locale;

/**
 * One self-contained incident report: inline CSS and an inline SVG timeline, no script, font,
 * image or link that needs a network (a Content-Security-Policy forbids them too). Every value from
 * the data is escaped: a hosts-file comment or a user name cannot add markup.
 */
public final class HtmlReport {

    private static final int ROW = 30;
    private static final int AXIS = 200;
    private static final int MAX_LABEL = 120;
    private static final String CSS = """
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f2937;background:#f8fafc}
            main{max-width:1200px;margin:0 auto;padding:24px}
            header{background:#111827;color:#f9fafb;padding:20px 24px}
            header h1{margin:0 0 4px;font-size:22px}header p{margin:2px 0;color:#d1d5db}
            section{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:16px 20px;margin:16px 0}
            h2{font-size:17px;margin:0 0 12px}h3{font-size:15px;margin:16px 0 8px}
            table{border-collapse:collapse;width:100%;font-size:13px}
            th,td{border-bottom:1px solid #e5e7eb;padding:6px 8px;text-align:left;vertical-align:top}
            th{background:#f3f4f6}td.time{white-space:nowrap;font-family:ui-monospace,Menlo,Consolas,monospace}
            .kind{display:inline-block;padding:1px 6px;border-radius:4px;color:#fff;font-size:12px;white-space:nowrap}
            .because{margin:4px 0 0;padding-left:18px;color:#374151}.ids{color:#6b7280;font-size:12px;word-break:break-all}
            tr.alert td{background:#fef2f2}
            svg text{font:12px ui-monospace,Menlo,Consolas,monospace;fill:#1f2937}svg text.label{font-family:system-ui,sans-serif}
            pre.diff{background:#0f172a;color:#e2e8f0;padding:12px;border-radius:6px;overflow-x:auto;font-size:13px}
            pre.diff span{display:block;white-space:pre}pre.diff .add{background:#14532d;color:#bbf7d0}
            pre.diff .del{background:#7f1d1d;color:#fecaca}pre.diff .skip{color:#94a3b8}
            .yes{color:#047857;font-weight:600}.no{color:#b91c1c;font-weight:600}
            """;

    private HtmlReport() {
    }

    /** The report as one HTML document. */
    public static String render(final Timeline t) {
        final StringBuilder h = new StringBuilder(16_384);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>RestoreGuard incident report: ").append(esc(t.title())).append("</title>\n")
                .append("<style>").append(CSS).append("</style></head>\n<body>\n<header><h1>RestoreGuard incident report</h1>")
                .append("<p id=\"title\">").append(esc(t.title())).append("</p><p>Window ").append(esc(Phrases.time(t.from())))
                .append(" – ").append(esc(Phrases.time(t.to()))).append(", generated ").append(esc(Phrases.time(t.generatedAt())))
                .append("</p></header>\n<main>\n");
        h.append("<section id=\"summary\"><h2>Summary</h2><ul>");
        t.summary().forEach(s -> h.append("<li>").append(esc(s)).append("</li>"));
        h.append("</ul></section>\n");
        svg(h, t.entries());
        events(h, t.entries());
        evidence(h, t);
        hostsDiffs(h, t.hostsDiffs());
        if (!t.notes().isEmpty()) {
            h.append("<section id=\"notes\"><h2>Notes</h2><ul>");
            t.notes().forEach(n -> h.append("<li>").append(esc(n)).append("</li>"));
            h.append("</ul></section>\n");
        }
        return h.append("</main>\n</body></html>\n").toString();
    }

    private static void svg(final StringBuilder h, final List<Entry> entries) {
        final int height = 20 + Math.max(1, entries.size()) * ROW;
        h.append("<section id=\"timeline\"><h2>Timeline</h2>\n<svg id=\"timeline-svg\" xmlns=\"http://www.w3.org/2000/svg\" ")
                .append("role=\"img\" aria-label=\"timeline of the incident\" width=\"1150\" height=\"").append(height)
                .append("\" viewBox=\"0 0 1150 ").append(height).append("\">\n<line x1=\"").append(AXIS).append("\" y1=\"10\" x2=\"")
                .append(AXIS).append("\" y2=\"").append(height - 10).append("\" stroke=\"#9ca3af\" stroke-width=\"2\"/>\n");
        int y = 25;
        for (Entry e : entries) {
            final String label = e.kind().label() + ": " + e.title();
            h.append("<g class=\"entry ").append(cssKind(e.kind())).append("\"><title>").append(esc(label)).append("</title>")
                    .append("<text x=\"8\" y=\"").append(y + 4).append("\">").append(esc(Phrases.time(e.at()))).append("</text>")
                    .append("<circle cx=\"").append(AXIS).append("\" cy=\"").append(y).append("\" r=\"")
                    .append(e.kind() == Kind.ALERT ? 8 : 6).append("\" fill=\"").append(color(e.kind())).append("\"/>")
                    .append("<text class=\"label\" x=\"").append(AXIS + 16).append("\" y=\"").append(y + 4).append("\"")
                    .append(e.kind() == Kind.ALERT ? " font-weight=\"bold\" style=\"fill:#b91c1c\"" : "").append(">")
                    .append(esc(truncate(label))).append("</text></g>\n");
            y += ROW;
        }
        h.append("</svg></section>\n");
    }

    private static void events(final StringBuilder h, final List<Entry> entries) {
        h.append("<section id=\"events\"><h2>What happened, in order</h2><table><thead><tr><th>Time</th><th>Kind</th>")
                .append("<th>What</th><th>Who</th></tr></thead><tbody>\n");
        for (Entry e : entries) {
            h.append("<tr class=\"").append(cssKind(e.kind())).append("\"><td class=\"time\">").append(esc(Phrases.time(e.at())))
                    .append("</td><td><span class=\"kind\" style=\"background:").append(color(e.kind())).append("\">")
                    .append(esc(e.kind().label())).append("</span></td><td>").append(esc(e.title()));
            if (!e.because().isEmpty()) {
                h.append("<ul class=\"because\">");
                e.because().forEach(b -> h.append("<li>").append(esc(b)).append("</li>"));
                h.append("</ul>");
            }
            if (!e.causedBy().isEmpty()) {
                h.append("<div class=\"ids\">follows from events ").append(esc(String.join(", ", e.causedBy()))).append("</div>");
            }
            h.append("<div class=\"ids\">").append(e.kind() == Kind.ALERT ? "alert " : "event ").append(esc(e.id()))
                    .append("</div></td><td>").append(esc(e.actor() == null ? "" : e.actor())).append("</td></tr>\n");
        }
        h.append("</tbody></table></section>\n");
    }

    private static void evidence(final StringBuilder h, final Timeline t) {
        if (t.targets().isEmpty() && t.approvals().isEmpty() && t.dnsRecords().isEmpty()) {
            return;
        }
        h.append("<section id=\"evidence\"><h2>Evidence</h2>\n");
        if (!t.targets().isEmpty()) {
            h.append("<h3>Restore targets, as judged at the restore's time</h3><table id=\"targets\"><thead><tr><th>Restore time</th>")
                    .append("<th>Target</th><th>Meant</th><th>Reached</th><th>Resolved by</th><th>Alerts</th></tr></thead><tbody>");
            for (TargetRow r : t.targets()) {
                h.append("<tr><td class=\"time\">").append(esc(Phrases.time(r.restoreTime()))).append("</td><td>").append(esc(r.target()))
                        .append("</td><td>").append(esc(r.intendedEnvironment())).append(" <span class=\"ids\">")
                        .append(esc(r.intendedBasis())).append("</span></td><td>").append(esc(r.effectiveIp())).append(' ')
                        .append(esc(r.effectiveEnvironment())).append(" <span class=\"ids\">").append(esc(r.effectiveBasis()))
                        .append("</span></td><td>").append(esc(r.resolvedBy())).append(r.via() == null ? "" : ": " + esc(r.via()))
                        .append("</td><td>").append(esc(r.rules())).append("</td></tr>");
            }
            h.append("</tbody></table>\n");
        }
        if (!t.approvals().isEmpty()) {
            h.append("<h3>Approvals considered, with their state at the restore's time</h3><table id=\"approvals\"><thead><tr>")
                    .append("<th>Restore time</th><th>Target</th><th>Change</th><th>State</th><th>Approved by</th><th>Window</th>")
                    .append("<th>Covers</th><th>Why</th></tr></thead><tbody>");
            for (ApprovalRow a : t.approvals()) {
                h.append("<tr><td class=\"time\">").append(esc(Phrases.time(a.restoreTime()))).append("</td><td>").append(esc(a.target()))
                        .append("</td><td>").append(esc(a.changeId() == null ? "none" : a.changeId())).append("</td><td>")
                        .append(esc(a.state())).append("</td><td>").append(esc(a.approvedBy())).append("</td><td>")
                        .append(esc(a.window())).append("</td><td class=\"").append(a.covers() ? "yes\">yes" : "no\">no")
                        .append("</td><td>").append(esc(a.why())).append("</td></tr>");
            }
            h.append("</tbody></table>\n");
        }
        if (!t.dnsRecords().isEmpty()) {
            h.append("<h3>DNS records followed</h3><table id=\"dns\"><thead><tr><th>Name</th><th>Type</th><th>Data</th>")
                    .append("<th>Added</th><th>By</th></tr></thead><tbody>");
            for (DnsRow d : t.dnsRecords()) {
                h.append("<tr><td>").append(esc(d.name())).append("</td><td>").append(esc(d.type())).append("</td><td>")
                        .append(esc(d.data())).append("</td><td>").append(esc(d.addedAt())).append("</td><td>")
                        .append(esc(d.user())).append("</td></tr>");
            }
            h.append("</tbody></table>\n");
        }
        h.append("</section>\n");
    }

    private static void hostsDiffs(final StringBuilder h, final List<HostsDiff> diffs) {
        if (diffs.isEmpty()) {
            return;
        }
        h.append("<section id=\"hosts-diff\"><h2>Hosts-file changes</h2>\n");
        for (HostsDiff d : diffs) {
            h.append("<h3>").append(esc(d.path())).append(" on ").append(esc(d.observer())).append(", ")
                    .append(esc(Phrases.time(d.at()))).append(", by ").append(esc(Phrases.writer(d.writer()))).append("</h3>");
            if (!d.changes().isEmpty()) {
                h.append("<ul>");
                d.changes().forEach(c -> h.append("<li>").append(esc(c)).append("</li>"));
                h.append("</ul>");
            }
            h.append("<pre class=\"diff\"><span class=\"skip\">--- ")
                    .append(esc(d.before() == null ? "previous snapshot not found" : Phrases.time(d.before())))
                    .append("</span><span class=\"skip\">+++ ").append(esc(Phrases.time(d.at()))).append("</span>");
            for (DiffLine l : d.lines()) {
                final String css = switch (l.op()) {
                    case '+' -> "add";
                    case '-' -> "del";
                    case '~' -> "skip";
                    default -> "ctx";
                };
                final int n = l.op() == '-' ? l.before() : l.after();
                h.append("<span class=\"").append(css).append("\">").append(l.op() == '~' ? "  " : l.op() + " ")
                        .append(l.op() == '~' ? "" : String.format("%4s ", n == 0 ? "" : String.valueOf(n)))
                        .append(esc(l.text())).append("</span>");
            }
            h.append("</pre>\n");
        }
        h.append("</section>\n");
    }

    private static String truncate(final String label) {
        return label.codePointCount(0, label.length()) <= MAX_LABEL ? label
                : label.substring(0, label.offsetByCodePoints(0, MAX_LABEL - 1)) + "…";
    }

    private static String cssKind(final Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String color(final Kind kind) {
        return switch (kind) {
            case INVENTORY -> "#6b7280";
            case DNS -> "#2563eb";
            case APPROVAL -> "#059669";
            case HOSTS_FILE -> "#d97706";
            case RESTORE -> "#7c3aed";
            case AUDIT -> "#475569";
            case ALERT -> "#dc2626";
            case OTHER -> "#6b7280";
        };
    }

    /** HTML-escapes text for element content and quoted attributes; drops control characters. */
    static String esc(final String text) {
        if (text == null) {
            return "";
        }
        final StringBuilder b = new StringBuilder(text.length() + 16);
        text.codePoints().forEach(c -> {
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    if (c == '\t' || !Character.isISOControl(c)) {
                        b.appendCodePoint(c);
                    } else {
                        b.append('\uFFFD');
                    }
                }
            }
        });
        return b.toString();
    }
}
