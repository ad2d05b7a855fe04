package dev.restoreguard.infra.kibana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restoreguard.events.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The bundled Kibana saved objects, checked without Kibana: the NDJSON parses line by line, ids are
 * the pinned ones, every reference resolves inside the file, every field is mapped by our index
 * templates (runtime fields flagged), and migration versions are set for Kibana 8.x and newer
 * (https://www.elastic.co/docs/extend/kibana/saved-objects/export: keep coreMigrationVersion and
 * typeMigrationVersion so that Kibana migrates the objects forward on import).
 */
class SavedObjectsTest {

    /** Ids are part of the contract: dashboards, links and `kibana import --overwrite` rely on them. */
    private static final List<String> PINNED = List.of(
            "index-pattern/restoreguard-events",
            "index-pattern/restoreguard-alert-history",
            "index-pattern/restoreguard-alerts",
            "search/restoreguard-search-restores-into-production",
            "search/restoreguard-search-hosts-file-changes",
            "search/restoreguard-search-dns-crossing-environments",
            "lens/restoreguard-lens-alerts-over-time",
            "lens/restoreguard-lens-restores-by-environment",
            "lens/restoreguard-lens-top-observers",
            "dashboard/restoreguard-dashboard-overview");

    private static List<ObjectNode> bundled() {
        return SavedObjects.parse(SavedObjects.bundled(), SavedObjects.RESOURCE);
    }

    @Test
    void shouldBundleTheSameBytesAsInfraKibana() throws Exception {
        // the classpath copy is made by the build from infra/kibana: one source of truth
        assertThat(SavedObjects.bundled()).isEqualTo(Files.readAllBytes(Path.of("kibana", "restoreguard.ndjson")));
    }

    @Test
    void shouldHaveThePinnedUniqueIdsInDependencyOrder() {
        final List<String> keys = bundled().stream().map(o -> o.path("type").asText() + "/" + o.path("id").asText()).toList();
        assertThat(keys).containsExactlyElementsOf(PINNED).doesNotHaveDuplicates();
    }

    @Test
    void shouldResolveEveryReferenceAndMapEveryField() {
        final AssetCheck check = new AssetCheck(bundled());
        assertThat(check.problems).isEmpty();
        // the one runtime field, on the latest-state alerts view: evidence is a flattened field
        assertThat(check.runtimeFieldsUsed).isEqualTo(Map.of("restoreguard-alerts", Set.of("restoreguard.evidence.targets.effective_environment")));
        assertThat(check.fieldsUsed.get("search/restoreguard-search-restores-into-production"))
                .contains("rule.id", "alert.status", "restoreguard.evidence.targets.effective_environment");
        assertThat(check.fieldsUsed.get("lens/restoreguard-lens-top-observers")).contains("host.name");
        // a runtime field without a script takes the value at its own path in _source: that path must
        // be one the sink writes, here a keyed sub-field of the flattened evidence
        for (final ObjectNode view : bundled()) {
            if (view.path("type").asText().equals("index-pattern")) {
                final JsonNode runtime = parse(view.at("/attributes/runtimeFieldMap").asText());
                runtime.fieldNames().forEachRemaining(name -> {
                    assertThat(runtime.path(name).has("script")).as(name).isFalse();
                    assertThat(check.templateHas(view.at("/attributes/title").asText(), name, null)).as(name).isTrue();
                });
            }
        }
    }

    private static JsonNode parse(final String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void shouldSetMigrationVersionsForKibana8AndNewer() {
        for (final ObjectNode object : bundled()) {
            assertThat(object.path("coreMigrationVersion").asText()).as(object.path("id").asText()).isEqualTo("8.8.0");
            final String typeVersion = object.path("typeMigrationVersion").asText();
            assertThat(Integer.parseInt(typeVersion.split("\\.")[0])).as(object.path("id").asText()).isEqualTo(8);
        }
    }

    @Test
    void shouldPointTheDataViewsAtOurDataStreamsAndTheLatestStateIndex() {
        final Map<String, String> titles = new java.util.TreeMap<>();
        bundled().stream().filter(o -> o.path("type").asText().equals("index-pattern"))
                .forEach(o -> titles.put(o.path("id").asText(), o.at("/attributes/title").asText()));
        assertThat(titles).containsExactlyInAnyOrderEntriesOf(Map.of(
                "restoreguard-events", "logs-restoreguard.events-*",
                "restoreguard-alert-history", "logs-restoreguard.alerts-*",
                "restoreguard-alerts", "restoreguard-alerts"));
    }

    @Test
    void shouldReportAMissingReferenceAndAnUnmappedField() throws Exception {
        final List<ObjectNode> objects = new ArrayList<>(bundled());
        objects.removeIf(o -> o.path("id").asText().equals("restoreguard-lens-top-observers"));
        final ObjectNode search = objects.stream()
                .filter(o -> o.path("id").asText().equals("restoreguard-search-hosts-file-changes")).findFirst().orElseThrow();
        ((com.fasterxml.jackson.databind.node.ArrayNode) search.at("/attributes/columns")).add("restoreguard.hosts.no_such_field");
        final AssetCheck check = new AssetCheck(objects);
        assertThat(check.problems).containsExactlyInAnyOrder(
                "dashboard/restoreguard-dashboard-overview: reference p3:panel_p3 -> lens/restoreguard-lens-top-observers is not in the file",
                "search/restoreguard-search-hosts-file-changes: field restoreguard.hosts.no_such_field is not mapped by the "
                        + "template behind logs-restoreguard.events-*");
    }

    @Test
    void shouldFindQueryFieldsButNotWordsInsideQuotedValues() {
        final JsonNode query = Json.MAPPER.createObjectNode().put("query", "rule.id:(\"RG-001\" OR \"a:b\") AND NOT host.name:x");
        assertThat(AssetCheck.queryFields(query)).containsExactly("rule.id", "host.name");
    }

    @Test
    void shouldNameTheLineOfBrokenNdjson() {
        final byte[] broken = "{\"type\":\"index-pattern\",\"id\":\"a\"}\n{\"type\":\"search\"\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> SavedObjects.parse(broken, "x.ndjson"))
                .hasMessageStartingWith("x.ndjson:2: not JSON");
        assertThatThrownBy(() -> SavedObjects.parse("{\"type\":\"search\"}\n".getBytes(StandardCharsets.UTF_8), "y.ndjson"))
                .hasMessage("y.ndjson:1: missing \"id\"");
        assertThatThrownBy(() -> SavedObjects.parse("{\"type\":\"a\",\"id\":\"b\"}\n\n{}".getBytes(StandardCharsets.UTF_8), "z.ndjson"))
                .hasMessageContaining("z.ndjson:2: empty line");
    }
}
