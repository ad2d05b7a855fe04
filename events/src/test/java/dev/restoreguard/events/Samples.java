package dev.restoreguard.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** The golden JSON samples under {@code src/test/resources/events/}: one per kind and an alert. */
final class Samples {

    /** Envelope samples, named by their kind. */
    static final List<String> ENVELOPES = List.of("hosts_file", "dns_record", "restore", "approval", "inventory",
            "audit", "heartbeat");
    /** The alert document sample. */
    static final String ALERT = "alert";

    private Samples() {
    }

    /** Every sample: the envelopes and the alert. */
    static List<String> all() {
        return java.util.stream.Stream.concat(ENVELOPES.stream(), java.util.stream.Stream.of(ALERT)).toList();
    }

    static byte[] bytes(final String name) {
        try (InputStream in = Samples.class.getResourceAsStream("/events/" + name + ".json")) {
            if (in == null) {
                throw new IllegalArgumentException("no sample events/" + name + ".json");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh, mutable tree of the sample, read with the shared mapper. */
    static ObjectNode tree(final String name) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(bytes(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tree of the sample with {@code edit} applied to its payload (or, for the alert, its root). */
    static ObjectNode withPayload(final String name, final java.util.function.Consumer<ObjectNode> edit) {
        final ObjectNode tree = tree(name);
        edit.accept(ALERT.equals(name) ? tree : (ObjectNode) tree.get("payload"));
        return tree;
    }

    static byte[] toBytes(final JsonNode node) {
        try {
            return Json.MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
