package dev.restoreguard.sinks.timeline;

import static dev.restoreguard.sinks.timeline.Evidence.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Spells out why an alert was raised, from its evidence and the hosts-file history in the
 * timeline: "sql-dev-01.corp.example resolved to 10.20.1.15 (production) because of line 8 of
 * vbr01's hosts file, added 21 minutes earlier by CORP\jdoe."
 */
final class CausalLinks {

    private final List<JsonNode> hostsEvents;

    /** @param hostsEvents the hosts-file event documents of the timeline */
    CausalLinks(final List<JsonNode> hostsEvents) {
        this.hostsEvents = hostsEvents.stream()
                .sorted(Comparator.comparing(s -> s.path("@timestamp").asText())).toList();
    }

    /** The sentences for one alert document. */
    List<String> explain(final JsonNode alert) {
        final JsonNode evidence = alert.at("/restoreguard/evidence");
        final Instant at = Instant.parse(alert.path("@timestamp").asText());
        final List<String> sentences = new ArrayList<>();
        if (evidence.path("targets").isArray()) {
            restore(evidence, at, sentences);
        } else if (evidence.has("snapshot_event_id") && evidence.has("line")) {
            sentences.add(hostsOverride(evidence));
        } else if (evidence.has("change_event_id") && evidence.has("name_environment")) {
            sentences.add(dnsRecord(evidence));
        }
        if (sentences.isEmpty()) {
            final String reason = text(alert, "/alert/reason");
            sentences.add(reason == null ? "no evidence recorded" : reason);
        }
        return sentences;
    }

    private void restore(final JsonNode evidence, final Instant at, final List<String> sentences) {
        final String observer = text(evidence, "/observer");
        final String initiator = text(evidence, "/initiator");
        for (JsonNode t : evidence.path("targets")) {
            final String target = text(t, "/target");
            final String ip = text(t, "/effective_ip");
            final String env = text(t, "/effective_environment");
            final String reached = ip + " (" + env + ")";
            switch (String.valueOf(text(t, "/resolved_by"))) {
                case "hosts-file" -> sentences.add(target + " resolved to " + reached + " because of "
                        + hostsLine(observer, target, ip, t.path("hosts_entry"), at) + ".");
                case "dns" -> sentences.add(target + " resolved to " + reached + " through DNS: "
                        + dnsChain(t.path("dns_records"), at) + ".");
                case "ip-literal" -> sentences.add(target + " is an address (" + env + "): no name was resolved.");
                case "inventory" -> sentences.add(target + " resolved to " + reached + " through the inventory.");
                default -> sentences.add(target + " could not be resolved: where the restore landed is unknown.");
            }
            final String intended = text(t, "/intended_environment");
            if (intended != null && env != null && !intended.equals(env)) {
                sentences.add((initiator == null ? "The operator" : initiator) + " meant " + target + " (" + intended
                        + ", " + text(t, "/intended_basis") + "); the restore really reached " + reached + ", "
                        + text(t, "/effective_basis") + ".");
            }
            sentences.addAll(approvals(t, target, ip, at));
        }
        for (JsonNode r : evidence.path("records")) {
            final String state = text(r, "/state");
            if ("finished".equals(state) || "failed".equals(state)) {
                sentences.add("The task " + state + " at " + Phrases.time(Instant.parse(r.path("at").asText()))
                        + (text(r, "/target") == null ? "" : " on target " + text(r, "/target"))
                        + (text(r, "/task_status") == null ? "" : ", task status " + text(r, "/task_status"))
                        + (text(r, "/result") == null ? "" : ", result " + text(r, "/result")) + ".");
            }
        }
    }

    /** "line 8 of vbr01's hosts file, added 21 minutes earlier by CORP\jdoe". */
    private String hostsLine(final String observer, final String target, final String ip, final JsonNode entry,
                             final Instant at) {
        final String line = "line " + text(entry, "/line") + " of " + Phrases.shortHost(observer) + "'s hosts file";
        final Optional<JsonNode> added = lineAdded(observer, target, ip, at);
        if (added.isPresent()) {
            final JsonNode s = added.get();
            return line + ", added " + Phrases.relative(Instant.parse(s.path("@timestamp").asText()), at) + " by "
                    + Phrases.writer(text(s, "/restoreguard/hosts/writer"));
        }
        final String snapshotAt = text(entry, "/snapshot_at");
        return line + (snapshotAt == null ? "" : ", there since the snapshot of " + Phrases.time(Instant.parse(snapshotAt)))
                + ", written by " + Phrases.writer(text(entry, "/writer"));
    }

    /** The newest hosts-file change on the observer at or before {@code at} that sent {@code name} to {@code ip}. */
    Optional<JsonNode> lineAdded(final String observer, final String name, final String ip, final Instant at) {
        JsonNode found = null;
        for (JsonNode s : hostsEvents) {
            if (!String.valueOf(observer).equals(text(s, "/host/name"))
                    || Instant.parse(s.path("@timestamp").asText()).isAfter(at)) {
                continue;
            }
            for (JsonNode c : s.at("/restoreguard/hosts/changes")) {
                if (!"removed".equals(text(c, "/change")) && sameName(text(c, "/name"), name)
                        && String.valueOf(ip).equals(text(c, "/after_address"))) {
                    found = s;
                }
            }
        }
        return Optional.ofNullable(found);
    }

    private static boolean sameName(final String a, final String b) {
        return a != null && b != null && (a.equalsIgnoreCase(b) || Phrases.shortHost(a).equalsIgnoreCase(Phrases.shortHost(b)));
    }

    private static String dnsChain(final JsonNode records, final Instant at) {
        final List<String> parts = new ArrayList<>();
        for (JsonNode r : records) {
            final String addedAt = text(r, "/added_at");
            parts.add(text(r, "/type") + " record " + text(r, "/name") + " → " + text(r, "/data")
                    + (addedAt == null ? "" : ", added " + Phrases.relative(Instant.parse(addedAt), at))
                    + (text(r, "/user") == null ? "" : " by " + text(r, "/user")));
        }
        return parts.isEmpty() ? "no record recorded" : String.join("; then ", parts);
    }

    private static List<String> approvals(final JsonNode t, final String target, final String ip, final Instant at) {
        final List<String> sentences = new ArrayList<>();
        final JsonNode approvals = t.path("approvals");
        if (!approvals.isArray() || approvals.isEmpty()) {
            sentences.add("No change request named " + target + (ip == null || ip.equals(target) ? "" : " or " + ip)
                    + " at " + Phrases.time(at) + ": nothing approved this restore.");
            return sentences;
        }
        for (JsonNode a : approvals) {
            final boolean covers = a.path("covers").asBoolean(false);
            sentences.add("Change " + text(a, "/change_id") + " was " + text(a, "/state") + " at " + Phrases.time(at)
                    + (text(a, "/approved_by") == null ? "" : " (approved by " + text(a, "/approved_by") + ")")
                    + (covers ? " and covered the restore" : " and did not cover it")
                    + (text(a, "/why") == null ? "" : ": " + text(a, "/why")) + ".");
        }
        return sentences;
    }

    private static String hostsOverride(final JsonNode e) {
        final String at = text(e, "/snapshot_at");
        return "Line " + text(e, "/line") + " of " + Phrases.shortHost(text(e, "/observer")) + "'s hosts file ("
                + text(e, "/path") + ")" + (at == null ? "" : ", seen at " + Phrases.time(Instant.parse(at)))
                + " and written by " + Phrases.writer(text(e, "/writer")) + ", sends " + text(e, "/name") + " ("
                + text(e, "/intended_environment") + ") to " + text(e, "/address") + " (" + text(e, "/address_environment") + ").";
    }

    private static String dnsRecord(final JsonNode e) {
        return "DNS " + text(e, "/type") + " record " + text(e, "/name") + " → " + text(e, "/address")
                + (text(e, "/server") == null ? "" : " on " + text(e, "/server"))
                + (text(e, "/user") == null ? "" : " by " + text(e, "/user")) + " joins a " + text(e, "/name_environment")
                + " name to a " + text(e, "/address_environment") + " address.";
    }
}
