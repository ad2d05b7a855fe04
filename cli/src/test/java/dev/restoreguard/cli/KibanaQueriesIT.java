package dev.restoreguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.infra.kibana.SavedObjects;
import dev.restoreguard.producers.scenario.Routed;
import dev.restoreguard.producers.scenario.ScenarioReader;
import dev.restoreguard.sinks.elasticsearch.EcsDocuments;
import dev.restoreguard.streams.app.EngineConfig;
import dev.restoreguard.streams.replay.ReplayDriver;
import dev.restoreguard.testkit.TestStack;
import dev.restoreguard.testkit.WithLocalStack;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Kibana saved objects' queries against the real Elasticsearch: the Friday incident (plus a
 * DNS record that crosses environments) goes through the real topology in-process, its events and
 * alerts are indexed as the Elasticsearch sink writes them ({@link EcsDocuments}) into data streams
 * and a latest-state index made from our templates, and each saved search and Lens visualization is
 * run as Kibana runs it: its Lucene query as {@code query_string} (Kibana's
 * {@code query:queryString:options} default {@code analyze_wildcard: true}), the data view's
 * runtime fields as {@code runtime_mappings}, the Lens columns as aggregations.
 */
@WithLocalStack
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KibanaQueriesIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Appended to the incident: sql-dev-01 (development) pointed at 10.20.1.15 (production): RG-004. */
    private static final String DNS_CROSSING = "{\"kind\": \"dns_record\", \"at\": \"2026-11-20T17:30:00Z\", \"zone\": \"corp.example\","
            + " \"name\": \"sql-dev-01\", \"type\": \"A\", \"action\": \"add\", \"data\": \"10.20.1.15\","
            + " \"server\": \"dc01.corp.example\", \"user\": \"CORP\\\\dnsadmin\"}";

    private final String namespace = "kibanait" + UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, ObjectNode> objects = new TreeMap<>();
    private TestStack stack;
    private List<Alert> finalAlerts;

    @BeforeAll
    void indexTheIncident(final TestStack testStack) throws Exception {
        stack = testStack;
        SavedObjects.parse(SavedObjects.bundled(), SavedObjects.RESOURCE).forEach(o -> objects.put(o.path("id").asText(), o));

        final List<String> lines = new ArrayList<>(Files.readAllLines(
                Path.of("..", "streams", "src", "test", "resources", "scenarios", "01-friday-restore-incident.jsonl")));
        lines.add(DNS_CROSSING);
        final ScenarioReader reader = new ScenarioReader();
        final List<Routed> events = new ArrayList<>();
        final List<Alert> versions;
        try (ReplayDriver driver = new ReplayDriver(EngineConfig.fromEnvironment(Map.of()))) {
            for (int i = 0; i < lines.size(); i++) {
                if (reader.read(i + 1, lines.get(i)) instanceof ScenarioReader.Events read) {
                    for (final Routed routed : read.events()) {
                        events.add(routed);
                        driver.send(routed.topic(), routed.key(), routed.envelope());
                    }
                }
            }
            versions = driver.publishedAlerts();
            finalAlerts = driver.finalAlerts();
        }
        assertThat(finalAlerts).extracting(a -> a.rule().id()).contains("RG-001", "RG-002", "RG-003", "RG-004");

        final EcsDocuments documents = new EcsDocuments(namespace);
        final Instant now = Instant.now();
        final StringBuilder bulk = new StringBuilder();
        for (final Routed routed : events) {
            bulk.append(action("create", documents.eventsDataStream(), routed.envelope().eventId()))
                    .append(Json.MAPPER.writeValueAsString(documents.event(routed.envelope(), now))).append('\n');
        }
        for (final Alert alert : versions) {
            bulk.append(action("create", documents.alertsDataStream(), EcsDocuments.alertVersionId(alert)))
                    .append(Json.MAPPER.writeValueAsString(documents.alert(alert, now))).append('\n');
        }
        for (final Alert alert : finalAlerts) {
            bulk.append(action("index", latestIndex(), alert.alert().id()))
                    .append(Json.MAPPER.writeValueAsString(documents.alert(alert, now))).append('\n');
        }
        final JsonNode result = call("POST", "/_bulk?refresh=true", bulk.toString(), "application/x-ndjson");
        assertThat(result.path("errors").asBoolean(true)).as(result.toString()).isFalse();
    }

    private static String action(final String op, final String index, final String id) {
        return "{\"" + op + "\":{\"_index\":\"" + index + "\",\"_id\":\"" + id + "\"}}\n";
    }

    private String latestIndex() {
        return "restoreguard-alerts-" + namespace; // covered by the restoreguard-alerts template
    }

    /** The concrete index of this test run behind a data view title. */
    private String index(final String dataViewId) {
        final String title = objects.get(dataViewId).at("/attributes/title").asText();
        return title.equals("restoreguard-alerts") ? latestIndex() : title.replace("-*", "-" + namespace);
    }

    private JsonNode call(final String method, final String path, final String body, final String type) throws Exception {
        final HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(stack.elasticsearch(path))
                .header("Content-Type", type)
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        final JsonNode json = Json.MAPPER.readTree(response.body());
        assertThat(response.statusCode()).as(path + " " + json).isEqualTo(200);
        return json;
    }

    /** Runs a query the way Kibana does for a data view: query_string, runtime fields, optional aggregations. */
    private JsonNode search(final String dataViewId, final JsonNode query, final ObjectNode aggregations) throws Exception {
        final ObjectNode body = Json.MAPPER.createObjectNode().put("size", 100);
        body.putObject("query").putObject("query_string").put("query", query.path("query").asText())
                .put("analyze_wildcard", true);
        body.set("runtime_mappings", Json.MAPPER.readTree(objects.get(dataViewId).at("/attributes/runtimeFieldMap").asText()));
        body.putArray("fields").add("*");
        if (aggregations != null) {
            body.set("aggs", aggregations);
        }
        assertThat(query.path("language").asText()).isEqualTo("lucene");
        return call("POST", "/" + index(dataViewId) + "/_search", body.toString(), "application/json");
    }

    private JsonNode savedSearch(final String id) throws Exception {
        final ObjectNode search = objects.get(id);
        final JsonNode source = Json.MAPPER.readTree(search.at("/attributes/kibanaSavedObjectMeta/searchSourceJSON").asText());
        final String view = search.path("references").get(0).path("id").asText();
        final JsonNode hits = search(view, source.path("query"), null).path("hits").path("hits");
        assertThat(hits).as(id).isNotEmpty();
        // every column is a field Elasticsearch knows for that index (mapped, or the data view's runtime field)
        final JsonNode runtime = Json.MAPPER.readTree(objects.get(view).at("/attributes/runtimeFieldMap").asText());
        final Set<String> columns = new LinkedHashSet<>();
        search.at("/attributes/columns").forEach(c -> columns.add(c.asText()));
        columns.removeIf(runtime::has);
        final JsonNode caps = call("GET", "/" + index(view) + "/_field_caps?fields=" + String.join(",", columns), "", "application/json");
        assertThat(caps.path("fields").properties()).extracting(Map.Entry::getKey).as(id).containsAll(columns);
        return hits;
    }

    private static List<String> values(final JsonNode hits, final String field) {
        final List<String> values = new ArrayList<>();
        hits.forEach(hit -> hit.path("fields").path(field).forEach(v -> values.add(v.asText())));
        return values;
    }

    private JsonNode lens(final String id, final ObjectNode aggregations) throws Exception {
        final ObjectNode lens = objects.get(id);
        final String view = lens.path("references").get(0).path("id").asText();
        return search(view, lens.at("/attributes/state/query"), aggregations).path("aggregations");
    }

    private static String column(final ObjectNode lens, final String column) {
        return lens.at("/attributes/state/datasourceStates/formBased/layers/layer1/columns/" + column + "/sourceField").asText();
    }

    @Test
    void shouldFindTheRestoreIntoProductionWithItsEffectiveEnvironment() throws Exception {
        final JsonNode hits = savedSearch("restoreguard-search-restores-into-production");
        assertThat(values(hits, "rule.id")).contains("RG-001", "RG-002").allMatch(List.of("RG-001", "RG-002", "RG-005")::contains);
        // the runtime field (no script: the value from _source) reads the engine's evidence as the sink stored it
        assertThat(values(hits, "restoreguard.evidence.targets.effective_environment")).isNotEmpty().allMatch("production"::equals);
        assertThat(values(hits, "host.name")).containsOnly("vbr01.corp.example");
    }

    @Test
    void shouldFindTheHostsFileChangeOnTheBackupServer() throws Exception {
        final JsonNode hits = savedSearch("restoreguard-search-hosts-file-changes");
        assertThat(values(hits, "event.action")).containsOnly("hosts-file-changed");
        assertThat(values(hits, "host.name")).containsOnly("vbr01.corp.example");
        assertThat(values(hits, "restoreguard.hosts.changes.name")).contains("sql-dev-01.corp.example");
    }

    @Test
    void shouldFindTheDnsRecordThatCrossesEnvironments() throws Exception {
        final JsonNode hits = savedSearch("restoreguard-search-dns-crossing-environments");
        assertThat(values(hits, "rule.id")).containsOnly("RG-004");
        assertThat(values(hits, "related.ip")).contains("10.20.1.15");
    }

    @Test
    void shouldCountRestoresByEffectiveEnvironment() throws Exception {
        final ObjectNode lens = objects.get("restoreguard-lens-restores-by-environment");
        final ObjectNode aggs = Json.MAPPER.createObjectNode();
        aggs.putObject("env").putObject("terms").put("field", column(lens, "col-env"));
        ((ObjectNode) aggs.get("env")).putObject("aggs").putObject("restores").putObject("cardinality")
                .put("field", column(lens, "col-restores"));
        final JsonNode buckets = lens("restoreguard-lens-restores-by-environment", aggs).path("env").path("buckets");
        assertThat(buckets).hasSize(1);
        assertThat(buckets.get(0).path("key").asText()).isEqualTo("production");
        // RG-001 and RG-002 of the one restore session count once
        assertThat(buckets.get(0).at("/restores/value").asInt()).isEqualTo(1);
    }

    @Test
    void shouldChartAlertsOverTimeByRuleAndTopObservers() throws Exception {
        final ObjectNode overTime = objects.get("restoreguard-lens-alerts-over-time");
        final ObjectNode aggs = Json.MAPPER.createObjectNode();
        final ObjectNode histogram = aggs.putObject("time");
        histogram.putObject("date_histogram").put("field", column(overTime, "col-time")).put("fixed_interval", "1h");
        histogram.putObject("aggs").putObject("rule").putObject("terms").put("field", column(overTime, "col-rule"));
        final List<String> rules = new ArrayList<>();
        lens("restoreguard-lens-alerts-over-time", aggs).at("/time/buckets")
                .forEach(b -> b.at("/rule/buckets").forEach(r -> rules.add(r.path("key").asText())));
        assertThat(rules).contains("RG-001", "RG-002", "RG-003", "RG-004");

        final ObjectNode top = objects.get("restoreguard-lens-top-observers");
        final ObjectNode observers = Json.MAPPER.createObjectNode();
        observers.putObject("observer").putObject("terms").put("field", column(top, "col-observer")).put("size", 10);
        final JsonNode buckets = lens("restoreguard-lens-top-observers", observers).at("/observer/buckets");
        // the DNS server of RG-004 is no observer
        assertThat(buckets).extracting(b -> b.path("key").asText()).containsExactly("vbr01.corp.example");
    }
}
