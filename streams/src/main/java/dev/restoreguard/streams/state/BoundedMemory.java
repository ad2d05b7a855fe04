package dev.restoreguard.streams.state;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A bounded, thread-safe memory of values computed from keys, least recently used out first: what
 * the engine's tasks and stream threads share instead of computing the same thing once per task
 * (verified signatures, read reference envelopes, inventory indexes). A value the computation
 * declines to keep ({@code null}) is returned and forgotten; an exception propagates and nothing
 * is kept. The computation runs outside the lock, so two threads may compute the same new key once
 * each; the first result kept wins.
 *
 * @param <K> key
 * @param <V> value
 */
public final class BoundedMemory<K, V> {

    private final Map<K, V> values;

    public BoundedMemory(final int capacity) {
        this.values = new LinkedHashMap<>(Math.max(16, capacity * 2), 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(final Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The value remembered for {@code key}, or {@code compute}'s, remembered unless it is null. */
    public V get(final K key, final Function<K, V> compute) {
        synchronized (values) {
            final V known = values.get(key);
            if (known != null) {
                return known;
            }
        }
        final V computed = compute.apply(key);
        if (computed == null) {
            return null;
        }
        synchronized (values) {
            final V first = values.putIfAbsent(key, computed);
            return first == null ? computed : first;
        }
    }

    /** How many values are remembered. */
    public int size() {
        synchronized (values) {
            return values.size();
        }
    }
}
