package dev.restoreguard.streams.topology;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.JsonSerde;
import dev.restoreguard.events.Topic;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.events.approval.ApprovalEvent;
import dev.restoreguard.streams.app.EngineConfig;
import dev.restoreguard.streams.processor.AlertState;
import dev.restoreguard.streams.processor.CollectorSilenceProcessor;
import dev.restoreguard.streams.processor.ChainVerificationProcessor;
import dev.restoreguard.streams.processor.Judgment;
import dev.restoreguard.streams.processor.ObserverCorrelationProcessor;
import dev.restoreguard.streams.processor.PipelineHealthProcessor;
import dev.restoreguard.streams.processor.RestoreSession;
import dev.restoreguard.streams.state.HostsState;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the correlation engine's topology, apart from {@code main} so tests and replay run the
 * real wiring.
 *
 * <pre>
 * restoreguard.dns.records ─┐
 * restoreguard.approvals ───┼─ broadcast to every partition ─ restoreguard.engine.reference ─┐
 * restoreguard.inventory ───┘                                                               │
 * restoreguard.hosts.snapshots (key observer) ──────────────────────────────────────────────┼─ observer-correlation
 * restoreguard.restores (key observer) ─────────────────────────────────────────────────────┘   RG-001..RG-006
 * hosts, restores, dns ─ chain-verification RG-930..RG-933 (collector chains) ─────────────────┤
 * restoreguard.dlq ─ pipeline-health RG-901/902/903                                              │
 * restoreguard.audit (heartbeats) ─ collector-silence RG-910                                    │
 *                          └──────────────────────────────── restoreguard.alerts ────────────────┘
 * </pre>
 *
 * Hosts snapshots and restores are keyed by observer, so everything judged together shares a
 * partition. DNS, approvals and inventory are small and needed everywhere: each change is
 * written to every partition of the reference topic, so every task holds the whole reference
 * history and reads it in the same task as its restores, aligned by event time. (A global store
 * would be filled by another thread at its own pace: a restore could be judged before the DNS
 * change that preceded it, and the late change would look too late to revise the verdict.)
 * observer-correlation verifies each approval's signature against {@link EngineConfig#trustedKeys()}
 * before it enters the reference history (RG-920..RG-924 when it is not trusted).
 */
public final class CorrelationTopology {

    private CorrelationTopology() {
    }

    public static Topology build(final EngineConfig config) {
        final StreamsBuilder builder = new StreamsBuilder();
        final JsonSerde<Envelope> events = new JsonSerde<>(Envelope.class);
        final JsonSerde<Alert> alerts = new JsonSerde<>(Alert.class);
        final Function<String, KeyValueBytesStoreSupplier> kv = config.inMemoryState()
                ? Stores::inMemoryKeyValueStore : Stores::persistentKeyValueStore;

        builder.addStateStore(Stores.keyValueStoreBuilder(kv.apply(StoreNames.REFERENCE), Serdes.String(),
                Serdes.String()));
        builder.addStateStore(Stores.versionedKeyValueStoreBuilder(
                Stores.persistentVersionedKeyValueStore(StoreNames.HOSTS, config.historyRetention()),
                Serdes.String(), new JsonSerde<>(HostsState.class)));
        // The mutable stores are cached: stream time, judgments and alert states are rewritten by
        // nearly every record, and the cache turns those rewrites into one RocksDB write and one
        // changelog record per key and commit. (Not the reference history: it is append-only and
        // holds inventory snapshots of several MB, larger than the whole cache.)
        builder.addStateStore(Stores.keyValueStoreBuilder(kv.apply(StoreNames.SESSIONS),
                Serdes.String(), new JsonSerde<>(RestoreSession.class)).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(kv.apply(StoreNames.OBSERVER_JUDGMENTS), Serdes.String(),
                new JsonSerde<>(Judgment.class)).withCachingEnabled());
        // Not the judgments' time and dependency index either: nearly all its entries are written
        // once and deleted once, so a cache merges nothing; with the state of a long run the cache
        // was full, every put evicted, and its sorted map of long keys sharing long prefixes was
        // 12% of the stream thread (JFR of the 1,000,000-event benchmark).
        // And under exactly-once not logged: the index is derived from the judgments and rebuilt
        // from them when it may not match (JudgmentBook.ensureIndex); its changelog was 4.9 records
        // per input event, the most of any store (12.8 in all). Under at-least-once a crash keeps
        // the local stores, and an index that lost its last writes would not be noticed.
        final StoreBuilder<KeyValueStore<String, String>> judgmentIndex = Stores.keyValueStoreBuilder(
                kv.apply(StoreNames.OBSERVER_JUDGMENTS_BY_TIME), Serdes.String(), Serdes.String());
        builder.addStateStore(config.exactlyOnce() ? judgmentIndex.withLoggingDisabled() : judgmentIndex);
        builder.addStateStore(Stores.keyValueStoreBuilder(kv.apply(StoreNames.OBSERVER_ALERTS), Serdes.String(),
                new JsonSerde<>(AlertState.class)).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(kv.apply(StoreNames.OBSERVER_META), Serdes.String(),
                Serdes.Long()).withCachingEnabled());

        final KStream<String, Envelope> dns = source(builder, Topics.DNS, "dns-source");
        toReference(dns.selectKey((fqdn, e) -> "dns|" + fqdn, Named.as("dns-reference-key")), "dns-reference-bytes",
                "dns-to-reference");
        toReference(source(builder, Topics.APPROVALS, "approvals-source")
                .filter((k, e) -> e.payload() instanceof ApprovalEvent, Named.as("approvals-only"))
                .selectKey((k, e) -> "approval|" + ((ApprovalEvent) e.payload()).changeId(),
                        Named.as("approval-reference-key")), "approval-reference-bytes", "approvals-to-reference");
        toReference(source(builder, Topics.INVENTORY, "inventory-source")
                .selectKey((k, e) -> "inventory", Named.as("inventory-reference-key")), "inventory-reference-bytes",
                "inventory-to-reference");

        final KStream<String, Envelope> hosts = source(builder, Topics.HOSTS, "hosts-source");
        final KStream<String, Envelope> restores = source(builder, Topics.RESTORES, "restores-source");
        final KStream<String, Envelope> reference = builder.stream(Topics.ENGINE_REFERENCE.name(),
                Consumed.with(Topics.ENGINE_REFERENCE.keySerde(), new BroadcastEnvelopeSerde())
                        .withName("reference-source"));
        hosts.merge(restores, Named.as("observer-merge"))
                .merge(reference, Named.as("reference-merge"))
                .process(() -> new ObserverCorrelationProcessor(config.allowedLateness(), config.sessionRetention(),
                                config.trustedKeys()),
                        Named.as("observer-correlation"), StoreNames.REFERENCE, StoreNames.HOSTS, StoreNames.SESSIONS,
                        StoreNames.OBSERVER_JUDGMENTS, StoreNames.OBSERVER_JUDGMENTS_BY_TIME,
                        StoreNames.OBSERVER_ALERTS, StoreNames.OBSERVER_META)
                .to(Topics.ALERTS.name(), Produced.with(Serdes.String(), alerts).withName("observer-alerts-sink"));

        builder.addStateStore(Stores.keyValueStoreBuilder(kv.apply(StoreNames.COLLECTOR_HEARTBEATS), Serdes.String(),
                new JsonSerde<>(CollectorSilenceProcessor.CollectorHeartbeat.class)).withCachingEnabled());
        source(builder, Topics.AUDIT, "audit-source")
                .process(() -> new CollectorSilenceProcessor(config.collectorSilence()), Named.as("collector-silence"),
                        StoreNames.COLLECTOR_HEARTBEATS)
                .to(Topics.ALERTS.name(), Produced.with(Serdes.String(), alerts).withName("silence-alerts-sink"));
        // Tamper evidence: the chained collectors' topics, each event checked against its chain.
        builder.addStateStore(Stores.keyValueStoreBuilder(kv.apply(StoreNames.CHAINS), Serdes.String(),
                new JsonSerde<>(ChainVerificationProcessor.ChainState.class)).withCachingEnabled());
        hosts.merge(restores, Named.as("chained-merge"))
                .merge(dns, Named.as("chained-dns-merge"))
                .process(ChainVerificationProcessor::new, Named.as("chain-verification"), StoreNames.CHAINS)
                .to(Topics.ALERTS.name(), Produced.with(Serdes.String(), alerts).withName("chain-alerts-sink"));

        builder.stream(Topics.DLQ.name(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("dlq-source"))
                .process(PipelineHealthProcessor::new, Named.as("pipeline-health"))
                .to(Topics.ALERTS.name(), Produced.with(Serdes.String(), alerts).withName("health-alerts-sink"));
        return builder.build();
    }

    /**
     * Broadcasts {@code changes} to every partition of {@code restoreguard.engine.reference}. Kafka
     * Streams serializes a record once per partition it is sent to: a change becomes bytes once
     * here and the copies share them.
     */
    private static void toReference(final KStream<String, Envelope> changes, final String bytesName,
                                    final String sinkName) {
        final String topic = Topics.ENGINE_REFERENCE.name();
        final Serializer<Envelope> json = Topics.ENGINE_REFERENCE.valueSerde().serializer();
        changes.mapValues(e -> json.serialize(topic, e), Named.as(bytesName))
                .to(topic, Produced.with(Serdes.String(), Serdes.ByteArray())
                        .withStreamPartitioner(new EveryPartition<>()).withName(sinkName));
    }

    private static KStream<String, Envelope> source(final StreamsBuilder builder, final Topic<String, Envelope> topic,
                                                    final String name) {
        return builder.stream(topic.name(), Consumed.with(topic.keySerde(), topic.valueSerde()).withName(name));
    }

    /** Multicasts a record to every partition of the topic (KIP-837). */
    static final class EveryPartition<V> implements StreamPartitioner<String, V> {
        @Override
        public Optional<Set<Integer>> partitions(final String topic, final String key, final V value,
                                                 final int numPartitions) {
            return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toSet()));
        }
    }
}
