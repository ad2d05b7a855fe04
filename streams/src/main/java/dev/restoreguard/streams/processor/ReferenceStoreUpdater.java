package dev.restoreguard.streams.processor;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.approval.ApprovalEvent;
import dev.restoreguard.events.dns.DnsRecordChange;
import dev.restoreguard.events.inventory.InventorySnapshot;
import dev.restoreguard.events.net.Names;
import dev.restoreguard.streams.state.JournalEntry;
import dev.restoreguard.streams.state.ReferenceKeys;
import dev.restoreguard.streams.topology.StoreNames;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maintains the global reference store (layout: {@link ReferenceKeys}) from the engine's
 * reference topic: the history of DNS changes, approvals and inventory versions, and the journal
 * every task drains to re-judge verdicts a late change affects. Also used when the global store
 * is restored, so the layout is rebuilt the same way.
 *
 * <p>Reads {@code restoreguard.engine.reference} (key: entity, value: {@link Envelope}); writes nothing.
 */
public final class ReferenceStoreUpdater implements Processor<String, Envelope, Void, Void> {

    private static final Logger LOGGER = LoggerFactory.getLogger(ReferenceStoreUpdater.class);

    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, String> store;
    private long syntheticOffset;

    @Override
    public void init(final ProcessorContext<Void, Void> context) {
        this.context = context;
        this.store = context.getStateStore(StoreNames.REFERENCE);
    }

    @Override
    public void process(final Record<String, Envelope> record) {
        final Envelope event = record.value();
        if (event == null) {
            return;
        }
        final long offset = context.recordMetadata().map(m -> m.offset()).orElse(syntheticOffset++);
        final long at = event.timestamp();
        final List<String> names;
        if (event.payload() instanceof DnsRecordChange change) {
            final String fqdn = Names.dnsRecordFqdn(change.zone(), change.name());
            store.put(ReferenceKeys.dns(fqdn, change.type(), change.data(), at, offset), json(event));
            if ("add".equals(change.action())) {
                // reverse index: which names may point at an address, to find approvals without scanning them all
                store.put(ReferenceKeys.dnsReverse(change.data(), fqdn), "");
            }
            names = List.of(fqdn);
        } else if (event.payload() instanceof ApprovalEvent approval) {
            store.put(ReferenceKeys.approval(approval.changeId(), at, offset), json(event));
            names = List.of(approval.changeId());
        } else if (event.payload() instanceof InventorySnapshot) {
            // the snapshot is large: versions point at it, so "which version at T" never reads it
            store.put(ReferenceKeys.inventoryData(offset), json(event));
            store.put(ReferenceKeys.inventory(at, offset), ReferenceKeys.inventoryData(offset));
            names = List.of(JournalEntry.ALL);
        } else {
            LOGGER.atWarn().addKeyValue("event_id", event.eventId()).addKeyValue("kind", event.kind())
                    .log("not a reference kind, ignored");
            return;
        }
        store.put(ReferenceKeys.journal(offset),
                json(new JournalEntry(offset, event.kind(), event.at(), names, event.eventId())));
        store.put(ReferenceKeys.JOURNAL_HEAD, Long.toString(offset));
        // a task further behind than the capacity re-judges nothing for the oldest entries
        if (offset >= ReferenceKeys.JOURNAL_CAPACITY) {
            store.delete(ReferenceKeys.journal(offset - ReferenceKeys.JOURNAL_CAPACITY));
        }
    }

    private static String json(final Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not serializable: " + value.getClass().getSimpleName(), e);
        }
    }
}
