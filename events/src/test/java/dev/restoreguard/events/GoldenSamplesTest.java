package dev.restoreguard.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreguard.events.alert.Alert;
import java.io.File;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The golden samples are the contract in example form: each reads into its record, writes back to
 * the same JSON tree, and validates against its schema. A sample that stops round-tripping means a
 * record changed the wire format.
 */
class GoldenSamplesTest {

    @ParameterizedTest
    @FieldSource("dev.restoreguard.events.Samples#ENVELOPES")
    void shouldRoundTripEnvelopeSampleUnchanged(final String kind) throws Exception {
        final JsonNode golden = Samples.tree(kind);

        final Envelope envelope = Json.MAPPER.readValue(Samples.bytes(kind), Envelope.class);
        final JsonNode written = Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(envelope));

        assertThat(envelope.kind()).isEqualTo(kind);
        assertThat(written).isEqualTo(golden);
    }

    @ParameterizedTest
    @FieldSource("dev.restoreguard.events.Samples#ENVELOPES")
    void shouldRoundTripEnvelopeSampleThroughTheSerde(final String kind) {
        final JsonSerde<Envelope> serde = new JsonSerde<>(Envelope.class);

        final Envelope envelope = serde.deserialize("restoreguard.test", Samples.bytes(kind));
        final Envelope again = serde.deserialize("restoreguard.test", serde.serialize("restoreguard.test", envelope));

        assertThat(again).isEqualTo(envelope);
    }

    @ParameterizedTest
    @FieldSource("dev.restoreguard.events.Samples#ENVELOPES")
    void shouldCarryTheDeterministicEventIdInEachEnvelopeSample(final String kind) throws Exception {
        final Envelope envelope = Json.MAPPER.readValue(Samples.bytes(kind), Envelope.class);

        // if this fails, the id function or the payload's JSON changed: re-collected events would
        // no longer de-duplicate against the ones already stored
        assertThat(Envelope.deterministicId(envelope.source(), envelope.at(), envelope.observer(), envelope.payload()))
                .isEqualTo(envelope.eventId());
    }

    @ParameterizedTest
    @FieldSource("dev.restoreguard.events.Samples#ENVELOPES")
    void shouldValidateEnvelopeSampleAgainstItsSchema(final String kind) {
        assertThat(EventSchemas.validateEnvelope(Samples.tree(kind))).isEmpty();
        assertThat(EventSchemas.validatePayload(kind, Samples.tree(kind).get("payload"))).isEmpty();
    }

    @Test
    void shouldRoundTripAlertSampleUnchanged() throws Exception {
        final JsonNode golden = Samples.tree(Samples.ALERT);

        final Alert alert = Json.MAPPER.readValue(Samples.bytes(Samples.ALERT), Alert.class);
        final JsonNode written = Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(alert));

        assertThat(written).isEqualTo(golden);
        assertThat(alert.alert().id()).isEqualTo(Alert.idOf(alert.rule().id(), alert.alert().subject()));
    }

    @Test
    void shouldValidateAlertSampleAgainstItsSchema() {
        assertThat(EventSchemas.validateAlert(Samples.tree(Samples.ALERT))).isEmpty();
        assertThat(EventSchemas.validate(Samples.tree(Samples.ALERT))).isEmpty();
    }

    @Test
    void shouldHaveOneSamplePerKindAndNoStraySamples() throws URISyntaxException {
        final File dir = new File(Objects.requireNonNull(Samples.class.getResource("/events")).toURI());
        final String[] files = Objects.requireNonNull(dir.list((d, name) -> name.endsWith(".json")));

        assertThat(Samples.ENVELOPES).containsExactlyInAnyOrderElementsOf(EventSchemas.KINDS);
        assertThat(Arrays.stream(files).map(f -> f.substring(0, f.length() - ".json".length())))
                .containsExactlyInAnyOrderElementsOf(Samples.all());
    }
}
