package dev.restoreguard.streams.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.dns.DnsRecordChange;
import dev.restoreguard.events.inventory.InventorySnapshot;
import dev.restoreguard.streams.state.ReferenceKeys;
import dev.restoreguard.streams.state.ReferenceView;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
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

    @Test
    void shouldIndexAnInventoryVersionWhenItIsAppliedNotWhenItIsFirstAsked() {
        final KeyValueStore<String, String> store = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore("reference"), Serdes.String(), Serdes.String()).withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        final ReferenceView view = new ReferenceView(store);
        final Instant at = Instant.parse("2026-11-20T08:00:00Z");
        // a fresh event id: the indexes are shared by the tasks of one engine (a static memory)
        final Envelope inventory = new Envelope(UUID.randomUUID().toString(), Envelope.SCHEMA_VERSION, at, null,
                "inventory-file", new InventorySnapshot(List.of(new InventorySnapshot.Asset("sql-prod-01.corp.example",
                List.of("10.20.1.15"), "production", null)), List.of()));

        new ReferenceRecorder(store, view).apply(inventory, 7L);
        // the stored snapshot is gone: only an index built when the version was applied can answer
        store.delete(ReferenceKeys.inventoryData(7L));

        assertThat(view.inventoryAsOf(at.plusSeconds(60)).environmentOfIp("10.20.1.15").label())
                .isEqualToIgnoringCase("production");
    }
}
