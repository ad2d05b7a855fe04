package dev.restoreguard.streams.topology;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.JsonSerde;
import dev.restoreguard.events.Topic;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.events.approval.ApprovalEvent;
import dev.restoreguard.streams.app.EngineConfig;
import dev.restoreguard.streams.processor.AlertState;
import dev.restoreguard.streams.processor.DnsChangeProcessor;
import dev.restoreguard.streams.processor.Judgment;
import dev.restoreguard.streams.processor.ObserverCorrelationProcessor;
import dev.restoreguard.streams.processor.PipelineHealthProcessor;
import dev.restoreguard.streams.processor.ReferenceStoreUpdater;
import dev.restoreguard.streams.processor.RestoreSession;
import dev.restoreguard.streams.state.HostsState;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import java.util.function.Function;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the correlation engine's topology, apart from {@code main} so tests and replay run the
 * real wiring.
 *
 * <pre>
 * restoreguard.hosts.snapshots ─┐
 * restoreguard.restores ────────┴─ observer-correlation (RG-001/002/003/005/006) ─┐
 * restoreguard.dns.records ──────── dns-crossing (RG-004) ─────────────────────────┼─ restoreguard.alerts
 * restoreguard.dlq ──────────────── pipeline-health (RG-901/902/903) ─────────────┘
 * restoreguard.dns.records, .approvals, .inventory ─ restoreguard.engine.reference ─ global store reference-history
 * </pre>
 *
 * Hosts snapshots and restores are keyed by observer, so everything judged together shares a
 * partition; DNS, approvals and inventory, small and needed everywhere, live in one global store
 * fed through the single-partition reference topic (one total order of reference changes).
 */
public final class CorrelationTopology {

    private CorrelationTopology() {
    }

    public static Topology build(final EngineConfig config) {
        final StreamsBuilder builder = new StreamsBuilder();
        final JsonSerde<Envelope> events = new JsonSerde<>(Envelope.class);
        final JsonSerde<Alert> alerts = new JsonSerde<>(Alert.class);

        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StoreNames.REFERENCE), Serdes.String(),
                        Serdes.String()).withLoggingDisabled(),
                Topics.ENGINE_REFERENCE.name(),
                Consumed.with(Serdes.String(), events).withName("reference-source"),
                ReferenceStoreUpdater::new);

        builder.addStateStore(Stores.versionedKeyValueStoreBuilder(
                Stores.persistentVersionedKeyValueStore(StoreNames.HOSTS, config.historyRetention()),
                Serdes.String(), new JsonSerde<>(HostsState.class)));
        final Function<String, KeyValueBytesStoreSupplier> kv = config.inMemoryState()
                ? Stores::inMemoryKeyValueStore : Stores::persistentKeyValueStore;
        builder.addStateStore(Stores.keyValueStoreBuilder(kv.apply(StoreNames.SESSIONS),
                Serdes.String(), new JsonSerde<>(RestoreSession.class)));
        addJudgmentStores(builder, kv, StoreNames.OBSERVER_JUDGMENTS, StoreNames.OBSERVER_JUDGMENTS_BY_TIME,
                StoreNames.OBSERVER_ALERTS, StoreNames.OBSERVER_META);
        addJudgmentStores(builder, kv, StoreNames.DNS_JUDGMENTS, StoreNames.DNS_JUDGMENTS_BY_TIME,
                StoreNames.DNS_ALERTS, StoreNames.DNS_META);

        final KStream<String, Envelope> hosts = source(builder, Topics.HOSTS, "hosts-source");
        final KStream<String, Envelope> restores = source(builder, Topics.RESTORES, "restores-source");
        hosts.merge(restores, Named.as("observer-merge"))
                .process(() -> new ObserverCorrelationProcessor(config.allowedLateness(), config.sessionRetention(),
                                config.journalPoll()), Named.as("observer-correlation"),
                        StoreNames.HOSTS, StoreNames.SESSIONS, StoreNames.OBSERVER_JUDGMENTS,
                        StoreNames.OBSERVER_JUDGMENTS_BY_TIME, StoreNames.OBSERVER_ALERTS, StoreNames.OBSERVER_META)
                .to(Topics.ALERTS.name(), Produced.with(Serdes.String(), alerts).withName("observer-alerts-sink"));

        final KStream<String, Envelope> dns = source(builder, Topics.DNS, "dns-source");
        dns.process(() -> new DnsChangeProcessor(config.allowedLateness(), config.journalPoll()),
                        Named.as("dns-crossing"), StoreNames.DNS_JUDGMENTS, StoreNames.DNS_JUDGMENTS_BY_TIME,
                        StoreNames.DNS_ALERTS, StoreNames.DNS_META)
                .to(Topics.ALERTS.name(), Produced.with(Serdes.String(), alerts).withName("dns-alerts-sink"));
        dns.selectKey((fqdn, e) -> "dns|" + fqdn, Named.as("dns-reference-key"))
                .to(Topics.ENGINE_REFERENCE.name(), Produced.with(Serdes.String(), events).withName("dns-to-reference"));

        source(builder, Topics.APPROVALS, "approvals-source")
                .filter((k, e) -> e.payload() instanceof ApprovalEvent, Named.as("approvals-only"))
                .selectKey((k, e) -> "approval|" + ((ApprovalEvent) e.payload()).changeId(),
                        Named.as("approval-reference-key"))
                .to(Topics.ENGINE_REFERENCE.name(),
                        Produced.with(Serdes.String(), events).withName("approvals-to-reference"));
        source(builder, Topics.INVENTORY, "inventory-source")
                .selectKey((k, e) -> "inventory", Named.as("inventory-reference-key"))
                .to(Topics.ENGINE_REFERENCE.name(),
                        Produced.with(Serdes.String(), events).withName("inventory-to-reference"));

        builder.stream(Topics.DLQ.name(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("dlq-source"))
                .process(PipelineHealthProcessor::new, Named.as("pipeline-health"))
                .to(Topics.ALERTS.name(), Produced.with(Serdes.String(), alerts).withName("health-alerts-sink"));
        return builder.build();
    }

    private static KStream<String, Envelope> source(final StreamsBuilder builder, final Topic<String, Envelope> topic,
                                                    final String name) {
        return builder.stream(topic.name(), Consumed.with(topic.keySerde(), topic.valueSerde()).withName(name));
    }

    private static void addJudgmentStores(final StreamsBuilder builder,
                                          final Function<String, KeyValueBytesStoreSupplier> kv, final String judgments,
                                          final String byTime, final String alertState, final String meta) {
        builder.addStateStore(Stores.keyValueStoreBuilder(kv.apply(judgments), Serdes.String(),
                new JsonSerde<>(Judgment.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(kv.apply(byTime), Serdes.String(), Serdes.String()));
        builder.addStateStore(Stores.keyValueStoreBuilder(kv.apply(alertState), Serdes.String(),
                new JsonSerde<>(AlertState.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(kv.apply(meta), Serdes.String(), Serdes.Long()));
    }
}
