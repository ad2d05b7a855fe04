package dev.restoreguard.streams.app;

import dev.restoreguard.streams.state.HostsState;
import dev.restoreguard.streams.topology.StoreNames;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.query.VersionedKeyQuery;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;

/**
 * Interactive queries against the running engine: the global reference store through the classic
 * API (IQv2 does not serve global stores), the per-observer versioned hosts store through IQv2's
 * {@link VersionedKeyQuery} with {@code asOf} (KIP-960).
 */
final class KafkaStreamsView implements EngineView {

    private final KafkaStreams streams;
    private final LongSupplier threadReplacements;

    KafkaStreamsView(final KafkaStreams streams, final LongSupplier threadReplacements) {
        this.streams = streams;
        this.threadReplacements = threadReplacements;
    }

    @Override
    public KafkaStreams.State state() {
        return streams.state();
    }

    @Override
    public ReadOnlyKeyValueStore<String, String> referenceStore() {
        // every task holds the whole reference history: any one local partition answers (the
        // all-partitions view would return each key once per task)
        RuntimeException last = null;
        for (int partition = 0; partition < dev.restoreguard.events.Topics.ENGINE_REFERENCE.partitions(); partition++) {
            try {
                return streams.store(StoreQueryParameters.fromNameAndType(StoreNames.REFERENCE,
                        QueryableStoreTypes.<String, String>keyValueStore()).withPartition(partition));
            } catch (InvalidStateStoreException | IllegalStateException e) {
                last = e;
            }
        }
        throw new EngineUnavailableException("the reference store cannot be queried while the engine is "
                + streams.state() + ": " + (last == null ? "no local partition" : last.getMessage()), last);
    }

    /**
     * Queries every partition of the hosts store this instance holds and keeps the newest non-null
     * answer. The store is partitioned by the topic key, which collectors set to the normalized
     * observer; asking all local partitions instead of computing one also finds an observer whose
     * records were keyed otherwise. Every partition is local in a single-instance deployment; with
     * several instances a key hosted elsewhere is reported as unavailable, never as "no hosts file".
     */
    @Override
    public Optional<HostsState> hostsAsOf(final String observer, final Instant at) {
        final StateQueryRequest<VersionedRecord<HostsState>> request = StateQueryRequest.inStore(StoreNames.HOSTS)
                .withQuery(VersionedKeyQuery.<String, HostsState>withKey(observer).asOf(at));
        final StateQueryResult<VersionedRecord<HostsState>> result;
        try {
            result = streams.query(request);
        } catch (StreamsException | IllegalStateException e) {
            throw new EngineUnavailableException("the hosts store cannot be queried while the engine is "
                    + streams.state() + ": " + e.getMessage(), e);
        }
        final Map<Integer, QueryResult<VersionedRecord<HostsState>>> partitions = result.getPartitionResults();
        if (partitions.isEmpty()) {
            throw new EngineUnavailableException("no partition of the hosts store is hosted by this instance (engine "
                    + streams.state() + ")");
        }
        VersionedRecord<HostsState> newest = null;
        final List<String> failures = new ArrayList<>();
        for (Map.Entry<Integer, QueryResult<VersionedRecord<HostsState>>> partition : partitions.entrySet()) {
            final QueryResult<VersionedRecord<HostsState>> answer = partition.getValue();
            if (answer.isFailure()) {
                failures.add("partition " + partition.getKey() + ": " + answer.getFailureReason() + " "
                        + answer.getFailureMessage());
            } else if (answer.getResult() != null
                    && (newest == null || answer.getResult().timestamp() > newest.timestamp())) {
                newest = answer.getResult();
            }
        }
        if (newest != null) {
            return Optional.of(newest.value());
        }
        if (!failures.isEmpty()) {
            // a failed partition may be the one holding the observer: "no hosts file" would be a guess
            throw new EngineUnavailableException("the hosts store could not answer: " + String.join("; ", failures));
        }
        return Optional.empty();
    }

    @Override
    public Map<MetricName, ? extends Metric> metrics() {
        return streams.metrics();
    }

    @Override
    public long threadReplacements() {
        return threadReplacements.getAsLong();
    }
}
