package dev.restoreguard.streams.processor;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.approval.ApprovalEvent;
import dev.restoreguard.events.dns.DnsRecordChange;
import dev.restoreguard.events.inventory.InventorySnapshot;
import dev.restoreguard.events.net.Names;
import dev.restoreguard.streams.state.BoundedMemory;
import dev.restoreguard.streams.state.ReferenceKeys;
import dev.restoreguard.streams.state.ReferenceView;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Writes reference records (DNS changes, approvals, inventory versions) into a task's reference
 * store in the layout of {@link ReferenceKeys}, keeping the task's {@link ReferenceView} caches in
 * step, and says which names a change may affect so that only those verdicts are re-judged.
 */
final class ReferenceRecorder {

    /** Affects every name: an inventory change can move any address to another environment. */
    static final String ALL = "*";

    /** The stored JSON of the reference envelopes the tasks read last (see {@link #json}). */
    private static final BoundedMemory<Instance, String> STORED_JSON = new BoundedMemory<>(4_096);

    private final KeyValueStore<String, String> store;
    private final ReferenceView view;

    ReferenceRecorder(final KeyValueStore<String, String> store, final ReferenceView view) {
        this.store = store;
        this.view = view;
    }

    /** Records one change; the names it may affect, or empty when it is no reference kind. */
    Optional<List<String>> apply(final Envelope event, final long offset) {
        final long at = event.timestamp();
        if (event.payload() instanceof DnsRecordChange change) {
            final String fqdn = Names.dnsRecordFqdn(change.zone(), change.name());
            store.put(ReferenceKeys.dns(fqdn, change.type(), change.data(), at, offset), json(event));
            if ("add".equals(change.action())) {
                // reverse index: which names may point at an address, to find approvals without scanning them all
                store.put(ReferenceKeys.dnsReverse(change.data(), fqdn), "");
            }
            return Optional.of(List.of(fqdn));
        }
        if (event.payload() instanceof ApprovalEvent approval) {
            store.put(ReferenceKeys.approval(approval.changeId(), at, offset), json(event));
            if (approval.signature() != null && approval.signature().nonce() != null) {
                store.put(ReferenceKeys.approvalNonce(approval.signature().nonce()), event.eventId());
            }
            store.put(ReferenceKeys.approvalLatest(approval.changeId()), event.eventId());
            view.onApproval(event, offset);
            return Optional.of(List.of(approval.changeId()));
        }
        if (event.payload() instanceof InventorySnapshot) {
            // the snapshot is large: versions point at it, so "which version at T" never reads it
            store.put(ReferenceKeys.inventoryData(offset), json(event));
            // the version names its data and the snapshot's event id (shared index across tasks)
            store.put(ReferenceKeys.inventory(at, offset), ReferenceKeys.inventoryData(offset) + '|' + event.eventId());
            view.onInventory(event);
            return Optional.of(List.of(ALL));
        }
        return Optional.empty();
    }

    /** The event id of the accepted approval that carried {@code nonce}, if any. */
    Optional<String> acceptedWithNonce(final String nonce) {
        return Optional.ofNullable(store.get(ReferenceKeys.approvalNonce(nonce)));
    }

    /** The event id of the change's most recently accepted approval record, if any. */
    Optional<String> latestAccepted(final String changeId) {
        return Optional.ofNullable(store.get(ReferenceKeys.approvalLatest(changeId)));
    }

    /**
     * The JSON a reference record is stored as. The copies of one change on the engine's partitions
     * are one shared {@link Envelope} instance ({@code BroadcastEnvelopeSerde}), so the first task
     * writes its JSON and the others reuse it (writing it was 5% of the stream threads' samples).
     * Keyed by identity, not equality: an envelope that merely equals another is written anew.
     * Inventory snapshots (several MB, never shared) are not kept.
     */
    static String json(final Envelope event) {
        if (event.payload() instanceof InventorySnapshot) {
            return write(event);
        }
        return STORED_JSON.get(new Instance(event), key -> write(key.envelope()));
    }

    /** An envelope compared by identity. */
    private record Instance(Envelope envelope) {
        @Override
        public boolean equals(final Object other) {
            return other instanceof Instance that && that.envelope == envelope;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(envelope);
        }
    }

    private static String write(final Envelope value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not serializable: " + value.kind(), e);
        }
    }
}
