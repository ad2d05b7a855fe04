package dev.restoreguard.sinks.timeline;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an alert's {@code restoreguard.evidence} without depending on each rule's shape: the ids of
 * the events it names ({@code event_id}, {@code *_event_id}, {@code event_ids}) and the times it
 * mentions. Rules add evidence fields over time; a timeline must keep following them.
 */
final class Evidence {

    private static final Set<String> TIME_FIELDS = Set.of("at", "restore_time", "snapshot_at", "added_at", "approved_at");

    private Evidence() {
    }

    /** Adds every event id the evidence names, in the order it names them. */
    static void eventIds(final JsonNode evidence, final Collection<String> into) {
        if (evidence.isObject()) {
            final Iterator<Map.Entry<String, JsonNode>> fields = evidence.fields();
            while (fields.hasNext()) {
                final Map.Entry<String, JsonNode> field = fields.next();
                final String name = field.getKey();
                final JsonNode value = field.getValue();
                if ((name.equals("event_id") || name.endsWith("_event_id")) && value.isTextual()) {
                    into.add(value.asText());
                } else if (name.equals("event_ids") && value.isArray()) {
                    value.forEach(v -> {
                        if (v.isTextual()) {
                            into.add(v.asText());
                        }
                    });
                } else {
                    eventIds(value, into);
                }
            }
        } else if (evidence.isArray()) {
            evidence.forEach(v -> eventIds(v, into));
        }
    }

    /** Every instant the evidence mentions (restore time, snapshot times, record times). */
    static List<Instant> times(final JsonNode evidence) {
        final List<Instant> times = new ArrayList<>();
        times(evidence, times);
        return times;
    }

    private static void times(final JsonNode node, final List<Instant> into) {
        if (node.isObject()) {
            node.fields().forEachRemaining(f -> {
                if (TIME_FIELDS.contains(f.getKey()) && f.getValue().isTextual()) {
                    parse(f.getValue().asText()).ifPresent(into::add);
                } else {
                    times(f.getValue(), into);
                }
            });
        } else if (node.isArray()) {
            node.forEach(v -> times(v, into));
        }
    }

    static java.util.Optional<Instant> parse(final String text) {
        try {
            return java.util.Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            return java.util.Optional.empty();
        }
    }

    /** The text of a field, or null when missing, null or blank. */
    static String text(final JsonNode node, final String pointer) {
        final JsonNode value = node.at(pointer);
        return value.isMissingNode() || value.isNull() || value.asText().isBlank() ? null : value.asText();
    }
}
