package dev.restoreguard.infra.kibana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restoreguard.events.Json;
import dev.restoreguard.infra.stack.IndexTemplates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Static checks of Kibana saved objects against each other and against our index templates:
 * references resolve, and every field a data view, saved search, Lens visualization or query uses
 * is mapped by the template behind the data view (keyed sub-fields of a {@code flattened} field
 * count as mapped; runtime fields of the data view are allowed and recorded).
 */
final class AssetCheck {

    /** A field name before ':' in a Lucene query ({@code rule.id:"RG-001"}). */
    private static final Pattern QUERY_FIELD = Pattern.compile("(?<![\\w.@\\\\])([A-Za-z@_][\\w.@]*)\\s*:");
    private static final String RECORDS = "___records___";

    final List<String> problems = new ArrayList<>();
    /** data view id to the runtime fields the objects used. */
    final Map<String, Set<String>> runtimeFieldsUsed = new TreeMap<>();
    /** object id to the fields it uses (for the report and the tests). */
    final Map<String, Set<String>> fieldsUsed = new LinkedHashMap<>();

    private final Map<String, ObjectNode> byKey = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> templateFields = new TreeMap<>();
    private final Map<String, List<String>> templatePatterns = new TreeMap<>();

    AssetCheck(final List<ObjectNode> objects) {
        for (final Map.Entry<String, String> template : IndexTemplates.load().entrySet()) {
            try {
                final JsonNode body = Json.MAPPER.readTree(template.getValue());
                final Map<String, String> fields = new TreeMap<>();
                flatten("", body.at("/template/mappings/properties"), fields);
                templateFields.put(template.getKey(), fields);
                final List<String> patterns = new ArrayList<>();
                body.path("index_patterns").forEach(p -> patterns.add(p.asText()));
                templatePatterns.put(template.getKey(), patterns);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        for (final ObjectNode object : objects) {
            final String key = key(object.path("type").asText(), object.path("id").asText());
            if (byKey.put(key, object) != null) {
                problems.add(key + ": duplicate type/id");
            }
        }
        byKey.values().forEach(this::check);
    }

    /** {@code path -> mapping type} of every leaf field of a mapping. */
    static void flatten(final String prefix, final JsonNode properties, final Map<String, String> into) {
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
            final Map.Entry<String, JsonNode> field = it.next();
            final String path = prefix + field.getKey();
            final JsonNode mapping = field.getValue();
            if (mapping.has("properties")) {
                flatten(path + ".", mapping.get("properties"), into);
            } else {
                into.put(path, mapping.path("type").asText("object"));
            }
            mapping.path("fields").fields().forEachRemaining(multi ->
                    into.put(path + "." + multi.getKey(), multi.getValue().path("type").asText()));
        }
    }

    private static String key(final String type, final String id) {
        return type + "/" + id;
    }

    private void check(final ObjectNode object) {
        final String key = key(object.path("type").asText(), object.path("id").asText());
        for (final JsonNode ref : object.path("references")) {
            final String target = key(ref.path("type").asText(), ref.path("id").asText());
            if (!byKey.containsKey(target)) {
                problems.add(key + ": reference " + ref.path("name").asText() + " -> " + target + " is not in the file");
            }
        }
        if (!object.path("coreMigrationVersion").asText().matches("\\d+\\.\\d+\\.\\d+")
                || !object.path("typeMigrationVersion").asText().matches("\\d+\\.\\d+\\.\\d+")) {
            problems.add(key + ": coreMigrationVersion and typeMigrationVersion must be set (x.y.z)");
        }
        final JsonNode attributes = object.path("attributes");
        switch (object.path("type").asText()) {
            case "index-pattern" -> {
                if (template(attributes.path("title").asText()) == null) {
                    problems.add(key + ": no index template matches " + attributes.path("title").asText());
                }
                if (!templateHas(attributes.path("title").asText(), attributes.path("timeFieldName").asText(), "date")) {
                    problems.add(key + ": time field " + attributes.path("timeFieldName").asText() + " is not a date");
                }
            }
            case "search" -> {
                final JsonNode source = parseString(key, attributes.at("/kibanaSavedObjectMeta/searchSourceJSON"));
                final String view = referenced(object, source.path("indexRefName").asText());
                final Set<String> fields = new LinkedHashSet<>();
                attributes.path("columns").forEach(c -> fields.add(c.asText()));
                attributes.path("sort").forEach(s -> fields.add(s.path(0).asText()));
                fields.addAll(queryFields(source.path("query")));
                checkFields(key, view, fields);
            }
            case "lens" -> {
                final JsonNode state = attributes.path("state");
                final Set<String> queryFields = queryFields(state.path("query"));
                state.at("/datasourceStates/formBased/layers").fields().forEachRemaining(layer -> {
                    final String view = referenced(object, "indexpattern-datasource-layer-" + layer.getKey());
                    final Set<String> fields = new LinkedHashSet<>(queryFields);
                    layer.getValue().path("columns").forEach(column -> {
                        final String field = column.path("sourceField").asText("");
                        if (!field.isEmpty() && !field.equals(RECORDS)) {
                            fields.add(field);
                        }
                    });
                    checkFields(key, view, fields);
                });
            }
            case "dashboard" -> {
                final JsonNode panels = parseString(key, attributes.path("panelsJSON"));
                for (final JsonNode panel : panels) {
                    final String name = panel.path("panelIndex").asText() + ":" + panel.path("panelRefName").asText();
                    if (referenced(object, name) == null) {
                        problems.add(key + ": panel " + panel.path("panelIndex").asText() + " has no reference " + name);
                    }
                }
            }
            default -> problems.add(key + ": unexpected saved object type");
        }
    }

    private JsonNode parseString(final String key, final JsonNode json) {
        try {
            return Json.MAPPER.readTree(json.asText());
        } catch (IOException e) {
            problems.add(key + ": embedded JSON does not parse: " + e.getMessage());
            return Json.MAPPER.createObjectNode();
        }
    }

    /** The id of the object the named reference points to, or null (recorded as a problem). */
    private String referenced(final ObjectNode object, final String name) {
        for (final JsonNode ref : object.path("references")) {
            if (ref.path("name").asText().equals(name)) {
                return ref.path("id").asText();
            }
        }
        problems.add(key(object.path("type").asText(), object.path("id").asText()) + ": no reference named " + name);
        return null;
    }

    static Set<String> queryFields(final JsonNode query) {
        final Set<String> fields = new LinkedHashSet<>();
        final String text = query.path("query").asText("");
        // quoted values may contain ':'; drop them before looking for field names
        final Matcher matcher = QUERY_FIELD.matcher(text.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\""));
        while (matcher.find()) {
            fields.add(matcher.group(1));
        }
        return fields;
    }

    private void checkFields(final String key, final String viewId, final Set<String> fields) {
        fieldsUsed.computeIfAbsent(key, k -> new LinkedHashSet<>()).addAll(fields);
        if (viewId == null) {
            return;
        }
        final ObjectNode view = byKey.get(key("index-pattern", viewId));
        if (view == null) {
            return; // reported as an unresolved reference
        }
        final String title = view.at("/attributes/title").asText();
        final JsonNode runtime = parseString(key, view.at("/attributes/runtimeFieldMap"));
        for (final String field : fields) {
            if (runtime.has(field)) {
                runtimeFieldsUsed.computeIfAbsent(viewId, v -> new LinkedHashSet<>()).add(field);
            } else if (!templateHas(title, field, null)) {
                problems.add(key + ": field " + field + " is not mapped by the template behind " + title);
            }
        }
    }

    /** The template whose index patterns cover a data view title. */
    String template(final String title) {
        for (final Map.Entry<String, List<String>> template : templatePatterns.entrySet()) {
            for (final String pattern : template.getValue()) {
                if (pattern.equals(title) || !title.contains("*") && title.matches(pattern.replace(".", "\\.").replace("*", ".*"))) {
                    return template.getKey();
                }
            }
        }
        return null;
    }

    /** Whether the template behind the title maps the field (a keyed sub-field of a flattened field counts). */
    boolean templateHas(final String title, final String field, final String type) {
        final String template = template(title);
        if (template == null) {
            return false;
        }
        final Map<String, String> fields = templateFields.get(template);
        if (fields.containsKey(field)) {
            return type == null || type.equals(fields.get(field));
        }
        for (int dot = field.lastIndexOf('.'); dot > 0; dot = field.lastIndexOf('.', dot - 1)) {
            if ("flattened".equals(fields.get(field.substring(0, dot)))) {
                return type == null;
            }
        }
        return false;
    }
}
