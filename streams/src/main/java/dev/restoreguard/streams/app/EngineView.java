package dev.restoreguard.streams.app;

import dev.restoreguard.streams.state.HostsState;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * What the engine's HTTP endpoint may read of a running engine: its state, its stores through
 * interactive queries, its metrics. An interface so the endpoint can be tested against the stores
 * of a {@code TopologyTestDriver}.
 */
interface EngineView {

    /** The Kafka Streams client state. */
    KafkaStreams.State state();

    /**
     * The global reference store (DNS, approvals, inventory history).
     *
     * @throws EngineUnavailableException when it cannot be queried now (starting, rebalancing, stopped)
     */
    ReadOnlyKeyValueStore<String, String> referenceStore();

    /**
     * The hosts file of {@code observer} (normalized) as of {@code at}; empty when none is known.
     *
     * @throws EngineUnavailableException when the store cannot answer for sure now
     */
    Optional<HostsState> hostsAsOf(String observer, Instant at);

    /** Kafka Streams' metrics. */
    Map<MetricName, ? extends Metric> metrics();

    /** Stream threads replaced after a transient failure since start. */
    long threadReplacements();
}
