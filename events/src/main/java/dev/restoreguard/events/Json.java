package dev.restoreguard.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.core.JsonFactory;

/**
 * The one shared {@link ObjectMapper} of RestoreGuard's events: snake_case fields, ISO-8601
 * instants, unknown fields tolerated (newer producers may add fields), and hardened against
 * hostile input: duplicate keys are rejected and document size, nesting and string length are
 * bounded so a crafted record cannot exhaust the engine's memory.
 */
public final class Json {

    /** Largest string value accepted (a hosts file snapshot may carry the whole file). */
    public static final int MAX_STRING_LENGTH = 20 * 1024 * 1024;

    public static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    // Field names are not canonicalized: the engine's state holds maps keyed by host
                    // names, alert ids and judgment keys, hundreds of thousands of distinct names, and
                    // adding each to Jackson's shared symbol table (copying it on first write per
                    // document) was 9.5% of the engine's stream thread in the 1,000,000-event benchmark;
                    // in-process at 100,000 events the engine ran 11% faster without it, at 20,000 (a
                    // small state) 4% slower (docs/benchmarks.md, session 8).
                    .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(64)
                            .maxStringLength(MAX_STRING_LENGTH)
                            .maxNumberLength(64)
                            .maxDocumentLength(64L * 1024 * 1024)
                            .build())
                    .build())
            .addModule(new JavaTimeModule())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            // Map.copyOf iterates in an order salted per JVM start: without sorting, the payload
            // JSON that Envelope.deterministicId hashes would change when a collector restarts.
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .build();

    private Json() {
    }
}
