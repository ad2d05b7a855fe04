package dev.restoreguard.sinks.timeline;

import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreguard.sinks.timeline.IncidentDocuments.Doc;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the documents of one incident in three rounds: the seed (the alert, the session's restore
 * records and alerts, or the host's events and alerts), then every event the seed's evidence names
 * (hosts snapshots, DNS records, approvals, inventory, session records), then the context in the
 * window (hosts-file changes on the observers, DNS and approval changes touching the names and
 * addresses involved, the other alerts about the observers and sessions), and for every hosts-file
 * change the previous snapshot of the same file for the diff.
 */
final class IncidentSearch {

    /** How far before the oldest evidence an alert's or session's timeline looks for context. */
    static final Duration CONTEXT_BEFORE = Duration.ofHours(24);
    /** How far after the newest evidence (a late approval, a retraction). */
    static final Duration CONTEXT_AFTER = Duration.ofHours(1);
    /** A host's timeline without --from covers this much. */
    static final Duration HOST_WINDOW = Duration.ofHours(24);
    private static final int TERMS_CHUNK = 1000;

    private final IncidentDocuments documents;
    private final Clock clock;

    IncidentSearch(final IncidentDocuments documents, final Clock clock) {
        this.documents = documents;
        this.clock = clock;
    }

    Timeline timeline(final TimelineScope scope) {
        final List<Doc> alerts = new ArrayList<>();
        final List<Doc> events = new ArrayList<>();
        Instant from = scope.from();
        Instant to = scope.to();
        switch (scope.kind()) {
            case ALERT -> {
                alerts.addAll(documents.alerts(IncidentDocuments.term("alert.id", scope.value())));
                if (alerts.isEmpty()) {
                    throw new TimelineException("no alert with id " + scope.value() + " in Elasticsearch "
                            + "(is the Elasticsearch sink running, and is the namespace right?)");
                }
            }
            case SESSION -> {
                alerts.addAll(documents.alerts(IncidentDocuments.term("restoreguard.evidence.session_id", scope.value())));
                events.addAll(documents.events(IncidentDocuments.term("restoreguard.restore.session_id", scope.value())));
                if (alerts.isEmpty() && events.isEmpty()) {
                    throw new TimelineException("no restore session " + scope.value() + " in Elasticsearch");
                }
            }
            case HOST -> {
                to = to == null ? clock.instant() : to;
                from = from == null ? to.minus(HOST_WINDOW) : from;
                final Query window = IncidentDocuments.between(from, to);
                final Query host = Query.of(q -> q.bool(b -> b.filter(window)
                        .should(IncidentDocuments.host("host.name", scope.value()))
                        .should(IncidentDocuments.host("related.hosts", scope.value())).minimumShouldMatch("1")));
                alerts.addAll(documents.alerts(host));
                events.addAll(documents.events(host));
            }
            default -> throw new IllegalStateException(scope.kind().name());
        }
        final Reach reach = Reach.of(alerts, events);
        if (!reach.eventIds.isEmpty()) {
            for (List<String> chunk : chunks(reach.eventIds)) {
                events.addAll(documents.events(IncidentDocuments.terms("event.id", chunk)));
            }
        }
        if (!reach.sessions.isEmpty()) {
            events.addAll(documents.events(IncidentDocuments.terms("restoreguard.restore.session_id", reach.sessions)));
        }
        if (from == null || to == null) {
            final Reach all = Reach.of(alerts, events);
            from = from == null ? all.oldest.minus(CONTEXT_BEFORE) : from;
            to = to == null ? all.newest.plus(CONTEXT_AFTER) : to;
        }
        context(reach, from, to, events, alerts);
        // the context's alerts (a hosts-file alert before the restore) name evidence of their own
        final Set<String> known = new LinkedHashSet<>();
        events.forEach(d -> known.add(d.source().at("/event/id").asText()));
        final Set<String> more = new LinkedHashSet<>(Reach.of(alerts, List.of()).eventIds);
        more.removeAll(known);
        for (List<String> chunk : chunks(more)) {
            events.addAll(documents.events(IncidentDocuments.terms("event.id", chunk)));
        }
        final Map<String, JsonNode> previous = previousSnapshots(events);
        final List<String> notes = new ArrayList<>();
        if (documents.capped()) {
            notes.add("a search returned more than " + IncidentDocuments.MAX_DOCUMENTS
                    + " documents and was cut: narrow the window with --from/--to");
        }
        return TimelineAssembler.assemble(scope, from, to, clock.instant(),
                sources(events), sources(alerts), previous, notes);
    }

    /** Hosts-file changes on the observers; DNS, approval and restore records touching the names and addresses. */
    private void context(final Reach reach, final Instant from, final Instant to, final List<Doc> events, final List<Doc> alerts) {
        final Query window = IncidentDocuments.between(from, to);
        final List<Query> eventShould = new ArrayList<>();
        if (!reach.observers.isEmpty()) {
            eventShould.add(Query.of(q -> q.bool(b -> b.filter(IncidentDocuments.terms("host.name", reach.observers))
                    .filter(IncidentDocuments.terms("restoreguard.kind", List.of("hosts_file"))))));
        }
        final List<Query> touching = new ArrayList<>();
        if (!reach.names.isEmpty()) {
            touching.add(IncidentDocuments.terms("related.hosts", reach.names));
        }
        if (!reach.ips.isEmpty()) {
            touching.add(IncidentDocuments.terms("related.ip", reach.ips));
        }
        if (!touching.isEmpty()) {
            eventShould.add(Query.of(q -> q.bool(b -> b.filter(IncidentDocuments.terms("restoreguard.kind",
                    List.of("dns_record", "approval"))).should(touching).minimumShouldMatch("1"))));
        }
        if (!eventShould.isEmpty()) {
            events.addAll(documents.events(Query.of(q -> q.bool(b -> b.filter(window).should(eventShould).minimumShouldMatch("1")))));
        }
        final List<Query> alertShould = new ArrayList<>();
        if (!reach.observers.isEmpty()) {
            alertShould.add(IncidentDocuments.terms("host.name", reach.observers));
        }
        if (!reach.sessions.isEmpty()) {
            alertShould.add(IncidentDocuments.terms("restoreguard.evidence.session_id", reach.sessions));
        }
        if (!alertShould.isEmpty()) {
            alerts.addAll(documents.alerts(Query.of(q -> q.bool(b -> b.filter(window).should(alertShould).minimumShouldMatch("1")))));
        }
    }

    /** For every hosts-file change: the snapshot it was diffed against, by the hash the collector recorded. */
    private Map<String, JsonNode> previousSnapshots(final List<Doc> events) {
        final Map<String, JsonNode> previous = new LinkedHashMap<>();
        for (Doc doc : events) {
            final JsonNode s = doc.source();
            final String before = s.at("/restoreguard/hosts/sha256_before").asText(null);
            final String eventId = s.at("/event/id").asText(doc.id());
            if (before == null || previous.containsKey(eventId)) {
                continue;
            }
            final Instant at = Instant.parse(s.path("@timestamp").asText());
            final Query query = Query.of(q -> q.bool(b -> b
                    .filter(IncidentDocuments.term("host.name", s.at("/host/name").asText("")))
                    .filter(IncidentDocuments.term("file.path", s.at("/file/path").asText("")))
                    .filter(IncidentDocuments.term("file.hash.sha256", before))
                    .filter(f -> f.range(r -> r.date(d -> d.field("@timestamp").lt(at.toString()))))));
            documents.latest(query).ifPresent(p -> previous.put(eventId, p.source()));
        }
        return previous;
    }

    private static List<JsonNode> sources(final List<Doc> docs) {
        return docs.stream().map(Doc::source).filter(s -> s != null && s.isObject()).toList();
    }

    private static List<List<String>> chunks(final Set<String> values) {
        final List<List<String>> chunks = new ArrayList<>();
        final List<String> all = new ArrayList<>(values);
        for (int i = 0; i < all.size(); i += TERMS_CHUNK) {
            chunks.add(all.subList(i, Math.min(all.size(), i + TERMS_CHUNK)));
        }
        return chunks;
    }

    /** What a set of documents points at: observers, sessions, names, addresses, event ids, time span. */
    static final class Reach {
        final Set<String> observers = new LinkedHashSet<>();
        final Set<String> sessions = new LinkedHashSet<>();
        final Set<String> names = new LinkedHashSet<>();
        final Set<String> ips = new LinkedHashSet<>();
        final Set<String> eventIds = new LinkedHashSet<>();
        Instant oldest = Instant.MAX;
        Instant newest = Instant.MIN;

        static Reach of(final List<Doc> alerts, final List<Doc> events) {
            final Reach reach = new Reach();
            for (Doc doc : alerts) {
                final JsonNode s = doc.source();
                reach.time(s);
                add(reach.observers, s.at("/host/name"));
                s.at("/related/hosts").forEach(n -> add(reach.names, n));
                s.at("/related/ip").forEach(n -> add(reach.ips, n));
                final JsonNode evidence = s.at("/restoreguard/evidence");
                add(reach.sessions, evidence.path("session_id"));
                Evidence.eventIds(evidence, reach.eventIds);
                Evidence.times(evidence).forEach(reach::time);
            }
            for (Doc doc : events) {
                final JsonNode s = doc.source();
                reach.time(s);
                if ("restore".equals(s.at("/restoreguard/kind").asText())) {
                    add(reach.observers, s.at("/host/name"));
                    add(reach.sessions, s.at("/restoreguard/restore/session_id"));
                    s.at("/related/hosts").forEach(n -> add(reach.names, n));
                    s.at("/related/ip").forEach(n -> add(reach.ips, n));
                }
            }
            if (reach.oldest.equals(Instant.MAX)) {
                reach.oldest = Instant.EPOCH;
                reach.newest = Instant.EPOCH;
            }
            return reach;
        }

        private void time(final JsonNode source) {
            final JsonNode ts = source.path("@timestamp");
            if (ts.isTextual()) {
                time(Instant.parse(ts.asText()));
            }
        }

        private void time(final Instant at) {
            oldest = at.isBefore(oldest) ? at : oldest;
            newest = at.isAfter(newest) ? at : newest;
        }

        private static void add(final Set<String> set, final JsonNode node) {
            if (node.isTextual() && !node.asText().isBlank()) {
                set.add(node.asText());
            }
        }
    }
}
