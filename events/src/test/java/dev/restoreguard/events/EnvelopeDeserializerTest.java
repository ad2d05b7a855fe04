package dev.restoreguard.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restoreguard.events.hosts.HostsSnapshot;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link EnvelopeDeserializer}: both orders of {@code kind} and {@code payload} read the same
 * envelope, and what does not read fails with the message Jackson's external type id gave (the
 * DLQ and the operators rely on those).
 */
class EnvelopeDeserializerTest {

    private static final String TOPIC = "restoreguard.test";
    private final JsonSerde<Envelope> serde = new JsonSerde<>(Envelope.class);

    /** The golden sample as written ({@code kind} before {@code payload}) and with the payload moved first. */
    static Stream<Arguments> bothOrders() {
        return Samples.ENVELOPES.stream().flatMap(kind -> Stream.of(
                Arguments.of(kind, "kind first", UnaryOperator.<ObjectNode>identity()),
                Arguments.of(kind, "payload first", (UnaryOperator<ObjectNode>) EnvelopeDeserializerTest::payloadFirst)));
    }

    /** The same fields, {@code payload} (and whatever follows it in {@code first}) moved to the front. */
    private static ObjectNode payloadFirst(final ObjectNode envelope) {
        return reordered(envelope, "payload");
    }

    private static ObjectNode reordered(final ObjectNode envelope, final String... first) {
        final ObjectNode moved = envelope.objectNode();
        for (String name : first) {
            if (envelope.has(name)) {
                moved.set(name, envelope.get(name));
            }
        }
        envelope.properties().forEach(e -> {
            if (!moved.has(e.getKey())) {
                moved.set(e.getKey(), e.getValue());
            }
        });
        return moved;
    }

    private Envelope read(final JsonNode envelope) {
        return serde.deserialize(TOPIC, Samples.toBytes(envelope));
    }

    /** Each envelope fails in the serde with {@code message} after the serde's prefix. */
    private void assertEachFailsWith(final List<ObjectNode> envelopes, final String message) {
        for (ObjectNode envelope : envelopes) {
            assertThatThrownBy(() -> read(envelope)).isInstanceOf(SerializationException.class)
                    .hasMessage("cannot read Envelope from restoreguard.test: " + message);
        }
    }

    private static List<String> fieldNames(final byte[] json) throws Exception {
        final List<String> names = new ArrayList<>();
        Json.MAPPER.readTree(json).fieldNames().forEachRemaining(names::add);
        return names;
    }

    @ParameterizedTest
    @FieldSource("dev.restoreguard.events.Samples#ENVELOPES")
    void shouldRoundTripEveryPayloadKindWritingKindBeforePayload(final String kind) throws Exception {
        final Envelope envelope = Json.MAPPER.readValue(Samples.bytes(kind), Envelope.class);

        final byte[] written = Json.MAPPER.writeValueAsBytes(envelope);

        assertThat(envelope.kind()).isEqualTo(kind);
        assertThat(Json.MAPPER.readValue(written, Envelope.class)).isEqualTo(envelope);
        assertThat(fieldNames(written)).startsWith("event_id", "kind").containsSubsequence("kind", "payload")
                .doesNotHaveDuplicates();
        assertThat(Json.MAPPER.readTree(written)).isEqualTo(Samples.tree(kind));
    }

    @Test
    void shouldWriteTheEnvelopeFieldsInTheDocumentedOrder() throws Exception {
        final Envelope chained = Json.MAPPER.readValue(Samples.bytes("restore"), Envelope.class)
                .withChain(new Chain("veeam-syslog@vbr01|restoreguard.restores|vbr01", 1, null));

        assertThat(fieldNames(Json.MAPPER.writeValueAsBytes(chained)))
                .containsExactly("event_id", "kind", "schema_version", "at", "observer", "source", "payload", "chain");
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("bothOrders")
    void shouldReadTheSameEnvelopeWhateverTheOrderOfKindAndPayload(final String kind, final String order,
                                                                    final UnaryOperator<ObjectNode> arrange) {
        final Envelope expected = serde.deserialize(TOPIC, Samples.bytes(kind));

        assertThat(read(arrange.apply(Samples.tree(kind)))).isEqualTo(expected);
        // kind last of all, after every other field
        assertThat(read(reordered(Samples.tree(kind), "payload", "event_id", "at", "observer", "source",
                "schema_version"))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("bothOrders")
    void shouldReadTheSameFromATreeAsFromBytes(final String kind, final String order,
                                               final UnaryOperator<ObjectNode> arrange) throws Exception {
        final ObjectNode tree = arrange.apply(Samples.tree(kind));

        assertThat(Json.MAPPER.treeToValue(tree, Envelope.class)).isEqualTo(read(tree));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("bothOrders")
    void shouldReadAnEnvelopeWithAChain(final String kind, final String order, final UnaryOperator<ObjectNode> arrange) {
        final ObjectNode tree = Samples.tree(kind);
        tree.putObject("chain").put("id", "hosts-file@vbr01|restoreguard.hosts.snapshots|vbr01").put("seq", 2)
                .put("prev", "ab".repeat(32));

        final Envelope envelope = read(arrange.apply(tree));

        assertThat(envelope.chain()).isEqualTo(new Chain("hosts-file@vbr01|restoreguard.hosts.snapshots|vbr01", 2,
                "ab".repeat(32)));
        assertThat(envelope.withChain(null)).isEqualTo(serde.deserialize(TOPIC, Samples.bytes(kind)));
        assertThat(read(reordered(tree, "chain", "payload", "kind"))).isEqualTo(envelope);
    }

    @Test
    void shouldNameTheChainFieldThatIsWrong() {
        final ObjectNode tree = Samples.tree("restore");
        tree.putObject("chain").put("id", "c").put("seq", 0);

        assertThatThrownBy(() -> read(tree)).isInstanceOf(SerializationException.class)
                .hasMessageEndingWith(": chain.seq: must be at least 1, was 0");
        tree.putObject("chain").put("id", "c").put("seq", "x");
        assertThatThrownBy(() -> read(tree)).isInstanceOf(SerializationException.class)
                .hasMessageContaining(": chain.seq: Cannot deserialize value of type `long` from String \"x\"");
    }

    @Test
    void shouldRejectAnUnknownKindNamingTheKnownOnes() {
        final ObjectNode backup = Samples.tree("restore").put("kind", "backup");

        assertEachFailsWith(List.of(backup, payloadFirst(backup)), "Could not resolve type id 'backup' as a subtype of"
                + " `dev.restoreguard.events.EventPayload`: known type ids = [approval, audit, dns_record, heartbeat,"
                + " hosts_file, inventory, restore] (for POJO property 'payload')");
        assertThatThrownBy(() -> read(backup)).hasRootCauseInstanceOf(InvalidTypeIdException.class);
    }

    @Test
    void shouldRejectAMissingKindInEitherOrder() {
        final ObjectNode envelope = Samples.tree("heartbeat");
        envelope.remove("kind");

        assertEachFailsWith(List.of(envelope, payloadFirst(envelope), envelope.deepCopy().putNull("kind")),
                "payload: Missing external type id property 'kind'");
    }

    @Test
    void shouldRejectAMissingPayload() {
        final ObjectNode envelope = Samples.tree("restore");
        envelope.remove("payload");

        assertThatThrownBy(() -> read(envelope)).isInstanceOf(SerializationException.class)
                .hasMessage("cannot read Envelope from restoreguard.test: payload: Missing property 'payload' for external type id 'kind'");
        envelope.remove("kind");
        assertThatThrownBy(() -> read(envelope)).isInstanceOf(SerializationException.class)
                .hasMessage("cannot read Envelope from restoreguard.test: payload: required");
    }

    @Test
    void shouldRejectANullPayloadAsRequired() {
        final ObjectNode envelope = Samples.tree("restore").putNull("payload");

        assertEachFailsWith(List.of(envelope, payloadFirst(envelope), envelope.deepCopy().put("kind", "backup")),
                "payload: required");
    }

    @Test
    void shouldNameAnEnvelopeFieldOfTheWrongType() {
        final ObjectNode wrongTime = Samples.tree("restore");
        wrongTime.putObject("at");
        final ObjectNode wrongId = Samples.tree("restore");
        wrongId.putArray("event_id").add("e1");

        assertThatThrownBy(() -> read(wrongTime)).isInstanceOf(SerializationException.class)
                .hasMessageContaining(": at: Unexpected token (START_OBJECT), expected one of [VALUE_STRING,");
        assertThatThrownBy(() -> read(wrongId)).isInstanceOf(SerializationException.class)
                .hasMessageContaining(": event_id: Cannot deserialize value of type `java.lang.String` from Array value");
        assertThatThrownBy(() -> read(Samples.tree("restore").put("schema_version", "one")))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(": schema_version: Cannot deserialize value of type `int` from String \"one\"");
        // a number where a string is expected is taken as its text, as before
        assertThat(read(Samples.tree("restore").put("event_id", 123)).eventId()).isEqualTo("123");
    }

    @Test
    void shouldNameAPayloadFieldOfTheWrongTypeInEitherOrder() {
        final ObjectNode hosts = Samples.withPayload("hosts_file", p -> p.put("size_bytes", "big"));
        final ObjectNode line = Samples.withPayload("hosts_file",
                p -> ((ObjectNode) p.get("entries").get(0)).put("line", "two"));

        assertEachFailsWith(List.of(hosts, payloadFirst(hosts)),
                "size_bytes: Cannot deserialize value of type `long` from String \"big\": not a valid `long` value");
        for (ObjectNode arranged : List.of(line, payloadFirst(line))) {
            assertThatThrownBy(() -> read(arranged)).isInstanceOf(SerializationException.class)
                    .hasMessageStartingWith("cannot read Envelope from restoreguard.test: entries[0].line: Cannot deserialize value of type `int`");
        }
    }

    @Test
    void shouldNameTheJsonPathOfBrokenJsonInsideAPayloadInEitherOrder() {
        final String kindFirst = "{\"event_id\": \"e1\", \"kind\": \"hosts_file\", \"payload\": {\"path\": \"/etc/hosts\","
                + " \"entries\": [{\"line\": 1, \"address\": \"10.0.0.1\", \"names\": [\"a\"], \"names\": [\"b\"]}]}}";
        final String payloadFirst = "{\"payload\": {\"path\": \"/etc/hosts\", \"entries\": [{\"line\": 1,"
                + " \"address\": \"10.0.0.1\", \"names\": [\"a\"], \"names\": [\"b\"]}]}, \"kind\": \"hosts_file\"}";

        for (String json : List.of(kindFirst, payloadFirst)) {
            assertThatThrownBy(() -> serde.deserialize(TOPIC, json.getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(SerializationException.class)
                    .hasMessage("cannot read Envelope from restoreguard.test: payload.entries[0].names: Duplicate field 'names'");
        }
    }

    @Test
    void shouldReadThePayloadInPlaceWhenItsKindComesFirst() {
        // A failure inside the payload is located where the parser was: inside the payload when it
        // is read in place, at the end of the envelope when it was buffered and replayed there.
        final ObjectNode envelope = Samples.withPayload("hosts_file", p -> p.put("size_bytes", "big"));
        final String kindFirst = new String(Samples.toBytes(envelope), StandardCharsets.UTF_8);
        final String payloadFirst = new String(Samples.toBytes(reordered(envelope, "payload")), StandardCharsets.UTF_8);

        assertThat(failureOffset(kindFirst)).isEqualTo(kindFirst.indexOf("\"big\""));
        assertThat(failureOffset(payloadFirst)).isEqualTo(payloadFirst.length() - 1);
    }

    private static long failureOffset(final String json) {
        try {
            Json.MAPPER.readValue(json, Envelope.class);
        } catch (JsonMappingException e) {
            return e.getLocation().getCharOffset();
        } catch (Exception e) {
            throw new AssertionError("expected a mapping failure, got " + e, e);
        }
        throw new AssertionError("expected a mapping failure");
    }

    @Test
    void shouldIgnoreUnknownFieldsAtEnvelopeAndPayloadLevel() {
        final Envelope expected = serde.deserialize(TOPIC, Samples.bytes("hosts_file"));
        final ObjectNode extra = Samples.withPayload("hosts_file", p -> {
            p.put("added_by_a_newer_collector", true);
            p.putObject("nested").putArray("deep").addObject().put("kind", "restore").putNull("payload");
            ((ObjectNode) p.get("entries").get(0)).put("comment", "x");
        });
        extra.put("partition_hint", 3);
        extra.putArray("tags").add("a").addObject().put("payload", "not this one");
        extra.put("Kind", "restore");
        extra.put("eventId", "not the event id");

        assertThat(read(extra)).isEqualTo(expected);
        assertThat(read(payloadFirst(extra))).isEqualTo(expected);
        assertThat(read(reordered(extra, "tags", "payload", "partition_hint"))).isEqualTo(expected);
    }

    @Test
    void shouldFollowTheReadersSettingsForUnknownFieldsAndNullPrimitives() {
        final ObjectNode extra = Samples.tree("restore").put("partition_hint", 3);
        final ObjectNode noVersion = Samples.tree("restore");
        noVersion.remove("schema_version");

        assertThatThrownBy(() -> Json.MAPPER.readerFor(Envelope.class)
                .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(Samples.toBytes(extra)))
                .isInstanceOf(UnrecognizedPropertyException.class)
                .hasMessageContaining("Unrecognized field \"partition_hint\"")
                .hasMessageContaining("\"event_id\"");
        assertThatThrownBy(() -> read(noVersion)).isInstanceOf(SerializationException.class)
                .hasMessageContaining(": schema_version: Cannot map `null` into type `int`");
        assertThatThrownBy(() -> read(Samples.tree("restore").putNull("schema_version")))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(": schema_version: Cannot map `null` into type `int`");
        // without FAIL_ON_NULL_FOR_PRIMITIVES a missing version is 0, which the record refuses
        assertThatThrownBy(() -> Json.MAPPER.readerFor(Envelope.class)
                .without(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).readValue(Samples.toBytes(noVersion)))
                .hasRootCauseInstanceOf(EventValidationException.class)
                .hasRootCauseMessage("schema_version: unsupported version 0 (this build reads 1..1)");
    }

    @Test
    void shouldReportTheRecordsOwnValidationError() {
        final ObjectNode blankSource = Samples.tree("restore").put("source", " ");
        final ObjectNode noEntryAddress = Samples.withPayload("hosts_file",
                p -> ((ObjectNode) p.get("entries").get(0)).remove("address"));

        assertThatThrownBy(() -> read(blankSource)).isInstanceOf(SerializationException.class)
                .hasMessage("cannot read Envelope from restoreguard.test: source: required");
        assertThatThrownBy(() -> Json.MAPPER.readValue(Samples.toBytes(blankSource), Envelope.class))
                .isInstanceOf(JsonMappingException.class)
                .hasRootCauseInstanceOf(EventValidationException.class);
        assertThatThrownBy(() -> read(payloadFirst(noEntryAddress))).isInstanceOf(SerializationException.class)
                .hasMessage("cannot read Envelope from restoreguard.test: hosts_file.entries.address: required");
    }

    @Test
    void shouldRejectWhatIsNotAnEnvelopeObject() {
        assertThatThrownBy(() -> serde.deserialize(TOPIC, "[1]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Cannot deserialize value of type `dev.restoreguard.events.Envelope` from Array value");
        assertThatThrownBy(() -> serde.deserialize(TOPIC, "\"restore\"".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Cannot construct instance of `dev.restoreguard.events.Envelope`");
        assertThatThrownBy(() -> read(Samples.tree("restore").put("payload", "restore")))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Cannot construct instance of `dev.restoreguard.events.restore.RestoreEvent`");
    }

    @Test
    void shouldReadALargeHostsSnapshotInEitherOrder() {
        final ObjectNode envelope = Samples.tree("hosts_file");
        final ArrayNode entries = ((ObjectNode) envelope.get("payload")).putArray("entries");
        for (int i = 1; i <= 5_000; i++) {
            entries.addObject().put("line", i).put("address", "10.1." + (i / 250) + "." + (i % 250))
                    .putArray("names").add("host-" + i + ".corp.example").add("host-" + i);
        }

        final Envelope kindFirst = read(envelope);

        assertThat(((HostsSnapshot) kindFirst.payload()).entries()).hasSize(5_000);
        assertThat(read(payloadFirst(envelope))).isEqualTo(kindFirst);
    }
}
