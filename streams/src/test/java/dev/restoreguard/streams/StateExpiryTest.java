package dev.restoreguard.streams;

import static dev.restoreguard.streams.ScenarioFixture.INVENTORY;
import static dev.restoreguard.streams.ScenarioFixture.hosts;
import static dev.restoreguard.streams.ScenarioFixture.restore;
import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.streams.topology.StoreNames;
import java.time.Duration;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** State is cleared on every path: judgments leave once they cannot be revised, sessions after their retention. */
class StateExpiryTest {

    private final ScenarioFixture fx = new ScenarioFixture();

    @AfterEach
    void close() {
        fx.close();
    }

    private long count(final String store) {
        return count(store, key -> true);
    }

    private long count(final String store, final java.util.function.Predicate<String> key) {
        final KeyValueStore<Object, Object> kv = fx.driver().keyValueStore(store);
        long n = 0;
        try (KeyValueIterator<Object, Object> it = kv.all()) {
            while (it.hasNext()) {
                if (key.test(String.valueOf(it.next().key))) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void shouldForgetJudgmentsAndSessionsOnceTheyCanNoLongerChange() {
        fx.feed(INVENTORY, hosts("2026-11-20T15:00:00Z", "vbr01.corp.example", "10.20.1.15 sql-dev-01\n"),
                restore("2026-11-20T16:00:00Z", "s1", "started", "sql-dev-01"));
        assertThat(count(StoreNames.SESSIONS)).isEqualTo(1);
        assertThat(count(StoreNames.OBSERVER_JUDGMENTS)).isEqualTo(2);

        // three days later (session retention is two days): a quiet restore moves stream time on
        fx.feed(restore("2026-11-23T16:00:00Z", "s2", "started", "sql-stg-01"));
        fx.driver().advanceWallClock(Duration.ofMinutes(2));

        assertThat(count(StoreNames.SESSIONS)).isEqualTo(1); // only s2
        assertThat(count(StoreNames.OBSERVER_JUDGMENTS)).isEqualTo(1);
        // the time index (keys from a time) and the dependency and observer indexes (keys from "~")
        assertThat(count(StoreNames.OBSERVER_JUDGMENTS_BY_TIME, k -> !k.startsWith("~"))).isEqualTo(1);
        assertThat(count(StoreNames.OBSERVER_JUDGMENTS_BY_TIME, k -> k.startsWith("~") && !k.contains("|s2")
                && !k.equals("~index-epoch"))).isZero();
        assertThat(count(StoreNames.OBSERVER_JUDGMENTS_BY_TIME, k -> k.startsWith("~") && k.contains("|s2"))).isPositive();
        // alerts stay open and are not re-published when the same finding recurs
        final int before = fx.published().size();
        fx.feed(hosts("2026-11-23T16:30:00Z", "vbr01.corp.example", "10.20.1.15 sql-dev-01\n# moved\n"));
        assertThat(fx.published()).hasSize(before);
    }

    @Test
    void shouldForgetASessionThatNoRecordGaveATargetAfterItsRetention() {
        // a session never judged (no record named a target) has no judgment to expire with it
        fx.feed(INVENTORY, restore("2026-11-20T16:00:00Z", "s1", "started", null));
        assertThat(count(StoreNames.SESSIONS)).isEqualTo(1);
        assertThat(count(StoreNames.OBSERVER_JUDGMENTS)).isZero();

        fx.feed(restore("2026-11-23T16:00:00Z", "s2", "started", "sql-stg-01"));
        fx.driver().advanceWallClock(Duration.ofMinutes(2));

        assertThat(count(StoreNames.SESSIONS)).isEqualTo(1); // only s2
    }
}
