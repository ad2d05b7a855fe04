package dev.restoreguard.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restoreguard.events.alert.Alert;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The schemas and the records must accept exactly the same documents. Every golden sample is
 * mutated field by field (field removed, set to null, set blank, set to a value no enum holds,
 * number changed, array element nulled) and each mutant must be rejected by the schema exactly
 * when {@link JsonSerde} rejects it.
 */
class SchemaAgreementTest {

    /**
     * Where the schema is knowingly stricter than the records, with the reason. Each entry is a
     * field path (as {@link #mutants} names it) and a mutation.
     */
    private static final Map<String, String> SCHEMA_STRICTER = Map.of(
            // the contract pins rule ids to RG-nnn; the record only requires one
            "rule.id=value", "rule.id pattern",
            // ecs.version is what this build writes; reading an alert of another ECS version is allowed
            "ecs.version=remove", "ecs.version const",
            "ecs.version=null", "ecs.version const",
            "ecs.version=blank", "ecs.version const",
            "ecs.version=value", "ecs.version const",
            // Jackson reads "" as a missing instant; no record ever writes one
            "payload.signature.expires_at=blank", "blank optional instant",
            "payload.last_event_time=blank", "blank optional instant");

    static List<String> samples() {
        return Samples.all();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void shouldRejectExactlyWhatTheRecordsReject(final String sample) {
        final List<String> disagreements = new ArrayList<>();
        final List<Mutant> mutants = mutants(Samples.tree(sample));

        for (Mutant mutant : mutants) {
            final boolean recordAccepts = recordAccepts(sample, mutant.document());
            final List<EventSchemas.Violation> violations = Samples.ALERT.equals(sample)
                    ? EventSchemas.validateAlert(mutant.document())
                    : EventSchemas.validateEnvelope(mutant.document());
            final boolean schemaAccepts = violations.isEmpty();
            final boolean knowinglyStricter = SCHEMA_STRICTER.containsKey(mutant.name());
            if (knowinglyStricter ? schemaAccepts : recordAccepts != schemaAccepts) {
                disagreements.add(mutant.name() + ": record " + (recordAccepts ? "accepts" : "rejects")
                        + ", schema " + (schemaAccepts ? "accepts" : "rejects " + violations));
            }
        }

        assertThat(mutants).hasSizeGreaterThan(10);
        assertThat(disagreements).isEmpty();
    }

    private static boolean recordAccepts(final String sample, final JsonNode document) {
        final byte[] bytes = Samples.toBytes(document);
        try {
            if (Samples.ALERT.equals(sample)) {
                new JsonSerde<>(Alert.class).deserialize("restoreguard.test", bytes);
            } else {
                new JsonSerde<>(Envelope.class).deserialize("restoreguard.test", bytes);
            }
            return true;
        } catch (org.apache.kafka.common.errors.SerializationException e) {
            return false;
        }
    }

    private record Mutant(String name, JsonNode document) {
    }

    /** Every mutant of {@code root}, named {@code path=mutation} with indices written as {@code []}. */
    private static List<Mutant> mutants(final ObjectNode root) {
        final List<Mutant> mutants = new ArrayList<>();
        collect(root, root, new ArrayList<>(), mutants);
        return mutants;
    }

    private static void collect(final ObjectNode root, final JsonNode node, final List<Object> path, final List<Mutant> out) {
        if (node.isObject()) {
            for (String field : iterable(node.fieldNames())) {
                final List<Object> child = append(path, field);
                out.add(mutant(root, child, "remove", parent -> ((ObjectNode) parent).remove(field)));
                mutateValue(root, child, node.get(field), out);
                collect(root, node.get(field), child, out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                final List<Object> child = append(path, i);
                mutateValue(root, child, node.get(i), out);
                collect(root, node.get(i), child, out);
            }
        }
    }

    private static void mutateValue(final ObjectNode root, final List<Object> path, final JsonNode value, final List<Mutant> out) {
        final JsonNodeFactory nodes = JsonNodeFactory.instance;
        out.add(mutant(root, path, "null", parent -> set(parent, last(path), nodes.nullNode())));
        if (value.isTextual()) {
            out.add(mutant(root, path, "blank", parent -> set(parent, last(path), nodes.textNode(" "))));
            out.add(mutant(root, path, "value", parent -> set(parent, last(path), nodes.textNode("zz-not-a-value"))));
        } else if (value.isIntegralNumber()) {
            out.add(mutant(root, path, "plus-one", parent -> set(parent, last(path), nodes.numberNode(value.longValue() + 1))));
        }
    }

    private static Mutant mutant(final ObjectNode root, final List<Object> path, final String mutation,
                                 final Consumer<JsonNode> editParent) {
        final ObjectNode copy = root.deepCopy();
        JsonNode parent = copy;
        for (Object step : path.subList(0, path.size() - 1)) {
            parent = step instanceof Integer i ? parent.get(i) : parent.get((String) step);
        }
        editParent.accept(parent);
        return new Mutant(name(path) + "=" + mutation, copy);
    }

    private static void set(final JsonNode parent, final Object key, final JsonNode value) {
        if (key instanceof Integer i) {
            ((ArrayNode) parent).set(i, value);
        } else {
            ((ObjectNode) parent).set((String) key, value);
        }
    }

    private static String name(final List<Object> path) {
        final StringBuilder name = new StringBuilder();
        for (Object step : path) {
            name.append(step instanceof Integer ? "[]" : (name.isEmpty() ? "" : ".") + step);
        }
        return name.toString();
    }

    private static Object last(final List<Object> path) {
        return path.get(path.size() - 1);
    }

    private static List<Object> append(final List<Object> path, final Object step) {
        final List<Object> copy = new ArrayList<>(path);
        copy.add(step);
        return copy;
    }

    private static <T> Iterable<T> iterable(final java.util.Iterator<T> iterator) {
        final List<T> items = new ArrayList<>();
        iterator.forEachRemaining(items::add);
        return items;
    }
}
