package dev.restoreguard.streams.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.approval.ApprovalEvent;
import dev.restoreguard.events.dns.DnsRecordChange;
import dev.restoreguard.events.inventory.InventorySnapshot;
import dev.restoreguard.events.net.Names;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * "As of time T" queries over the global reference store (layout: {@link ReferenceKeys}): the DNS
 * records of a name, the state of every change approval, the inventory. Each query sees only
 * records whose event time is at or before T; records with the same event time apply in arrival
 * (offset) order. Not thread-safe: one instance per processor.
 */
public final class ReferenceView {

    /** How many CNAME steps the resolver follows before giving up (contract: at most 8). */
    public static final int MAX_CNAME_STEPS = 8;

    private static final StringSerializer KEYS = new StringSerializer();

    private final ReadOnlyKeyValueStore<String, String> store;
    private final Map<String, InventoryIndex> inventoryCache = new LinkedHashMap<>(4, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(final Map.Entry<String, InventoryIndex> eldest) {
            return size() > 4;
        }
    };
    private long approvalsCachedAt = -2;
    private Map<String, List<ApprovalRecord>> approvalsCache = Map.of();

    public ReferenceView(final ReadOnlyKeyValueStore<String, String> store) {
        this.store = store;
    }

    /** A DNS record current at some time. */
    public record DnsRecord(String fqdn, String type, String data, Instant addedAt, long offset, String eventId,
                            String zone, String server, String user) {
    }

    /** The outcome of following a name through DNS: the address and every record used. */
    public record DnsResolution(String ip, List<DnsRecord> chain) {
    }

    /** One record of a change approval's history. */
    public record ApprovalRecord(Instant at, long offset, String eventId, ApprovalEvent approval) {
    }

    /** The inventory in force at {@code t} (empty when none was loaded yet). */
    public InventoryIndex inventoryAsOf(final Instant t) {
        try (KeyValueIterator<String, String> it = store.reverseRange(ReferenceKeys.INVENTORY,
                ReferenceKeys.inventory(t.toEpochMilli(), Long.MAX_VALUE))) {
            if (!it.hasNext()) {
                return InventoryIndex.EMPTY;
            }
            final KeyValue<String, String> latest = it.next();
            return inventoryCache.computeIfAbsent(latest.key, k -> {
                final Envelope envelope = read(latest.value);
                return new InventoryIndex((InventorySnapshot) envelope.payload(), envelope.eventId());
            });
        }
    }

    /** The A, AAAA and CNAME records of {@code fqdn} current at {@code t}, most recently added first. */
    public List<DnsRecord> dnsAsOf(final String fqdn, final Instant t) {
        final long limit = t.toEpochMilli();
        final Map<String, KeyValue<String, String>> latestPerRecord = new LinkedHashMap<>();
        try (KeyValueIterator<String, String> it = store.prefixScan(ReferenceKeys.dnsPrefix(fqdn), KEYS)) {
            while (it.hasNext()) {
                final KeyValue<String, String> kv = it.next();
                // key: dns|fqdn|TYPE|DATA|AT|OFFSET; AT and OFFSET are fixed width at the end
                final String key = kv.key;
                final int offsetStart = key.length() - 19;
                final int atStart = offsetStart - 1 - 15;
                final long at = Long.parseLong(key, atStart, atStart + 15, 10);
                if (at <= limit) {
                    // iteration is in (record, time, offset) order: the last one seen is the state
                    latestPerRecord.put(key.substring(0, atStart), kv);
                }
            }
        }
        final List<DnsRecord> current = new ArrayList<>();
        for (KeyValue<String, String> kv : latestPerRecord.values()) {
            final Envelope envelope = read(kv.value);
            final DnsRecordChange change = (DnsRecordChange) envelope.payload();
            if ("add".equals(change.action())) {
                final long offset = Long.parseLong(kv.key.substring(kv.key.length() - 19));
                current.add(new DnsRecord(fqdn, change.type(), change.data(), envelope.at(), offset,
                        envelope.eventId(), change.zone(), change.server(), change.user()));
            }
        }
        current.sort(Comparator.comparing(DnsRecord::addedAt).thenComparingLong(DnsRecord::offset).reversed());
        return current;
    }

    /**
     * Follows {@code fqdn} through DNS as of {@code t}: the most recently added current A or AAAA
     * record, else the most recent CNAME, at most {@link #MAX_CNAME_STEPS} steps.
     */
    public Optional<DnsResolution> resolve(final String fqdn, final Instant t) {
        final List<DnsRecord> chain = new ArrayList<>();
        String name = fqdn;
        for (int step = 0; step <= MAX_CNAME_STEPS; step++) {
            final List<DnsRecord> records = dnsAsOf(name, t);
            final Optional<DnsRecord> address = records.stream().filter(r -> !"CNAME".equals(r.type())).findFirst();
            if (address.isPresent()) {
                chain.add(address.get());
                return Optional.of(new DnsResolution(address.get().data(), List.copyOf(chain)));
            }
            final Optional<DnsRecord> alias = records.stream().filter(r -> "CNAME".equals(r.type())).findFirst();
            if (alias.isEmpty()) {
                return Optional.empty();
            }
            chain.add(alias.get());
            name = Names.normalize(alias.get().data());
        }
        return Optional.empty();
    }

    /** Every change's history in event-time order (cached until the reference journal moves). */
    public Map<String, List<ApprovalRecord>> approvalHistory() {
        final long head = journalHead();
        if (head == approvalsCachedAt) {
            return approvalsCache;
        }
        final Map<String, List<ApprovalRecord>> byChange = new LinkedHashMap<>();
        try (KeyValueIterator<String, String> it = store.prefixScan(ReferenceKeys.APPROVAL, KEYS)) {
            while (it.hasNext()) {
                final KeyValue<String, String> kv = it.next();
                final Envelope envelope = read(kv.value);
                final ApprovalEvent approval = (ApprovalEvent) envelope.payload();
                final long offset = Long.parseLong(kv.key.substring(kv.key.length() - 19));
                byChange.computeIfAbsent(approval.changeId(), k -> new ArrayList<>())
                        .add(new ApprovalRecord(envelope.at(), offset, envelope.eventId(), approval));
            }
        }
        approvalsCache = byChange;
        approvalsCachedAt = head;
        return byChange;
    }

    /** Offset of the newest journal entry, or -1. */
    public long journalHead() {
        try (KeyValueIterator<String, String> it = store.reverseRange(ReferenceKeys.JOURNAL,
                ReferenceKeys.prefixEnd(ReferenceKeys.JOURNAL))) {
            return it.hasNext() ? Long.parseLong(it.next().key.substring(ReferenceKeys.JOURNAL.length())) : -1;
        }
    }

    /** Journal entries with an offset greater than {@code offset}, in order. */
    public List<JournalEntry> journalAfter(final long offset) {
        final List<JournalEntry> entries = new ArrayList<>();
        try (KeyValueIterator<String, String> it = store.range(ReferenceKeys.journal(offset + 1),
                ReferenceKeys.prefixEnd(ReferenceKeys.JOURNAL))) {
            while (it.hasNext()) {
                try {
                    entries.add(Json.MAPPER.readValue(it.next().value, JournalEntry.class));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("corrupt journal entry", e);
                }
            }
        }
        return entries;
    }

    private static Envelope read(final String json) {
        try {
            return Json.MAPPER.readValue(json, Envelope.class);
        } catch (JsonProcessingException e) {
            // the store only holds envelopes that were read successfully once
            throw new IllegalStateException("corrupt reference entry: " + e.getOriginalMessage(), e);
        }
    }
}
