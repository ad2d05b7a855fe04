package dev.restoreguard.events;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.util.stream.Collectors;

/**
 * An event that breaks the contract; the message names the field first, as in
 * {@code restore.target: required}, so an operator can fix the producer without reading code.
 */
public final class EventValidationException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public EventValidationException(final String message) {
        super(message);
    }

    /** Throws {@code field: required} when {@code value} is null or blank. */
    public static <T> T require(final String field, final T value) {
        if (value == null || value instanceof String s && s.isBlank()) {
            throw new EventValidationException(field + ": required");
        }
        return value;
    }

    /** Throws {@code field: must be one of [...]} unless {@code value} is one of {@code allowed}. */
    public static String requireOneOf(final String field, final String value, final java.util.Set<String> allowed) {
        require(field, value);
        if (!allowed.contains(value)) {
            throw new EventValidationException(field + ": must be one of " + new java.util.TreeSet<>(allowed) + ", was '" + value + "'");
        }
        return value;
    }

    /**
     * The most useful one-line description of a read failure: the contract violation if a record
     * constructor threw one, else Jackson's message with the JSON path of the offending field.
     */
    public static String describe(final Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof EventValidationException) {
                return t.getMessage();
            }
        }
        if (error instanceof JsonMappingException jme && !jme.getPath().isEmpty()) {
            final String path = jme.getPath().stream()
                    .map(r -> r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining());
            return stripDot(path) + ": " + jme.getOriginalMessage();
        }
        if (error instanceof com.fasterxml.jackson.core.JsonProcessingException jpe) {
            // a syntax error (broken JSON, duplicate key): the parser knows which field it was in
            final String path = jpe.getProcessor() instanceof JsonParser parser ? pathOf(parser.getParsingContext()) : "";
            return path.isEmpty() ? jpe.getOriginalMessage() : path + ": " + jpe.getOriginalMessage();
        }
        return String.valueOf(error.getMessage());
    }

    /** {@code payload.entries[0].names} for a parser context; empty at the document root. */
    private static String pathOf(final JsonStreamContext context) {
        final StringBuilder path = new StringBuilder();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                path.insert(0, "[" + Math.max(0, c.getCurrentIndex()) + "]");
            } else if (c.getCurrentName() != null) {
                path.insert(0, "." + c.getCurrentName());
            }
        }
        return stripDot(path.toString());
    }

    private static String stripDot(final String path) {
        return path.startsWith(".") ? path.substring(1) : path;
    }
}
