package dev.restoreguard.streams.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** A pass over a store spread over calls: bounded work per call, every entry reached, again and again. */
class StoreSweepTest {

    private final KeyValueStore<String, Long> store = store();

    private static KeyValueStore<String, Long> store() {
        final KeyValueStore<String, Long> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("sweep"),
                Serdes.String(), Serdes.Long()).withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return store;
    }

    private List<String> keys() {
        final List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = store.all()) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        return keys;
    }

    @Test
    void shouldReadAtMostTheBatchPerCallAndReachEveryEntryInOnePass() {
        for (int i = 0; i < 10; i++) {
            store.put("k" + i, (long) i);
        }
        final StoreSweep<Long> sweep = new StoreSweep<>(store, 3);
        final List<String> read = new ArrayList<>();
        final List<Integer> perCall = new ArrayList<>();
        for (int call = 0; call < 4; call++) {
            final int before = read.size();
            sweep.sweep((key, value) -> read.add(key) && value % 2 == 0);
            perCall.add(read.size() - before);
        }

        assertThat(perCall).containsExactly(3, 3, 3, 1);
        assertThat(read).containsExactly("k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9");
        assertThat(keys()).containsExactly("k1", "k3", "k5", "k7", "k9");
    }

    @Test
    void shouldStartAgainFromTheFirstKeyOnceThePassReachedTheLast() {
        for (int i = 0; i < 4; i++) {
            store.put("k" + i, (long) i);
        }
        final StoreSweep<Long> sweep = new StoreSweep<>(store, 3);
        sweep.sweep((key, value) -> false);
        sweep.sweep((key, value) -> false); // k3, the last: the pass is over

        final List<String> read = new ArrayList<>();
        sweep.sweep((key, value) -> read.add(key) && key.equals("k0"));

        assertThat(read).containsExactly("k0", "k1", "k2");
        assertThat(keys()).containsExactly("k1", "k2", "k3");
    }

    @Test
    void shouldGoOnAfterTheKeyItStoppedAtWhenThatKeyWasDeleted() {
        for (int i = 0; i < 6; i++) {
            store.put("k" + i, (long) i);
        }
        final StoreSweep<Long> sweep = new StoreSweep<>(store, 2);
        sweep.sweep((key, value) -> key.equals("k1")); // reads k0, k1; deletes k1, where it stopped

        final List<String> read = new ArrayList<>();
        sweep.sweep((key, value) -> read.add(key) && false);

        assertThat(read).containsExactly("k2", "k3");
    }

    @Test
    void shouldRefuseABatchBelowOne() {
        assertThatThrownBy(() -> new StoreSweep<>(store, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batch");
    }
}
