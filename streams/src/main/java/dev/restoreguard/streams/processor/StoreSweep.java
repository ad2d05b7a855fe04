package dev.restoreguard.streams.processor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A pass over a whole store, spread over calls: each call reads at most {@code batch} entries
 * after the key where the previous call stopped, deletes those found expired, and the pass starts
 * again from the first key once it reached the last. A punctuation that read a whole store every
 * minute grew with the state: with the sessions and alert states of a million events it took
 * longer than the exactly-once transaction timeout (10 s), the broker fenced the stream thread
 * and every task rebalanced, over and over. The work per call is now bounded; an entry is found
 * at most one pass after it expired.
 *
 * @param <V> the store's values
 */
final class StoreSweep<V> {

    /**
     * Entries a task's punctuation reads per store and minute: tens of milliseconds of JSON, and a
     * pass over 100,000 entries in under an hour, against retentions of days.
     */
    static final int BATCH = 2_000;

    private final KeyValueStore<String, V> store;
    private final int batch;
    /** The last key the previous call read; null: the pass starts from the first key. */
    private String after;

    StoreSweep(final KeyValueStore<String, V> store, final int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, was " + batch);
        }
        this.store = store;
        this.batch = batch;
    }

    /** Reads the next entries (at most the batch), deletes those {@code expired} accepts, returns how many. */
    int sweep(final BiPredicate<String, V> expired) {
        final List<String> doomed = new ArrayList<>();
        String last = null;
        int read = 0;
        boolean more;
        // range(after, null): from 'after' (inclusive, so skipped) to the last key
        try (KeyValueIterator<String, V> it = after == null ? store.all() : store.range(after, null)) {
            while (read < batch && it.hasNext()) {
                final KeyValue<String, V> kv = it.next();
                if (kv.key.equals(after)) {
                    continue;
                }
                read++;
                last = kv.key;
                if (expired.test(kv.key, kv.value)) {
                    doomed.add(kv.key);
                }
            }
            more = it.hasNext();
        }
        after = more ? last : null;
        doomed.forEach(store::delete);
        return doomed.size();
    }
}
