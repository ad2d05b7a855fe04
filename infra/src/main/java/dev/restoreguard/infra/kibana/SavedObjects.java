package dev.restoreguard.infra.kibana;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restoreguard.events.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * RestoreGuard's Kibana saved objects (data views, saved searches, Lens visualizations and the
 * overview dashboard) as Kibana's import API takes them: NDJSON, one saved object per line. The one
 * copy lives in {@code infra/kibana/restoreguard.ndjson}; the build puts it on the classpath as
 * {@value #RESOURCE}.
 */
public final class SavedObjects {

    /** Classpath location of the bundled NDJSON. */
    public static final String RESOURCE = "kibana/restoreguard.ndjson";
    /** File name sent in the multipart upload (Kibana checks the {@code .ndjson} extension). */
    public static final String FILE_NAME = "restoreguard.ndjson";

    private SavedObjects() {
    }

    /** The bundled NDJSON bytes. */
    public static byte[] bundled() {
        try (InputStream in = SavedObjects.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("The Kibana saved objects (" + RESOURCE + ") are not on the classpath; "
                        + "rebuild the project (./mvnw package)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + RESOURCE + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses NDJSON line by line: every non-empty line must be one JSON object with a
     * {@code type} and an {@code id}. Errors name the source and the line number.
     */
    public static List<ObjectNode> parse(final byte[] ndjson, final String source) {
        final String[] lines = new String(ndjson, StandardCharsets.UTF_8).split("\n", -1);
        final List<ObjectNode> objects = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            final String line = lines[i].strip();
            final int number = i + 1;
            if (line.isEmpty()) {
                if (i == lines.length - 1) {
                    continue; // the newline that ends the last object
                }
                throw new IllegalArgumentException(source + ":" + number + ": empty line (NDJSON has one saved object per line)");
            }
            final JsonNode node;
            try {
                node = Json.MAPPER.readTree(line);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(source + ":" + number + ": not JSON: " + e.getOriginalMessage(), e);
            }
            if (!(node instanceof ObjectNode object)) {
                throw new IllegalArgumentException(source + ":" + number + ": not a JSON object");
            }
            for (final String field : List.of("type", "id")) {
                if (!object.path(field).isTextual() || object.path(field).asText().isBlank()) {
                    throw new IllegalArgumentException(source + ":" + number + ": missing \"" + field + "\"");
                }
            }
            objects.add(object);
        }
        if (objects.isEmpty()) {
            throw new IllegalArgumentException(source + ": no saved objects");
        }
        return objects;
    }
}
