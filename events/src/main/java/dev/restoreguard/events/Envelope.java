package dev.restoreguard.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.restoreguard.events.approval.ApprovalEvent;
import dev.restoreguard.events.audit.AuditRecord;
import dev.restoreguard.events.audit.Heartbeat;
import dev.restoreguard.events.dns.DnsRecordChange;
import dev.restoreguard.events.hosts.HostsSnapshot;
import dev.restoreguard.events.inventory.InventorySnapshot;
import dev.restoreguard.events.restore.RestoreEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * The versioned envelope every normalized event travels in.
 *
 * <pre>{"event_id": "...", "kind": "restore", "schema_version": 1, "at": "2026-11-20T16:02:00Z",
 *  "observer": "vbr01.corp.example", "source": "veeam-syslog", "payload": {...}}</pre>
 *
 * <p>Written in that order: {@code kind} before {@code payload}, so that {@link EnvelopeDeserializer}
 * reads the payload straight into its record. It reads the other order too (a payload before its
 * kind is buffered), as other producers and hand-written JSON may have it.
 *
 * @param eventId       deterministic id (see {@link #of}); also the Elasticsearch {@code _id}
 * @param schemaVersion version of the payload schema ({@link #SCHEMA_VERSION})
 * @param at            event time: when the thing happened, not when it was collected
 * @param observer      normalized FQDN of the machine whose view this is (may be null for DNS,
 *                      approvals and inventory)
 * @param source        the collector or bridge that produced it (e.g. {@code hosts-file},
 *                      {@code veeam-syslog}, {@code replay})
 * @param payload       the kind-specific body; its kind is written as the envelope's {@code kind}; the
 *                      kinds and their records are the {@code @JsonSubTypes} list below (the only one)
 * @param chain         the event's place in its collector's tamper-evident chain ({@link Chain});
 *                      optional (null for events of producers that do not chain, and for records
 *                      written before chains existed); not part of {@link #deterministicId}
 */
@JsonPropertyOrder({"event_id", "kind", "schema_version", "at", "observer", "source", "payload", "chain"})
@JsonDeserialize(using = EnvelopeDeserializer.class)
public record Envelope(
        String eventId,
        int schemaVersion,
        Instant at,
        String observer,
        String source,
        @JsonSubTypes({
            @JsonSubTypes.Type(value = HostsSnapshot.class, name = HostsSnapshot.KIND),
            @JsonSubTypes.Type(value = DnsRecordChange.class, name = DnsRecordChange.KIND),
            @JsonSubTypes.Type(value = RestoreEvent.class, name = RestoreEvent.KIND),
            @JsonSubTypes.Type(value = ApprovalEvent.class, name = ApprovalEvent.KIND),
            @JsonSubTypes.Type(value = InventorySnapshot.class, name = InventorySnapshot.KIND),
            @JsonSubTypes.Type(value = AuditRecord.class, name = AuditRecord.KIND),
            @JsonSubTypes.Type(value = Heartbeat.class, name = Heartbeat.KIND)
        })
        EventPayload payload,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        Chain chain) {

    /** Current schema version of every payload. */
    public static final int SCHEMA_VERSION = 1;

    public Envelope {
        EventValidationException.require("event_id", eventId);
        EventValidationException.require("at", at);
        EventValidationException.require("source", source);
        EventValidationException.require("payload", payload);
        if (schemaVersion < 1 || schemaVersion > SCHEMA_VERSION) {
            throw new EventValidationException("schema_version: unsupported version " + schemaVersion
                    + " (this build reads 1.." + SCHEMA_VERSION + ")");
        }
    }

    /** An envelope without a chain (the form of every event before chains existed). */
    public Envelope(final String eventId, final int schemaVersion, final Instant at, final String observer,
                    final String source, final EventPayload payload) {
        this(eventId, schemaVersion, at, observer, source, payload, null);
    }

    /** This event placed in a chain; the event id stays the same. */
    public Envelope withChain(final Chain newChain) {
        return new Envelope(eventId, schemaVersion, at, observer, source, payload, newChain);
    }

    /**
     * An envelope with a deterministic event id: the same event collected twice (a collector
     * restarted, a spool re-sent) gets the same id, so Elasticsearch and the engine de-duplicate.
     */
    public static Envelope of(final String source, final Instant at, final String observer, final EventPayload payload) {
        return new Envelope(deterministicId(source, at, observer, payload), SCHEMA_VERSION, at, observer, source, payload);
    }

    /** Name-based UUID over kind, source, event time, observer and the canonical payload JSON. */
    public static String deterministicId(final String source, final Instant at, final String observer, final EventPayload payload) {
        try {
            final String canonical = payload.kind() + '\n' + source + '\n' + at + '\n' + observer + '\n'
                    + Json.MAPPER.writeValueAsString(payload);
            return UUID.nameUUIDFromBytes(canonical.getBytes(StandardCharsets.UTF_8)).toString();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("payload not serializable: " + payload.kind(), e);
        }
    }

    /** The payload's kind ({@code hosts_file}, {@code dns_record}, {@code restore}, ...), written as {@code kind}. */
    @JsonProperty("kind")
    public String kind() {
        return payload.kind();
    }

    /** Event time in epoch milliseconds, the Kafka record timestamp of this event. */
    @JsonIgnore
    public long timestamp() {
        return at.toEpochMilli();
    }
}
