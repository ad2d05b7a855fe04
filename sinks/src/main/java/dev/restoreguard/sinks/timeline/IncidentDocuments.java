package dev.restoreguard.sinks.timeline;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what the Elasticsearch sink wrote: events from {@code logs-restoreguard.events-<namespace>},
 * alert versions from {@code logs-restoreguard.alerts-<namespace>} and the latest-state index.
 * Long result sets are paged with a point in time and {@code search_after}, sorted by
 * {@code @timestamp}; at most {@link #MAX_DOCUMENTS} per search (the timeline then says it was capped).
 */
public final class IncidentDocuments {

    /** Documents read per search at most: a timeline is for people, not a bulk export. */
    public static final int MAX_DOCUMENTS = 20_000;
    private static final Logger LOGGER = LoggerFactory.getLogger(IncidentDocuments.class);
    private static final int PAGE = 1000;
    private static final String KEEP_ALIVE = "1m";

    private final ElasticsearchClient client;
    private final List<String> eventIndices;
    private final List<String> alertIndices;
    private boolean capped;

    /** One hit: its {@code _id}, {@code _index} and {@code _source}. */
    public record Doc(String id, String index, JsonNode source) {
    }

    /**
     * @param client      the official client
     * @param namespace   the data streams' namespace (the sink's {@code namespace})
     * @param latestIndex the latest-state alert index (the sink's {@code latest_index})
     */
    public IncidentDocuments(final ElasticsearchClient client, final String namespace, final String latestIndex) {
        this.client = client;
        this.eventIndices = List.of("logs-restoreguard.events-" + namespace);
        this.alertIndices = List.of("logs-restoreguard.alerts-" + namespace, latestIndex);
    }

    /** Events matching the query, oldest first. */
    public List<Doc> events(final Query query) {
        return search(eventIndices, query);
    }

    /** Alert documents (every version, and the latest state) matching the query, oldest first. */
    public List<Doc> alerts(final Query query) {
        return search(alertIndices, query);
    }

    /** Whether a search hit {@link #MAX_DOCUMENTS}. */
    public boolean capped() {
        return capped;
    }

    /** The newest event matching the query at or before {@code before}, if any. */
    public Optional<Doc> latest(final Query query) {
        try {
            final SearchResponse<JsonNode> response = client.search(s -> s.index(eventIndices).ignoreUnavailable(true)
                    .query(query).size(1).sort(o -> o.field(f -> f.field("@timestamp").order(SortOrder.Desc))), JsonNode.class);
            return response.hits().hits().stream().findFirst().map(IncidentDocuments::doc);
        } catch (IOException | ElasticsearchException e) {
            throw new TimelineException("cannot search " + eventIndices + ": " + e.getMessage(), e);
        }
    }

    private List<Doc> search(final List<String> indices, final Query query) {
        final String pit;
        try {
            pit = client.openPointInTime(p -> p.index(indices).ignoreUnavailable(true).keepAlive(t -> t.time(KEEP_ALIVE))).id();
        } catch (IOException | ElasticsearchException e) {
            throw new TimelineException("cannot search " + String.join(",", indices) + ": " + e.getMessage(), e);
        }
        final List<Doc> docs = new ArrayList<>();
        String pitId = pit;
        try {
            List<FieldValue> after = null;
            while (docs.size() < MAX_DOCUMENTS) {
                final List<FieldValue> searchAfter = after;
                final String current = pitId;
                final SearchResponse<JsonNode> response = client.search(s -> {
                    s.pit(p -> p.id(current).keepAlive(t -> t.time(KEEP_ALIVE))).query(query).size(PAGE)
                            // the point in time adds _shard_doc as the tie-breaker: paging is stable
                            .sort(o -> o.field(f -> f.field("@timestamp").order(SortOrder.Asc)));
                    if (searchAfter != null) {
                        s.searchAfter(searchAfter);
                    }
                    return s;
                }, JsonNode.class);
                if (response.pitId() != null) {
                    pitId = response.pitId();
                }
                final List<Hit<JsonNode>> hits = response.hits().hits();
                hits.forEach(h -> docs.add(doc(h)));
                if (hits.size() < PAGE) {
                    return docs;
                }
                after = hits.get(hits.size() - 1).sort();
            }
            capped = true;
            LOGGER.atWarn().addKeyValue("indices", indices).addKeyValue("max", MAX_DOCUMENTS)
                    .log("timeline search capped");
            return docs;
        } catch (IOException | ElasticsearchException e) {
            throw new TimelineException("cannot search " + String.join(",", indices) + ": " + e.getMessage(), e);
        } finally {
            close(pitId);
        }
    }

    private void close(final String pitId) {
        try {
            client.closePointInTime(c -> c.id(pitId));
        } catch (IOException | ElasticsearchException e) {
            // it expires by itself after the keep-alive
            LOGGER.atDebug().addKeyValue("error", e.getMessage()).log("cannot close point in time");
        }
    }

    private static Doc doc(final Hit<JsonNode> hit) {
        return new Doc(hit.id(), hit.index(), hit.source());
    }

    /** {@code term} on a keyword field. */
    static Query term(final String field, final String value) {
        return Query.of(q -> q.term(t -> t.field(field).value(value)));
    }

    /** {@code terms} on a keyword field. */
    static Query terms(final String field, final Collection<String> values) {
        return Query.of(q -> q.terms(t -> t.field(field).terms(v -> v.value(values.stream().map(FieldValue::of).toList()))));
    }

    /** {@code @timestamp} within [from, to]. */
    static Query between(final Instant from, final Instant to) {
        return Query.of(q -> q.range(r -> r.date(d -> d.field("@timestamp").gte(from.toString()).lte(to.toString()))));
    }

    /** A host name, as written or as the first label of the stored FQDN. */
    static Query host(final String field, final String name) {
        return Query.of(q -> q.bool(b -> b.should(term(field, name)).should(s -> s.prefix(p -> p.field(field).value(name + ".")))
                .minimumShouldMatch("1")));
    }
}
