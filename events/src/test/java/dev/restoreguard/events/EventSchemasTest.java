package dev.restoreguard.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EventSchemasTest {

    @Test
    void shouldNameAMissingPayloadFieldByKind() {
        final JsonNode restore = Samples.withPayload("restore", p -> p.remove("session_id"));

        assertThat(EventSchemas.validate(restore)).extracting(Object::toString)
                .containsExactly("restore.session_id: required");
    }

    @Test
    void shouldTreatBlankAndNullRequiredFieldsAsMissing() {
        final JsonNode dns = Samples.withPayload("dns_record", p -> p.put("zone", "  ").putNull("data"));

        assertThat(EventSchemas.validate(dns)).extracting(Object::toString)
                .containsExactly("dns_record.data: required", "dns_record.zone: required");
    }

    @Test
    void shouldListTheAllowedValuesOfAWrongEnum() {
        final JsonNode restore = Samples.withPayload("restore", p -> p.put("state", "paused"));

        assertThat(EventSchemas.validate(restore)).extracting(Object::toString)
                .containsExactly("restore.state: must be one of [failed, finished, running, started], was 'paused'");
    }

    @Test
    void shouldWordAnEnumViolationLikeTheRecordsDo() {
        final JsonNode restore = Samples.withPayload("restore", p -> p.put("state", "paused"));
        final String recordMessage = readError(restore);

        // the record says "restore.state: must be one of [...], was 'paused'" too
        assertThat(recordMessage).endsWith(EventSchemas.validate(restore).get(0).toString());
    }

    @Test
    void shouldNameNestedFieldsAndArrayElements() {
        final JsonNode hosts = Samples.withPayload("hosts_file", p -> {
            ((ObjectNode) p.get("entries").get(1)).remove("address");
            ((ArrayNode) p.get("entries").get(2).get("names")).addNull();
            ((ObjectNode) p.get("diff").get("changed").get(0)).put("after_line", "five");
        });

        assertThat(EventSchemas.validate(hosts)).extracting(Object::toString).containsExactly(
                "hosts_file.diff.changed[0].after_line: must be integer or null, was string",
                "hosts_file.entries[1].address: required",
                "hosts_file.entries[2].names[2]: must be string, was null");
    }

    @Test
    void shouldNameEnvelopeFieldsWithoutAPrefix() {
        final ObjectNode envelope = Samples.tree("heartbeat");
        envelope.remove("event_id");
        envelope.put("at", "yesterday");
        envelope.put("schema_version", 2);

        assertThat(EventSchemas.validate(envelope)).extracting(Object::toString).containsExactly(
                "at: must be a date-time, was 'yesterday'",
                "event_id: required",
                "schema_version: must be 1, was 2");
    }

    @Test
    void shouldRejectAnUnknownKindWithoutCheckingThePayload() {
        final ObjectNode envelope = Samples.tree("restore");
        envelope.put("kind", "backup");

        assertThat(EventSchemas.validate(envelope)).extracting(Object::toString).containsExactly(
                "kind: must be one of [approval, audit, dns_record, heartbeat, hosts_file, inventory, restore], was 'backup'");
    }

    @Test
    void shouldRejectAMissingKindAndPayload() {
        final ObjectNode envelope = Samples.tree("restore");
        envelope.remove("kind");
        envelope.remove("payload");

        assertThat(EventSchemas.validateEnvelope(envelope)).extracting(Object::toString)
                .containsExactly("kind: required", "payload: required");
    }

    @Test
    void shouldCheckThePayloadAgainstTheSchemaOfItsKind() {
        // a valid restore payload is no valid approval payload
        final ObjectNode envelope = Samples.tree("restore");
        envelope.put("kind", "approval");

        assertThat(EventSchemas.validate(envelope)).extracting(Object::toString)
                .containsExactly("approval.change_id: required", "approval.state: must be one of "
                        + "[approved, pending, rejected, revoked], was 'running'");
    }

    @Test
    void shouldValidateABarePayloadByKind() {
        final JsonNode payload = Samples.tree("approval").get("payload").deepCopy();
        ((ObjectNode) payload).remove("change_id");
        ((ObjectNode) payload.get("window")).put("end", "2026-11-20 18:00");

        assertThat(EventSchemas.validatePayload("approval", payload)).extracting(Object::toString).containsExactly(
                "approval.change_id: required",
                "approval.window.end: must be a date-time, was '2026-11-20 18:00'");
        assertThat(EventSchemas.validatePayload("nope", payload)).extracting(Object::toString)
                .singleElement().asString().startsWith("kind: must be one of [approval,");
    }

    @Test
    void shouldRequireTheContractFieldsOfAnAlert() {
        final ObjectNode alert = Samples.tree(Samples.ALERT);
        ((ObjectNode) alert.get("alert")).remove("reason");
        ((ObjectNode) alert.get("alert")).put("status", "closed");
        ((ObjectNode) alert.get("host")).remove("name");
        alert.remove("restoreguard");

        assertThat(EventSchemas.validate(alert)).extracting(Object::toString).containsExactly(
                "alert.reason: required",
                "alert.status: must be one of [open, retracted], was 'closed'",
                "host.name: required",
                "restoreguard: required");
    }

    @Test
    void shouldRequireTheEcsSeverityThatMatchesTheAlertSeverity() {
        final ObjectNode alert = Samples.tree(Samples.ALERT);
        ((ObjectNode) alert.get("alert")).put("severity", "high");
        final ObjectNode wrongNumber = Samples.tree(Samples.ALERT);
        ((ObjectNode) wrongNumber.get("event")).put("severity", 50);

        assertThat(EventSchemas.validate(alert)).extracting(Object::toString)
                .containsExactly("event.severity: must be 73, was 99");
        assertThat(EventSchemas.validate(wrongNumber)).extracting(Object::toString)
                .contains("event.severity: must be one of [21, 47, 73, 99], was 50");
    }

    @Test
    void shouldPinEcsAndAlertConstants() {
        final ObjectNode alert = Samples.tree(Samples.ALERT);
        ((ObjectNode) alert.get("ecs")).put("version", "8.11.0");
        ((ObjectNode) alert.get("event")).put("kind", "event");
        ((ObjectNode) alert.get("alert")).put("severity", "CRITICAL");

        assertThat(EventSchemas.validate(alert)).extracting(Object::toString).contains(
                "ecs.version: must be '9.4.0', was '8.11.0'",
                "event.kind: must be 'alert', was 'event'",
                "alert.severity: must be one of [critical, high, low, medium], was 'CRITICAL'");
    }

    @Test
    void shouldRejectANonObjectDocument() throws Exception {
        assertThat(EventSchemas.validateEnvelope(Json.MAPPER.readTree("[1, 2]"))).extracting(Object::toString)
                .containsExactly("$: must be object, was array");
        assertThat(EventSchemas.validateAlert(null)).extracting(Object::toString)
                .containsExactly("$: required");
    }

    @Test
    void shouldCutLongValuesShortInMessages() {
        final JsonNode dns = Samples.withPayload("dns_record", p -> p.put("type", "TXT".repeat(100)));

        assertThat(EventSchemas.validate(dns).get(0).problem()).hasSizeLessThan(150).contains("...");
    }

    @Test
    void shouldThrowEveryViolationAtOnceFromRequireValid() {
        final JsonNode restore = Samples.withPayload("restore", p -> p.put("state", "paused").remove("product"));

        assertThatThrownBy(() -> EventSchemas.requireValid(restore))
                .isInstanceOf(EventValidationException.class)
                .hasMessage("restore.product: required; "
                        + "restore.state: must be one of [failed, finished, running, started], was 'paused'");
        EventSchemas.requireValid(Samples.tree("restore"));
    }

    @Test
    void shouldKnowEveryKindOfTheEnvelopeAndNoOther() throws Exception {
        final JsonSubTypes subTypes = Envelope.class.getDeclaredField("payload").getAnnotation(JsonSubTypes.class);
        final List<String> envelopeKinds = Arrays.stream(subTypes.value()).map(JsonSubTypes.Type::name).toList();
        final JsonNode schemaKinds;
        try (InputStream schema = EventSchemas.class.getResourceAsStream("/schemas/envelope.schema.json")) {
            schemaKinds = Json.MAPPER.readTree(schema).at("/properties/kind/enum");
        }

        assertThat(EventSchemas.KINDS).containsExactlyInAnyOrderElementsOf(envelopeKinds);
        assertThat(schemaKinds).extracting(JsonNode::asText).containsExactlyInAnyOrderElementsOf(envelopeKinds);
        for (String kind : envelopeKinds) {
            assertThat(EventSchemas.class.getResource("/schemas/" + kind + ".schema.json")).as(kind).isNotNull();
        }
    }

    @Test
    void shouldValidateConcurrentlyWithTheSameResults() throws Exception {
        final JsonNode valid = Samples.tree("hosts_file");
        final JsonNode invalid = Samples.withPayload("restore", p -> p.remove("session_id"));
        final ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            final List<Future<Boolean>> results = IntStream.range(0, 400)
                    .mapToObj(i -> pool.submit(() -> i % 2 == 0
                            ? EventSchemas.validate(valid).isEmpty()
                            : EventSchemas.validate(invalid).toString().equals("[restore.session_id: required]")))
                    .toList();
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldValidateQuicklyOnceLoaded() {
        final JsonNode sample = Samples.tree("hosts_file");
        EventSchemas.validate(sample);

        final long start = System.nanoTime();
        for (int i = 0; i < 1_000; i++) {
            EventSchemas.validate(sample);
        }
        final long micros = (System.nanoTime() - start) / 1_000 / 1_000;

        // generous, for a loaded CI machine: this guards against compiling the schemas per call
        assertThat(micros).as("microseconds per validation").isLessThan(5_000);
    }

    private static String readError(final JsonNode document) {
        try {
            new JsonSerde<>(Envelope.class).deserialize("restoreguard.test", Samples.toBytes(document));
            throw new AssertionError("accepted: " + document);
        } catch (org.apache.kafka.common.errors.SerializationException e) {
            return e.getMessage();
        }
    }
}
