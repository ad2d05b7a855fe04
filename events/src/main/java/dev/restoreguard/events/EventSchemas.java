package dev.restoreguard.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * The JSON Schemas (draft 2020-12) of the event contract, shipped under {@code schemas/} on the
 * classpath: {@code envelope.schema.json}, one payload schema per kind ({@code restore.schema.json},
 * ...) and {@code alert.schema.json} for the alert document. They describe exactly the JSON that
 * {@link Envelope} and {@link dev.restoreguard.events.alert.Alert} write and accept: the same
 * snake_case names, required fields and enums; unknown fields are tolerated, as {@link Json#MAPPER}
 * tolerates them.
 *
 * <p>Violations name the field the way {@link EventValidationException} does: payload fields by
 * their kind ({@code restore.session_id: required}), envelope and alert fields by their path
 * ({@code at: must be a date-time, was 'yesterday'}, {@code alert.status: must be one of [open,
 * retracted], was 'closed'}), array elements by index ({@code hosts_file.entries[0].names: required}).
 *
 * <p>The schemas are loaded and compiled once, when this class is first used; validation is
 * thread-safe and allocates only per call.
 */
public final class EventSchemas {

    /** Base of the schemas' {@code $id}s; mapped to the classpath, never fetched. */
    public static final String BASE_URI = "https://restoreguard.dev/schemas/";

    /** The payload kinds, each with a {@code <kind>.schema.json}. */
    public static final Set<String> KINDS = Set.of("hosts_file", "dns_record", "restore", "approval", "inventory",
            "audit", "heartbeat");

    private static final String NON_BLANK_PATTERN = "\\S";
    private static final int MAX_VALUE_EXCERPT = 60;

    private static final JsonSchema ENVELOPE;
    private static final JsonSchema ALERT;
    private static final Map<String, JsonSchema> PAYLOADS;

    static {
        final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                builder -> builder.schemaMappers(mappers -> mappers.mapPrefix(BASE_URI, "classpath:schemas/")));
        // format assertions are off by default in 2020-12; the mapper rejects a malformed "at" too
        final SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        ENVELOPE = load(factory, config, "envelope");
        ALERT = load(factory, config, "alert");
        final Map<String, JsonSchema> payloads = new LinkedHashMap<>();
        for (String kind : KINDS) {
            payloads.put(kind, load(factory, config, kind));
        }
        PAYLOADS = Map.copyOf(payloads);
    }

    private EventSchemas() {
    }

    /** One contract violation: the field, in {@code kind.field} form, and what is wrong with it. */
    public record Violation(String field, String problem) {

        @Override
        public String toString() {
            return field + ": " + problem;
        }
    }

    /**
     * Validates an envelope (anything with {@code kind} or {@code payload}) or else an alert
     * document. Returns no violations when the document is valid.
     */
    public static List<Violation> validate(final JsonNode document) {
        final boolean envelope = document != null && (document.has("kind") || document.has("payload")
                || !document.has("alert") && !document.has("@timestamp"));
        return envelope ? validateEnvelope(document) : validateAlert(document);
    }

    /** Validates an envelope and its payload against the schema of the payload's kind. */
    public static List<Violation> validateEnvelope(final JsonNode envelope) {
        final JsonNode kind = envelope == null ? null : envelope.get("kind");
        final String prefix = kind != null && kind.isTextual() && KINDS.contains(kind.textValue()) ? kind.textValue() : null;
        return translate(ENVELOPE.validate(orNull(envelope)), prefix);
    }

    /** Validates a bare payload of the given kind (one of {@link #KINDS}). */
    public static List<Violation> validatePayload(final String kind, final JsonNode payload) {
        final JsonSchema schema = PAYLOADS.get(kind);
        if (schema == null) {
            return List.of(new Violation("kind", "must be one of " + sorted(KINDS) + ", was '" + kind + "'"));
        }
        final List<Violation> violations = translate(schema.validate(orNull(payload)), null);
        // a bare payload's fields are named like the envelope's: restore.session_id
        return violations.stream()
                .map(v -> new Violation(v.field().equals("$") ? kind : kind + (v.field().startsWith("[") ? "" : ".") + v.field(),
                        v.problem()))
                .toList();
    }

    /** Validates an alert document (contract section 4). */
    public static List<Violation> validateAlert(final JsonNode alert) {
        return translate(ALERT.validate(orNull(alert)), null);
    }

    /** Throws an {@link EventValidationException} listing every violation, if there is any. */
    public static void requireValid(final JsonNode document) {
        final List<Violation> violations = validate(document);
        if (!violations.isEmpty()) {
            throw new EventValidationException(violations.stream().map(Violation::toString).collect(Collectors.joining("; ")));
        }
    }

    private static JsonSchema load(final JsonSchemaFactory factory, final SchemaValidatorsConfig config, final String name) {
        final JsonSchema schema = factory.getSchema(SchemaLocation.of(BASE_URI + name + ".schema.json"), config);
        // resolve every $ref now: lazy initialization on first use is not thread-safe
        schema.initializeValidators();
        return schema;
    }

    private static JsonNode orNull(final JsonNode node) {
        return node == null ? NullNode.getInstance() : node;
    }

    private static List<Violation> translate(final Set<ValidationMessage> messages, final String kind) {
        final Set<Violation> violations = new LinkedHashSet<>();
        for (ValidationMessage message : messages) {
            violations.add(translate(message, kind));
        }
        final List<Violation> sorted = new ArrayList<>(violations);
        sorted.sort(Comparator.comparing(Violation::field).thenComparing(Violation::problem));
        return List.copyOf(sorted);
    }

    private static Violation translate(final ValidationMessage message, final String kind) {
        final JsonNodePath location = message.getInstanceLocation();
        final JsonNode value = message.getInstanceNode();
        final JsonNode schema = message.getSchemaNode();
        final String type = message.getType();
        if ("required".equals(type)) {
            return new Violation(field(location, message.getProperty(), kind), "required");
        }
        final String field = field(location, null, kind);
        final String problem = switch (type) {
            // a null field is as good as a missing one (the records say "required"); a null element is not
            case "type" -> isNull(value) && !isElement(location)
                    ? "required"
                    : "must be " + expectedTypes(schema) + ", was " + typeOf(value);
            case "enum" -> "must be one of " + enumValues(schema) + ", was " + excerpt(value);
            case "const" -> "must be " + excerpt(schema) + ", was " + excerpt(value);
            case "pattern" -> NON_BLANK_PATTERN.equals(schema.asText())
                    ? "required"
                    : "must match " + schema.asText() + ", was " + excerpt(value);
            case "format" -> "must be a " + schema.asText() + ", was " + excerpt(value);
            case "minItems" -> "must not be empty";
            default -> stripLocation(message);
        };
        return new Violation(field, problem);
    }

    /**
     * {@code restore.session_id} for {@code $.payload.session_id} of a restore envelope, {@code at}
     * for {@code $.at}, {@code hosts_file.entries[0].names} for an element; {@code $} is the root.
     */
    private static String field(final JsonNodePath location, final String property, final String kind) {
        final StringBuilder path = new StringBuilder();
        final int count = location.getNameCount();
        for (int i = 0; i < count; i++) {
            final Object element = location.getElement(i);
            if (element instanceof Integer index) {
                path.append('[').append(index).append(']');
            } else {
                final String name = i == 0 && kind != null && "payload".equals(element) && (count > 1 || property != null)
                        ? kind
                        : String.valueOf(element);
                path.append(path.isEmpty() ? "" : ".").append(name);
            }
        }
        if (property != null) {
            path.append(path.isEmpty() ? "" : ".").append(property);
        }
        return path.isEmpty() ? "$" : path.toString();
    }

    private static boolean isNull(final JsonNode value) {
        return value == null || value.isNull() || value.isMissingNode();
    }

    private static boolean isElement(final JsonNodePath location) {
        return location.getNameCount() > 0 && location.getElement(location.getNameCount() - 1) instanceof Integer;
    }

    private static String expectedTypes(final JsonNode typeKeyword) {
        if (typeKeyword != null && typeKeyword.isArray()) {
            return StreamSupport.stream(typeKeyword.spliterator(), false).map(JsonNode::asText)
                    .collect(Collectors.joining(" or "));
        }
        return typeKeyword == null ? "?" : typeKeyword.asText();
    }

    private static String typeOf(final JsonNode value) {
        if (isNull(value)) {
            return "null";
        }
        return switch (value.getNodeType()) {
            case ARRAY -> "array";
            case OBJECT, POJO -> "object";
            case STRING -> "string";
            case BOOLEAN -> "boolean";
            case NUMBER -> value.isIntegralNumber() ? "integer" : "number";
            default -> value.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    /** The enum's values sorted, as {@link EventValidationException#requireOneOf} lists them. */
    private static String enumValues(final JsonNode enumKeyword) {
        if (enumKeyword == null || !enumKeyword.isArray()) {
            return "[]";
        }
        final List<JsonNode> values = new ArrayList<>();
        enumKeyword.forEach(values::add);
        if (values.stream().allMatch(JsonNode::isNumber)) {
            values.sort(Comparator.comparing(JsonNode::decimalValue));
        } else {
            values.sort(Comparator.comparing(JsonNode::asText));
        }
        return values.stream().map(JsonNode::asText).collect(Collectors.joining(", ", "[", "]"));
    }

    private static String sorted(final Set<String> values) {
        return values.stream().sorted().collect(Collectors.joining(", ", "[", "]"));
    }

    /** The offending value, quoted if textual, cut short: a hosts file's content may be megabytes. */
    private static String excerpt(final JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "nothing";
        }
        final String text = value.isTextual() ? "'" + value.textValue() + "'" : value.toString();
        return text.length() <= MAX_VALUE_EXCERPT ? text : text.substring(0, MAX_VALUE_EXCERPT) + "...";
    }

    /** The validator's own message without its leading {@code $.a.b: } location. */
    private static String stripLocation(final ValidationMessage message) {
        final String text = message.getMessage();
        final String location = message.getInstanceLocation().toString() + ": ";
        return text.startsWith(location) ? text.substring(location.length()) : text;
    }
}
