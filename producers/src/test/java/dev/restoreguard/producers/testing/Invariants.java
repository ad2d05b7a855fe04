package dev.restoreguard.producers.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.net.Names;

/** Checks the bad-input tests share: what a parser emits is normalized and survives the wire. */
public final class Invariants {

    private Invariants() {
    }

    /** parse(render(e)) == e on the wire format, and its observer is a fixed point of normalization. */
    public static void assertPublishable(final Envelope e) {
        try {
            final String json = Json.MAPPER.writeValueAsString(e);
            assertThat(Json.MAPPER.readValue(json, Envelope.class)).isEqualTo(e);
        } catch (JsonProcessingException ex) {
            throw new AssertionError("envelope does not survive JSON: " + ex.getMessage(), ex);
        }
        if (e.observer() != null) {
            assertThat(Names.normalize(e.observer())).as("observer normalized").isEqualTo(e.observer());
        }
    }

    /** A name that is already normalized. */
    public static void assertNormalized(final String name) {
        if (name != null) {
            assertThat(Names.normalize(name)).as("normalized name").isEqualTo(name);
        }
    }
}
