package dev.restoreguard.streams.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.dns.DnsRecordChange;
import dev.restoreguard.events.inventory.InventorySnapshot;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReferenceRecorderTest {

    private static Envelope dnsChange() {
        return Envelope.of("bind-axfr", Instant.parse("2026-11-20T15:58:00Z"), null,
                new DnsRecordChange("corp.example", "sql-dev-01", "A", "add", "10.20.1.15", "dns01.corp.example", null, 42L));
    }

    @Test
    void shouldStoreTheEnvelopeAsTheSharedMapperWritesIt() throws Exception {
        final Envelope event = dnsChange();

        assertThat(ReferenceRecorder.json(event)).isEqualTo(Json.MAPPER.writeValueAsString(event));
    }

    @Test
    void shouldWriteTheJsonOnceForTheSameInstanceAndAnewForAnEqualOne() {
        final Envelope shared = dnsChange();
        final Envelope equalCopy = dnsChange();

        final String first = ReferenceRecorder.json(shared);

        assertThat(ReferenceRecorder.json(shared)).isSameAs(first);
        assertThat(equalCopy).isEqualTo(shared);
        assertThat(ReferenceRecorder.json(equalCopy)).isEqualTo(first).isNotSameAs(first);
    }

    @Test
    void shouldNotKeepAnInventorySnapshot() {
        final Envelope inventory = Envelope.of("inventory-file", Instant.parse("2026-11-20T08:00:00Z"), null,
                new InventorySnapshot(List.of(new InventorySnapshot.Asset("sql-prod-01.corp.example",
                        List.of("10.20.1.15"), "production", null)), List.of()));

        assertThat(ReferenceRecorder.json(inventory)).isNotSameAs(ReferenceRecorder.json(inventory));
    }
}
