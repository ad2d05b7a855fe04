package dev.restoreguard.events;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.ResolvableDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.databind.jsontype.impl.TypeNameIdResolver;
import com.fasterxml.jackson.databind.util.ClassUtil;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an {@link Envelope} in one pass. When {@code kind} comes before {@code payload} (as
 * {@link Envelope} writes it) the payload is read straight into its record; only a payload that
 * comes before its {@code kind} (other producers, hand-written JSON) is buffered until the kind is
 * known. Jackson's own handling of an external type id buffered every payload and replayed it
 * (about a fifth of the engine's stream-thread time, and megabytes for an inventory snapshot).
 *
 * <p>Everything else reads as Jackson's record deserializer read it: each field through the shared
 * mapper's deserializer for its type (coercions, {@code FAIL_ON_NULL_FOR_PRIMITIVES}, ISO instants),
 * unknown fields per {@code FAIL_ON_UNKNOWN_PROPERTIES}, the kinds and their records from the
 * {@code @JsonSubTypes} of {@link Envelope#payload()} (the one list), the record constructor's
 * {@link EventValidationException}, and the same messages for a missing or unknown {@code kind},
 * a missing {@code payload}, and malformed JSON (with the JSON path of the offending field).
 */
final class EnvelopeDeserializer extends StdDeserializer<Envelope> implements ResolvableDeserializer {

    private static final long serialVersionUID = 1L;

    private static final String KIND = "kind";
    private static final String PAYLOAD = "payload";
    private static final List<Object> FIELDS = List.of("event_id", KIND, "schema_version", "at", "observer", "source",
            PAYLOAD, "chain");

    // set once by resolve(), before the mapper hands this deserializer out
    private transient JsonDeserializer<Object> strings;
    private transient JsonDeserializer<Object> ints;
    private transient JsonDeserializer<Object> instants;
    private transient JsonDeserializer<Object> chains;
    private transient JavaType payloadType;
    private transient TypeNameIdResolver kinds;
    private transient Map<String, JsonDeserializer<Object>> payloads;
    /** Jackson's deserializer of the record, for input that is not a JSON object (same errors as before). */
    private transient JsonDeserializer<Object> notAnObject;

    EnvelopeDeserializer() {
        super(Envelope.class);
    }

    @Override
    public void resolve(final DeserializationContext ctxt) throws JsonMappingException {
        final DeserializationConfig config = ctxt.getConfig();
        strings = ctxt.findContextualValueDeserializer(ctxt.constructType(String.class), null);
        ints = ctxt.findContextualValueDeserializer(ctxt.constructType(int.class), null);
        instants = ctxt.findContextualValueDeserializer(ctxt.constructType(Instant.class), null);
        chains = ctxt.findContextualValueDeserializer(ctxt.constructType(Chain.class), null);

        final JavaType envelopeType = ctxt.constructType(Envelope.class);
        final BeanDescription description = config.introspect(envelopeType);
        final BeanPropertyDefinition payload = description.findProperties().stream()
                .filter(p -> PAYLOAD.equals(p.getName())).findFirst()
                .orElseThrow(() -> new IllegalStateException("Envelope has no payload property"));
        payloadType = ctxt.constructType(EventPayload.class);
        // Jackson's reading of the @JsonSubTypes on Envelope.payload, as its external type id had it
        final Collection<NamedType> subtypes = config.getSubtypeResolver()
                .collectAndResolveSubtypesByTypeId(config, payload.getPrimaryMember(), payloadType);
        kinds = TypeNameIdResolver.construct(config, payloadType, subtypes, false, true);
        payloads = new HashMap<>();
        for (NamedType subtype : subtypes) {
            final JavaType type = subtype.hasName() ? kinds.typeFromId(ctxt, subtype.getName()) : null;
            if (type != null && type.isConcrete()) {
                payloads.put(subtype.getName(), ctxt.findContextualValueDeserializer(type, null));
            }
        }
        notAnObject = ctxt.getFactory().createBeanDeserializer(ctxt, envelopeType, description);
        if (notAnObject instanceof ResolvableDeserializer resolvable) {
            resolvable.resolve(ctxt);
        }
    }

    @Override
    public boolean isCachable() {
        return true;
    }

    @Override
    public Collection<Object> getKnownPropertyNames() {
        return FIELDS;
    }

    @Override
    public Envelope deserialize(final JsonParser p, final DeserializationContext ctxt) throws IOException {
        String name;
        if (p.isExpectedStartObjectToken()) {
            name = p.nextFieldName();
        } else if (p.hasToken(JsonToken.FIELD_NAME)) {
            name = p.currentName();
        } else if (p.hasToken(JsonToken.END_OBJECT)) {
            name = null;
        } else {
            return (Envelope) notAnObject.deserialize(p, ctxt);
        }
        final Read read = new Read();
        for (; name != null; name = p.nextFieldName()) {
            p.nextToken();
            switch (name) {
                case "event_id" -> read.eventId = (String) field(p, ctxt, strings, name);
                case KIND -> {
                    // as Jackson took an external type id: a scalar's text, else (null, object, array) none
                    read.kind = p.getValueAsString();
                    p.skipChildren();
                }
                case "schema_version" -> read.schemaVersion = (Integer) field(p, ctxt, ints, name);
                case "at" -> read.at = (Instant) field(p, ctxt, instants, name);
                case "observer" -> read.observer = (String) field(p, ctxt, strings, name);
                case "source" -> read.source = (String) field(p, ctxt, strings, name);
                case "chain" -> read.chain = (Chain) field(p, ctxt, chains, name);
                case PAYLOAD -> {
                    read.hasPayload = true;
                    final JsonDeserializer<Object> known = read.kind == null ? null : payloads.get(read.kind);
                    if (known != null && p.isExpectedStartObjectToken()) {
                        read.payload = payload(p, ctxt, known);
                    } else if (!p.hasToken(JsonToken.VALUE_NULL)) {
                        // the kind comes later, or is not one we know, or this is no object: kept
                        // until the envelope is read, which is when Jackson's type id reported it
                        read.buffered = ctxt.bufferAsCopyOfValue(p);
                    }
                }
                default -> ctxt.handleUnknownProperty(p, this, Envelope.class, name);
            }
        }
        return read.build(p, ctxt);
    }

    /** What one envelope said so far; missing fields get what Jackson gives an absent creator property. */
    private final class Read {
        private String eventId;
        private String kind;
        private Integer schemaVersion;
        private Instant at;
        private String observer;
        private String source;
        private boolean hasPayload;
        private EventPayload payload;
        private TokenBuffer buffered;
        private Chain chain;

        Envelope build(final JsonParser p, final DeserializationContext ctxt) throws IOException {
            if (buffered != null) {
                if (kind == null) {
                    return ctxt.reportPropertyInputMismatch(Envelope.class, PAYLOAD,
                            "Missing external type id property '%s'", KIND);
                }
                final JsonDeserializer<Object> deserializer = payloadDeserializer(ctxt, kind);
                if (deserializer != null) {
                    try (JsonParser replay = buffered.asParser(p)) {
                        replay.nextToken();
                        payload = payload(replay, ctxt, deserializer);
                    }
                }
            } else if (kind != null && !hasPayload) {
                if (ctxt.isEnabled(DeserializationFeature.FAIL_ON_MISSING_EXTERNAL_TYPE_ID_PROPERTY)) {
                    return ctxt.reportPropertyInputMismatch(Envelope.class, PAYLOAD,
                            "Missing property '%s' for external type id '%s'", PAYLOAD, KIND);
                }
                final JsonDeserializer<Object> deserializer = payloadDeserializer(ctxt, kind);
                payload = deserializer == null ? null : (EventPayload) deserializer.getNullValue(ctxt);
            }
            final int version = schemaVersion != null ? schemaVersion : (Integer) absent(ctxt, ints, "schema_version");
            try {
                return new Envelope(eventId, version, at, observer, source, payload, chain);
            } catch (RuntimeException e) {
                return (Envelope) ctxt.handleInstantiationProblem(Envelope.class, null, e);
            }
        }
    }

    /** A field's value as the mapper's deserializer of its type reads it, failures naming the field. */
    private static Object field(final JsonParser p, final DeserializationContext ctxt,
                                final JsonDeserializer<Object> deserializer, final String name) throws IOException {
        try {
            if (p.hasToken(JsonToken.VALUE_NULL)) {
                return deserializer.getNullValue(ctxt);
            }
            final Object value = deserializer.deserialize(p, ctxt);
            return value != null ? value : deserializer.getNullValue(ctxt);
        } catch (Exception e) {
            throw withPath(e, ctxt, name);
        }
    }

    private static Object absent(final DeserializationContext ctxt, final JsonDeserializer<Object> deserializer,
                                 final String name) throws IOException {
        try {
            return deserializer.getAbsentValue(ctxt);
        } catch (JsonMappingException e) {
            e.prependPath(Envelope.class, name);
            throw e;
        }
    }

    /** As Jackson's bean deserializer wraps a property's failure: the path gets the field's name. */
    private static IOException withPath(final Exception e, final DeserializationContext ctxt, final String name)
            throws IOException {
        final boolean wrap = ctxt.isEnabled(DeserializationFeature.WRAP_EXCEPTIONS);
        if (e instanceof IOException io && (!wrap || !(e instanceof JacksonException))) {
            throw io;
        }
        if (!wrap) {
            ClassUtil.throwIfRTE(e);
        }
        return JsonMappingException.wrapWithPath(e, Envelope.class, name);
    }

    /** The payload at {@code p} (its first token, not JSON null) read by its record's deserializer. */
    private static EventPayload payload(final JsonParser p, final DeserializationContext ctxt,
                                        final JsonDeserializer<Object> deserializer) throws IOException {
        try {
            return (EventPayload) deserializer.deserialize(p, ctxt);
        } catch (JsonMappingException e) {
            throw asWhileReading(e, p);
        } catch (RuntimeException e) {
            return (EventPayload) ctxt.handleInstantiationProblem(Envelope.class, null, e);
        }
    }

    /**
     * Malformed JSON inside a payload fails as it did while Jackson buffered the payload: with the
     * parser's own error (so the message names the path from the envelope, {@code payload.product}),
     * not the payload record's wrapping of it.
     */
    private static JacksonException asWhileReading(final JsonMappingException e, final JsonParser p) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof JsonParseException parse && parse.getProcessor() == p
                    || t instanceof StreamConstraintsException) {
                return (JacksonException) t;
            }
        }
        return e;
    }

    /** The cached deserializer of {@code kind}'s record; an unknown kind fails as Jackson's type id did. */
    private JsonDeserializer<Object> payloadDeserializer(final DeserializationContext ctxt, final String kind)
            throws IOException {
        final JsonDeserializer<Object> known = payloads.get(kind);
        if (known != null) {
            return known;
        }
        JavaType type = kinds.typeFromId(ctxt, kind);
        if (type == null) {
            type = ctxt.handleUnknownTypeId(payloadType, kind, kinds,
                    "known type ids = " + kinds.getDescForKnownTypeIds() + " (for POJO property '" + PAYLOAD + "')");
            if (type == null) {
                // FAIL_ON_INVALID_SUBTYPE disabled: no payload, as Jackson did
                return null;
            }
        }
        return ctxt.findContextualValueDeserializer(type, null);
    }
}
