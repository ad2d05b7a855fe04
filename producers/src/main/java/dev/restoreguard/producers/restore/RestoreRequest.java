package dev.restoreguard.producers.restore;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.EventValidationException;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.net.Names;
import dev.restoreguard.events.restore.RestoreEvent;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Iterator;
import java.util.Set;

/**
 * The body of {@code POST /v1/restores}: one restore record in the detection contract's field
 * names, the same as a scenario's {@code restore} line.
 *
 * <pre>{"observer": "backup01.corp.example", "session_id": "nightly-42", "state": "started",
 *  "target": "sql-dev-01", "product": "script", "database": "Sales", "job": "...", "initiator": "CORP\\alice",
 *  "reason": "CHG0031337", "at": "2026-11-20T16:02:00Z"}</pre>
 *
 * Required: {@code observer}, {@code session_id}, {@code state} (started, running, finished,
 * failed). {@code product} defaults to {@code script}, {@code at} to the time of receipt (send it:
 * a retried request with the same {@code at} gets the same event id, so a retry is harmless).
 * Optional: {@code target}, {@code database}, {@code job}, {@code initiator}, {@code reason},
 * {@code task_status}, {@code result} (integer). Unknown fields are refused, so a typo such as
 * {@code session} instead of {@code session_id} is reported rather than silently dropped.
 */
public final class RestoreRequest {

    /** Envelope source of the records. */
    public static final String SOURCE = "restore-http";
    private static final Set<String> FIELDS = Set.of("observer", "session_id", "state", "target", "product", "database",
            "job", "initiator", "reason", "task_status", "result", "at");
    private static final int MAX_FIELD_CHARS = 4096;

    private RestoreRequest() {
    }

    /**
     * Reads a request body into the envelope to publish.
     *
     * @param receivedAt event time when the body has no {@code at}
     * @throws EventValidationException naming the field that is wrong
     */
    public static Envelope parse(final byte[] body, final Instant receivedAt) {
        final JsonNode node;
        try {
            node = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new EventValidationException("body: not JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new EventValidationException("body: unreadable");
        }
        if (node == null || !node.isObject()) {
            throw new EventValidationException("body: must be a JSON object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            final String field = it.next();
            if (!FIELDS.contains(field)) {
                // quoted and cut: the name is the client's text, echoed in the answer
                final String shown = field.length() > 40 ? field.substring(0, 40) + "..." : field;
                throw new EventValidationException("restore: unknown field " + Json.MAPPER.valueToTree(shown)
                        + "; known fields: " + new java.util.TreeSet<>(FIELDS));
            }
        }
        final String observer = Names.normalize(EventValidationException.require("restore.observer", text(node, "observer")));
        final String product = text(node, "product");
        final Integer result;
        final JsonNode r = node.get("result");
        if (r == null || r.isNull()) {
            result = null;
        } else if (r.isInt()) {
            result = r.intValue();
        } else {
            throw new EventValidationException("restore.result: must be an integer");
        }
        final RestoreEvent restore = new RestoreEvent(product == null ? "script" : product, text(node, "session_id"),
                text(node, "state"), text(node, "target"), text(node, "database"), text(node, "job"),
                text(node, "initiator"), text(node, "reason"), text(node, "task_status"), result);
        final String at = text(node, "at");
        final Instant time;
        try {
            time = at == null ? receivedAt : OffsetDateTime.parse(at).toInstant();
        } catch (DateTimeException e) {
            throw new EventValidationException("restore.at: not an RFC 3339 time: '" + at + "'");
        }
        return Envelope.of(SOURCE, time, observer, restore);
    }

    private static String text(final JsonNode node, final String field) {
        final JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new EventValidationException("restore." + field + ": must be a string");
        }
        if (v.textValue().length() > MAX_FIELD_CHARS) {
            throw new EventValidationException("restore." + field + ": longer than " + MAX_FIELD_CHARS + " characters");
        }
        return v.textValue();
    }
}
