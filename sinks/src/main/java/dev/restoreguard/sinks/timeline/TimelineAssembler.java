package dev.restoreguard.sinks.timeline;

import static dev.restoreguard.sinks.timeline.Evidence.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreguard.sinks.timeline.Timeline.ApprovalRow;
import dev.restoreguard.sinks.timeline.Timeline.DiffLine;
import dev.restoreguard.sinks.timeline.Timeline.DnsRow;
import dev.restoreguard.sinks.timeline.Timeline.Entry;
import dev.restoreguard.sinks.timeline.Timeline.HostsDiff;
import dev.restoreguard.sinks.timeline.Timeline.Kind;
import dev.restoreguard.sinks.timeline.Timeline.TargetRow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns the documents of an incident into a {@link Timeline}: de-duplicates events by
 * {@code event.id} and alert versions by {@code alert.id} + {@code restoreguard.alert_version}
 * (the same version sits in the alerts data stream and in the latest-state index; a re-run of the
 * sink may have written a second copy after a rollover), orders them by event time (at equal
 * times: inventory, DNS, approvals, hosts files, restores, audit, then alerts), and explains each
 * alert with {@link CausalLinks}. No I/O: {@link IncidentSearch} fetches, this assembles.
 */
final class TimelineAssembler {

    private static final Comparator<Entry> ORDER = Comparator.comparing(Entry::at)
            .thenComparingInt(e -> e.kind().rank()).thenComparing(e -> String.valueOf(e.rule()))
            .thenComparingInt(Entry::version).thenComparing(Entry::id);
    private static final int SUMMARY_SENTENCES = 8;

    private TimelineAssembler() {
    }

    /**
     * @param scope    what was asked (an explicit window filters every entry)
     * @param from     the window searched
     * @param to       the window searched
     * @param now      when the timeline is built
     * @param events   event documents ({@code _source}), duplicates allowed
     * @param alerts   alert documents, duplicates allowed
     * @param previous for a hosts-file change's event id, the previous snapshot's document
     * @param notes    caveats from the search
     */
    static Timeline assemble(final TimelineScope scope, final Instant from, final Instant to, final Instant now,
                             final List<JsonNode> events, final List<JsonNode> alerts,
                             final Map<String, JsonNode> previous, final List<String> notes) {
        final Map<String, JsonNode> eventsById = new LinkedHashMap<>();
        for (JsonNode e : events) {
            final String id = text(e, "/event/id");
            if (id != null && inWindow(scope, e)) {
                eventsById.putIfAbsent(id, e);
            }
        }
        final Map<String, JsonNode> versions = new LinkedHashMap<>();
        for (JsonNode a : alerts) {
            final String id = text(a, "/alert/id");
            if (id != null && inWindow(scope, a)) {
                versions.putIfAbsent(id + "/" + text(a, "/restoreguard/alert_version"), a);
            }
        }
        final List<JsonNode> hostsEvents = eventsById.values().stream()
                .filter(e -> "hosts_file".equals(text(e, "/restoreguard/kind"))).toList();
        final CausalLinks links = new CausalLinks(hostsEvents);

        final List<Entry> entries = new ArrayList<>();
        eventsById.values().forEach(e -> entries.add(event(e)));
        final Map<String, List<JsonNode>> byAlert = new TreeMap<>();
        for (JsonNode a : versions.values()) {
            byAlert.computeIfAbsent(text(a, "/alert/id"), k -> new ArrayList<>()).add(a);
        }
        final Map<String, JsonNode> latestByAlert = new TreeMap<>();
        byAlert.forEach((id, list) -> {
            // versions in the order the sink wrote them; the last is the alert's current state
            list.sort(Comparator.comparing((JsonNode a) -> Evidence.parse(String.valueOf(text(a, "/event/ingested")))
                    .orElse(Instant.EPOCH)));
            list.forEach(a -> entries.add(alert(a, links, eventsById, list)));
            latestByAlert.put(id, list.get(list.size() - 1));
        });
        entries.sort(ORDER);

        final List<JsonNode> latest = latestByAlert.values().stream()
                .sorted(Comparator.comparing((JsonNode a) -> a.path("@timestamp").asText())
                        .thenComparing(a -> String.valueOf(text(a, "/rule/id")))).toList();
        return new Timeline(title(scope, latest, eventsById.values()), scope, from, to, now,
                summary(latest, links, eventsById.values()), entries, targets(latest), approvals(latest), dnsRows(latest),
                hostsDiffs(hostsEvents, previous), notes(notes, hostsEvents, previous));
    }

    private static boolean inWindow(final TimelineScope scope, final JsonNode doc) {
        final Instant at = Instant.parse(doc.path("@timestamp").asText());
        return (scope.from() == null || !at.isBefore(scope.from())) && (scope.to() == null || !at.isAfter(scope.to()));
    }

    private static Entry event(final JsonNode e) {
        final Instant at = Instant.parse(e.path("@timestamp").asText());
        final String kind = String.valueOf(text(e, "/restoreguard/kind"));
        final String observer = text(e, "/host/name");
        final String message = text(e, "/message");
        final String id = text(e, "/event/id");
        final String outcome = text(e, "/event/outcome");
        return switch (kind) {
            case "hosts_file" -> hostsEntry(e, at, id, observer);
            case "restore" -> restoreEntry(e, at, id, observer, outcome);
            case "dns_record" -> new Entry(at, Kind.DNS, id, observer, text(e, "/user/name"), message, List.of(), List.of(),
                    null, null, text(e, "/restoreguard/dns/action"), 0);
            case "approval" -> new Entry(at, Kind.APPROVAL, id, observer, text(e, "/restoreguard/approval/approved_by"),
                    message, List.of(), List.of(), null, null, text(e, "/restoreguard/approval/state"), 0);
            case "inventory" -> new Entry(at, Kind.INVENTORY, id, observer, null, message, List.of(), List.of(), null, null, null, 0);
            case "audit" -> new Entry(at, Kind.AUDIT, id, observer, null, message, List.of(), List.of(), null, null,
                    text(e, "/restoreguard/audit/action"), 0);
            default -> new Entry(at, Kind.OTHER, id, observer, text(e, "/user/name"), message, List.of(), List.of(),
                    null, null, outcome, 0);
        };
    }

    private static Entry hostsEntry(final JsonNode e, final Instant at, final String id, final String observer) {
        final JsonNode hosts = e.at("/restoreguard/hosts");
        final String path = text(e, "/file/path");
        final String writer = text(hosts, "/writer");
        final String actor = writer == null || "unknown".equals(writer) ? null : Phrases.writer(writer);
        if (hosts.path("baseline").asBoolean(false)) {
            return new Entry(at, Kind.HOSTS_FILE, id, observer, actor, "hosts file " + path + " on " + observer
                    + ": first snapshot (baseline), " + hosts.path("entry_count").asInt() + " entries",
                    List.of(), List.of(), null, null, "baseline", 0);
        }
        final List<String> changes = changes(hosts);
        return new Entry(at, Kind.HOSTS_FILE, id, observer, actor, Phrases.writer(writer) + " changed " + path + " on "
                + observer + (changes.isEmpty() ? " (no entry changed)" : ": " + String.join("; ", changes)),
                List.of(), List.of(), null, null, "changed", 0);
    }

    /** "sql-dev-01.corp.example → 10.20.1.15 (line 8, added)". */
    private static List<String> changes(final JsonNode hosts) {
        final List<String> out = new ArrayList<>();
        for (JsonNode c : hosts.path("changes")) {
            final String change = text(c, "/change");
            final String name = text(c, "/name");
            if ("removed".equals(change)) {
                out.add(name + " no longer → " + text(c, "/before_address") + " (line " + text(c, "/before_line") + " removed)");
            } else {
                out.add(name + (text(c, "/before_address") == null ? "" : " " + text(c, "/before_address")) + " → "
                        + text(c, "/after_address") + " (line " + text(c, "/after_line") + ", " + change + ")");
            }
        }
        return out;
    }

    private static Entry restoreEntry(final JsonNode e, final Instant at, final String id, final String observer,
                                      final String outcome) {
        final JsonNode r = e.at("/restoreguard/restore");
        final String state = text(r, "/state");
        final String initiator = text(r, "/initiator");
        final String what = text(r, "/product") + " restore" + (text(r, "/job") == null ? "" : " \"" + text(r, "/job") + "\"")
                + (text(r, "/database") == null ? "" : " of database " + text(r, "/database"));
        final String title = switch (String.valueOf(state)) {
            case "started" -> (initiator == null ? "someone" : initiator) + " started " + what + " to "
                    + text(r, "/target") + " on " + observer + " (session " + text(r, "/session_id") + ")";
            case "finished", "failed" -> what + " " + state + " on " + observer + ": the task reports target "
                    + text(r, "/target") + (text(r, "/task_status") == null ? "" : ", task status " + text(r, "/task_status"))
                    + (text(r, "/result") == null ? "" : ", result " + text(r, "/result"))
                    + " (session " + text(r, "/session_id") + ")";
            default -> text(e, "/message");
        };
        return new Entry(at, Kind.RESTORE, id, observer, initiator, title, List.of(), List.of(), null, null,
                state == null ? outcome : state, 0);
    }

    private static Entry alert(final JsonNode a, final CausalLinks links, final Map<String, JsonNode> eventsById,
                               final List<JsonNode> versionsOfAlert) {
        final Instant at = Instant.parse(a.path("@timestamp").asText());
        final Set<String> named = new LinkedHashSet<>();
        Evidence.eventIds(a.at("/restoreguard/evidence"), named);
        final List<String> causedBy = named.stream().filter(eventsById::containsKey)
                .sorted(Comparator.comparing((String id) -> eventsById.get(id).path("@timestamp").asText())).toList();
        final String status = text(a, "/alert/status");
        final int version = versionsOfAlert.indexOf(a) + 1;
        // a later version with the same status is the engine revising its evidence (a record that arrived later)
        final String revision = version <= 1 ? "" : ", version " + version + (status != null
                && status.equals(text(versionsOfAlert.get(version - 2), "/alert/status")) ? ": evidence updated" : "");
        final String title = text(a, "/rule/id") + " " + text(a, "/rule/name") + " (" + text(a, "/alert/severity")
                + (status == null ? "" : ", " + status) + revision + "): " + text(a, "/alert/subject");
        return new Entry(at, Kind.ALERT, text(a, "/alert/id"), text(a, "/host/name"), null, title, links.explain(a),
                causedBy, text(a, "/rule/id"), text(a, "/alert/severity"), status, version);
    }

    private static String title(final TimelineScope scope, final List<JsonNode> alerts, final java.util.Collection<JsonNode> events) {
        if (scope.kind() == TimelineScope.Kind.ALERT) {
            return alerts.stream().filter(a -> scope.value().equals(text(a, "/alert/id"))).findFirst()
                    .map(a -> "Alert " + text(a, "/rule/id") + " " + text(a, "/rule/name") + " on " + text(a, "/host/name"))
                    .orElse("Alert " + scope.value());
        }
        if (scope.kind() == TimelineScope.Kind.SESSION) {
            final String observer = events.stream().filter(e -> scope.value().equals(text(e, "/restoreguard/restore/session_id")))
                    .map(e -> text(e, "/host/name")).filter(o -> o != null).findFirst().orElse(null);
            return "Restore session " + scope.value() + (observer == null ? "" : " on " + observer);
        }
        return "Host " + scope.value();
    }

    private static List<String> summary(final List<JsonNode> alerts, final CausalLinks links,
                                        final java.util.Collection<JsonNode> events) {
        final List<String> summary = new ArrayList<>();
        final long open = alerts.stream().filter(a -> "open".equals(text(a, "/alert/status"))).count();
        summary.add(alerts.size() + (alerts.size() == 1 ? " alert" : " alerts") + " (" + open + " open), "
                + events.size() + (events.size() == 1 ? " event" : " events") + ".");
        for (JsonNode a : alerts) {
            summary.add(text(a, "/rule/id") + " " + text(a, "/alert/severity") + ", " + text(a, "/alert/status") + ", "
                    + Phrases.time(Instant.parse(a.path("@timestamp").asText())) + ": " + text(a, "/alert/reason"));
        }
        final Set<String> because = new LinkedHashSet<>();
        alerts.stream().filter(a -> "open".equals(text(a, "/alert/status"))).forEach(a -> because.addAll(links.explain(a)));
        because.stream().limit(SUMMARY_SENTENCES).forEach(summary::add);
        final Map<String, Set<String>> who = new TreeMap<>();
        for (JsonNode e : events) {
            final String kind = String.valueOf(text(e, "/restoreguard/kind"));
            switch (kind) {
                case "restore" -> role(who, text(e, "/restoreguard/restore/initiator"), "started the restore");
                case "hosts_file" -> {
                    final String writer = text(e, "/restoreguard/hosts/writer");
                    if (writer != null && !"unknown".equals(writer)
                            && !e.at("/restoreguard/hosts/baseline").asBoolean(false)) {
                        role(who, Phrases.writer(writer), "changed the hosts file of " + text(e, "/host/name"));
                    }
                }
                case "dns_record" -> role(who, text(e, "/user/name"), "changed DNS");
                case "approval" -> role(who, text(e, "/restoreguard/approval/approved_by"), "decided a change request");
                default -> {
                }
            }
        }
        if (!who.isEmpty()) {
            final List<String> people = new ArrayList<>();
            who.forEach((person, roles) -> people.add(person + " (" + String.join(", ", roles) + ")"));
            summary.add("Who: " + String.join("; ", people) + ".");
        }
        return summary;
    }

    private static void role(final Map<String, Set<String>> who, final String person, final String role) {
        if (person != null) {
            who.computeIfAbsent(person, p -> new LinkedHashSet<>()).add(role);
        }
    }

    private static List<TargetRow> targets(final List<JsonNode> alerts) {
        final Map<String, TargetRow> rows = new LinkedHashMap<>();
        final Map<String, Set<String>> rules = new LinkedHashMap<>();
        for (JsonNode a : alerts) {
            final Instant at = Instant.parse(a.path("@timestamp").asText());
            for (JsonNode t : a.at("/restoreguard/evidence/targets")) {
                final String key = at + "/" + text(a, "/restoreguard/evidence/session_id") + "/" + text(t, "/target");
                rules.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(text(a, "/rule/id"));
                rows.putIfAbsent(key, new TargetRow(null, at, text(t, "/target"), text(t, "/intended_environment"),
                        text(t, "/intended_basis"), text(t, "/effective_ip"), text(t, "/effective_environment"),
                        text(t, "/effective_basis"), text(t, "/resolved_by"), via(t)));
            }
        }
        final List<TargetRow> out = new ArrayList<>();
        rows.forEach((key, r) -> out.add(new TargetRow(String.join(", ", rules.get(key)), r.restoreTime(), r.target(),
                r.intendedEnvironment(), r.intendedBasis(), r.effectiveIp(), r.effectiveEnvironment(), r.effectiveBasis(),
                r.resolvedBy(), r.via())));
        return out;
    }

    private static String via(final JsonNode t) {
        final JsonNode hosts = t.path("hosts_entry");
        if (hosts.isObject()) {
            return "hosts line " + text(hosts, "/line") + " of " + text(hosts, "/path") + " (" + text(hosts, "/address") + ")";
        }
        final List<String> dns = new ArrayList<>();
        t.path("dns_records").forEach(r -> dns.add(text(r, "/name") + " " + text(r, "/type") + " " + text(r, "/data")));
        return dns.isEmpty() ? null : "DNS " + String.join(" → ", dns);
    }

    private static List<ApprovalRow> approvals(final List<JsonNode> alerts) {
        final Map<String, ApprovalRow> rows = new LinkedHashMap<>();
        for (JsonNode a : alerts) {
            final Instant at = Instant.parse(a.path("@timestamp").asText());
            for (JsonNode t : a.at("/restoreguard/evidence/targets")) {
                final String target = text(t, "/target");
                if (t.path("approvals").isEmpty()) {
                    rows.putIfAbsent(at + "/" + target, new ApprovalRow(at, target, null, "none", null, null, false,
                            "no change request names " + target
                                    + (text(t, "/effective_ip") == null ? "" : " or " + text(t, "/effective_ip"))));
                }
                for (JsonNode ap : t.path("approvals")) {
                    final String window = text(ap, "/window_start") == null ? null
                            : text(ap, "/window_start") + " – " + text(ap, "/window_end");
                    rows.putIfAbsent(at + "/" + target + "/" + text(ap, "/change_id"), new ApprovalRow(at, target,
                            text(ap, "/change_id"), text(ap, "/state"), text(ap, "/approved_by"), window,
                            ap.path("covers").asBoolean(false), text(ap, "/why")));
                }
            }
        }
        return List.copyOf(rows.values());
    }

    private static List<DnsRow> dnsRows(final List<JsonNode> alerts) {
        final Map<String, DnsRow> rows = new LinkedHashMap<>();
        for (JsonNode a : alerts) {
            for (JsonNode t : a.at("/restoreguard/evidence/targets")) {
                for (JsonNode r : t.path("dns_records")) {
                    final DnsRow row = new DnsRow(text(r, "/name"), text(r, "/type"), text(r, "/data"), text(r, "/added_at"),
                            text(r, "/user"), text(r, "/event_id"));
                    rows.putIfAbsent(row.name() + "/" + row.type() + "/" + row.data(), row);
                }
            }
        }
        return List.copyOf(rows.values());
    }

    private static List<HostsDiff> hostsDiffs(final List<JsonNode> hostsEvents, final Map<String, JsonNode> previous) {
        final List<HostsDiff> diffs = new ArrayList<>();
        for (JsonNode e : hostsEvents.stream().sorted(Comparator.comparing(e -> e.path("@timestamp").asText())).toList()) {
            final JsonNode hosts = e.at("/restoreguard/hosts");
            if (hosts.path("baseline").asBoolean(false)) {
                continue;
            }
            final String id = text(e, "/event/id");
            final JsonNode before = previous.get(id);
            List<DiffLine> lines = null;
            if (before != null && text(hosts, "/content") != null && text(before, "/restoreguard/hosts/content") != null) {
                lines = HostsFileDiff.diff(text(before, "/restoreguard/hosts/content"), text(hosts, "/content"));
            }
            if (lines == null) {
                lines = fromChanges(hosts);
            }
            diffs.add(new HostsDiff(Instant.parse(e.path("@timestamp").asText()), text(e, "/host/name"), text(e, "/file/path"),
                    text(hosts, "/writer"), id, before == null ? null : Instant.parse(before.path("@timestamp").asText()),
                    lines, changes(hosts)));
        }
        return diffs;
    }

    /** Without both contents: the changed entries as the collector recorded them. */
    private static List<DiffLine> fromChanges(final JsonNode hosts) {
        final List<DiffLine> lines = new ArrayList<>();
        for (JsonNode c : hosts.path("changes")) {
            if (text(c, "/before_address") != null) {
                lines.add(new DiffLine('-', c.path("before_line").asInt(), 0, text(c, "/before_address") + " " + text(c, "/name")));
            }
            if (text(c, "/after_address") != null) {
                lines.add(new DiffLine('+', 0, c.path("after_line").asInt(), text(c, "/after_address") + " " + text(c, "/name")));
            }
        }
        return lines;
    }

    private static List<String> notes(final List<String> notes, final List<JsonNode> hostsEvents,
                                      final Map<String, JsonNode> previous) {
        final List<String> out = new ArrayList<>(notes);
        for (JsonNode e : hostsEvents) {
            if (!e.at("/restoreguard/hosts/baseline").asBoolean(false) && !previous.containsKey(text(e, "/event/id"))) {
                out.add("the hosts file of " + text(e, "/host/name") + " changed at "
                        + Phrases.time(Instant.parse(e.path("@timestamp").asText()))
                        + ", but its previous snapshot is not in Elasticsearch: the diff shows the changed entries only");
            }
        }
        return out;
    }
}
