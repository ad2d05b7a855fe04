package dev.restoreguard.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restoreguard.events.alert.Alert;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * What a producer that breaks the contract sees: a {@link SerializationException} from
 * {@link JsonSerde} (so Streams' handler sends the record to the DLQ) whose message names the field.
 */
class MalformedInputTest {

    private static final String TOPIC = "restoreguard.restores";
    private final JsonSerde<Envelope> envelopes = new JsonSerde<>(Envelope.class);
    private final JsonSerde<Alert> alerts = new JsonSerde<>(Alert.class);

    @Test
    void shouldNameAMissingRequiredPayloadField() {
        final JsonNode restore = Samples.withPayload("restore", p -> p.remove("session_id"));

        assertThatThrownBy(() -> envelopes.deserialize(TOPIC, Samples.toBytes(restore)))
                .isInstanceOf(SerializationException.class)
                .hasMessage("cannot read Envelope from restoreguard.restores: restore.session_id: required");
    }

    @Test
    void shouldNameAMissingRequiredEnvelopeField() {
        final ObjectNode restore = Samples.tree("restore");
        restore.remove("source");

        assertThatThrownBy(() -> envelopes.deserialize(TOPIC, Samples.toBytes(restore)))
                .isInstanceOf(SerializationException.class)
                .hasMessageEndingWith(": source: required");
    }

    @Test
    void shouldNameAMissingPrimitiveField() {
        final JsonNode hosts = Samples.withPayload("hosts_file", p -> p.remove("size_bytes"));

        assertThatThrownBy(() -> envelopes.deserialize(TOPIC, Samples.toBytes(hosts)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(": size_bytes: Cannot map `null` into type `long`");
    }

    @Test
    void shouldNameAWrongEnumAndItsAllowedValues() {
        final JsonNode dns = Samples.withPayload("dns_record", p -> p.put("type", "MX"));

        assertThatThrownBy(() -> envelopes.deserialize(TOPIC, Samples.toBytes(dns)))
                .isInstanceOf(SerializationException.class)
                .hasMessageEndingWith(": dns_record.type: must be one of [A, AAAA, CNAME], was 'MX'");
    }

    @Test
    void shouldNameAWrongAlertSeverity() {
        final JsonNode alert = Samples.withPayload(Samples.ALERT, a -> ((ObjectNode) a.get("alert")).put("severity", "urgent"));

        assertThatThrownBy(() -> alerts.deserialize("restoreguard.alerts", Samples.toBytes(alert)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(": alert.severity: ")
                .hasMessageContaining("URGENT");
    }

    @Test
    void shouldNameAMissingContractFieldOfAnAlert() {
        final JsonNode alert = Samples.withPayload(Samples.ALERT, a -> ((ObjectNode) a.get("alert")).remove("reason"));

        assertThatThrownBy(() -> alerts.deserialize("restoreguard.alerts", Samples.toBytes(alert)))
                .isInstanceOf(SerializationException.class)
                .hasMessage("cannot read Alert from restoreguard.alerts: alert.reason: required");
    }

    @Test
    void shouldRejectDuplicateKeysNamingTheKey() {
        final byte[] json = """
                {"event_id": "e1", "kind": "heartbeat", "schema_version": 1, "at": "2026-11-20T16:15:00Z",
                 "source": "hosts-file", "payload": {"collector": "hosts-file", "collector": "veeam-syslog"}}
                """.getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> envelopes.deserialize(TOPIC, json))
                .isInstanceOf(SerializationException.class)
                .hasRootCauseInstanceOf(JsonParseException.class)
                .hasMessageEndingWith(": payload.collector: Duplicate field 'collector'");
        // the mapper refuses them before any schema could see a tree
        assertThatThrownBy(() -> Json.MAPPER.readTree(json))
                .isInstanceOf(JsonParseException.class)
                .hasMessageContaining("Duplicate field 'collector'");
    }

    @Test
    void shouldRejectAnUnknownKind() {
        final ObjectNode envelope = Samples.tree("heartbeat");
        envelope.put("kind", "backup");

        assertThatThrownBy(() -> envelopes.deserialize(TOPIC, Samples.toBytes(envelope)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("'backup'")
                .hasMessageContaining("known type ids = [approval, audit, dns_record, heartbeat, hosts_file, inventory, restore]");
        assertThat(EventSchemas.validate(envelope)).extracting(Object::toString)
                .singleElement().asString().startsWith("kind: must be one of [");
    }

    @Test
    void shouldRejectTheJsonLiteralNullUnlikeATombstone() {
        assertThat(envelopes.deserialize(TOPIC, null)).as("a tombstone (no bytes)").isNull();
        assertThatThrownBy(() -> envelopes.deserialize(TOPIC, "null".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("the value is the JSON literal null");
    }

    @Test
    void shouldRejectAMissingKind() {
        final ObjectNode envelope = Samples.tree("heartbeat");
        envelope.remove("kind");

        assertThatThrownBy(() -> envelopes.deserialize(TOPIC, Samples.toBytes(envelope)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Missing external type id property 'kind'");
    }

    @Test
    void shouldRejectOverDeepNesting() {
        // 100 nested arrays in an unknown field: tolerated as a field, refused as a depth
        final String json = """
                {"event_id": "e1", "kind": "audit", "schema_version": 1, "at": "2026-11-20T16:15:00Z",
                 "source": "veeam-syslog", "payload": {"format": "veeam_syslog", "action": "unmapped", "extra": %s%s}}
                """.formatted("[".repeat(100), "]".repeat(100));

        assertThatThrownBy(() -> envelopes.deserialize(TOPIC, json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasRootCauseInstanceOf(StreamConstraintsException.class)
                .hasMessageContaining("nesting depth (65) exceeds the maximum allowed (64");
    }

    @Test
    void shouldRejectNonJsonBytes() {
        final byte[] garbage = {(byte) 0xff, (byte) 0xfe, 0x00, 0x13, 0x37, (byte) 0x80};

        assertThatThrownBy(() -> envelopes.deserialize(TOPIC, garbage))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("cannot read Envelope from restoreguard.restores: ")
                .hasRootCauseInstanceOf(JsonParseException.class);
    }

    @Test
    void shouldNameTheFieldWhereNonJsonBytesBegin() {
        final byte[] head = "{\"event_id\": \"e1\", \"kind\": \"restore\", \"at\": ".getBytes(StandardCharsets.UTF_8);
        final byte[] json = new byte[head.length + 3];
        System.arraycopy(head, 0, json, 0, head.length);
        json[head.length] = (byte) 0xc3;
        json[head.length + 1] = 0x28;
        json[head.length + 2] = '}';

        assertThatThrownBy(() -> envelopes.deserialize(TOPIC, json))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("cannot read Envelope from restoreguard.restores: at: ");
    }

    @Test
    void shouldNameTheFieldOfATruncatedRecord() {
        final String json = "{\"event_id\": \"e1\", \"kind\": \"restore\", \"payload\": {\"product\": \"vee";

        assertThatThrownBy(() -> envelopes.deserialize(TOPIC, json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(": payload.product: Unexpected end-of-input");
    }

    @Test
    void shouldNameABadTimestamp() {
        final ObjectNode envelope = Samples.tree("restore");
        envelope.put("at", "2026-11-20 16:02");

        assertThatThrownBy(() -> envelopes.deserialize(TOPIC, Samples.toBytes(envelope)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(": at: Cannot deserialize value of type `java.time.Instant`");
    }

    @Test
    void shouldNameANullApprovalTarget() {
        final JsonNode approval = Samples.withPayload("approval", p -> ((ArrayNode) p.get("targets")).addNull());

        assertThatThrownBy(() -> envelopes.deserialize("restoreguard.approvals", Samples.toBytes(approval)))
                .isInstanceOf(SerializationException.class)
                .hasMessageEndingWith(": approval.targets: blank target");
    }

    @Test
    void shouldNameAnUnsupportedSchemaVersion() {
        final ObjectNode envelope = Samples.tree("restore");
        envelope.put("schema_version", 2);

        assertThatThrownBy(() -> envelopes.deserialize(TOPIC, Samples.toBytes(envelope)))
                .isInstanceOf(SerializationException.class)
                .hasMessageEndingWith(": schema_version: unsupported version 2 (this build reads 1..1)");
    }

    @Test
    void shouldPassNullThroughAsATombstone() {
        assertThat(envelopes.deserialize(TOPIC, null)).isNull();
        assertThat(envelopes.serialize(TOPIC, null)).isNull();
    }
}
