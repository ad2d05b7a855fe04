package dev.restoreguard.streams.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.JsonSerde;
import dev.restoreguard.events.alert.Alert;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** The book's indexes: what a reference change or a hosts snapshot finds without a scan. */
class JudgmentBookTest {

    private static final Instant T = Instant.parse("2026-11-20T16:00:00Z");

    private final MockProcessorContext<String, Alert> context = new MockProcessorContext<>();
    private final KeyValueStore<String, Judgment> judgments = store("judgments", new JsonSerde<>(Judgment.class));
    private final KeyValueStore<String, String> byTime = store("by-time", Serdes.String());
    private final KeyValueStore<String, AlertState> alerts = store("alerts", new JsonSerde<>(AlertState.class));
    private final List<Alert> published = new ArrayList<>();

    private <V> KeyValueStore<String, V> store(final String name, final Serde<V> values) {
        final KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
                Serdes.String(), values).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        return store;
    }

    private JudgmentBook book() {
        return new JudgmentBook(judgments, byTime, alerts, published::add);
    }

    private static Judgment restore(final String session, final Instant at, final String... dependencies) {
        return new Judgment("restore|veeam|" + session, Judgment.RESTORE, at, "vbr01.corp.example",
                List.of(dependencies), null, null);
    }

    private static List<String> keys(final List<Judgment> found) {
        return found.stream().map(Judgment::key).toList();
    }

    @Test
    void shouldFindJudgmentsByDependencyAndObserverFromATimeOldestFirst() {
        final JudgmentBook book = book();
        book.record(restore("s2", T.plusSeconds(60), "sql-prod-01.corp.example", "ip|10.20.1.15"), List.of(), true);
        book.record(restore("s1", T, "sql-prod-01.corp.example", "ip|10.20.1.15"), List.of(), true);
        book.record(restore("s3", T.plusSeconds(120), "sql-dev-01.corp.example", "ip|10.30.1.15"), List.of(), true);

        assertThat(keys(book.judgmentsDependingOn(Set.of("ip|10.20.1.15"), T, j -> true)))
                .containsExactly("restore|veeam|s1", "restore|veeam|s2");
        assertThat(keys(book.judgmentsDependingOn(Set.of("ip|10.20.1.15", "sql-dev-01.corp.example"),
                T.plusSeconds(30), j -> true))).containsExactly("restore|veeam|s2", "restore|veeam|s3");
        assertThat(keys(book.restoresOf("vbr01.corp.example", T.plusSeconds(60))))
                .containsExactly("restore|veeam|s2", "restore|veeam|s3");
        // the time index holds no index entry: a scan from a time sees each judgment once
        assertThat(keys(book.judgmentsFrom(T))).containsExactly("restore|veeam|s1", "restore|veeam|s2",
                "restore|veeam|s3");
    }

    @Test
    void shouldMoveIndexEntriesWhenARejudgmentChangesDependenciesOrTime() {
        final JudgmentBook book = book();
        book.record(restore("s1", T, "sql-prod-01.corp.example", "ip|10.20.1.15"), List.of(), true);
        book.record(restore("s1", T.plusSeconds(5), "sql-prod-01.corp.example", "ip|10.30.1.15"), List.of(), true);

        assertThat(book.judgmentsDependingOn(Set.of("ip|10.20.1.15"), T, j -> true)).isEmpty();
        assertThat(keys(book.judgmentsDependingOn(Set.of("ip|10.30.1.15"), T, j -> true)))
                .containsExactly("restore|veeam|s1");
        assertThat(book.restoresOf("vbr01.corp.example", T)).hasSize(1);
    }

    @Test
    void shouldDropIndexEntriesOfExpiredJudgments() {
        final JudgmentBook book = book();
        book.record(restore("s1", T, "ip|10.20.1.15"), List.of(), true);
        assertThat(book.expire(T.plusSeconds(1), List.of(Judgment.RESTORE))).containsExactly("restore|veeam|s1");

        assertThat(book.judgmentsDependingOn(Set.of("ip|10.20.1.15"), T.minusSeconds(60), j -> true)).isEmpty();
        assertThat(book.restoresOf("vbr01.corp.example", T.minusSeconds(60))).isEmpty();
        final List<String> left = new ArrayList<>();
        byTime.all().forEachRemaining(kv -> left.add(kv.key));
        assertThat(left).containsExactly("~index-version");
    }

    @Test
    void shouldIndexStateWrittenBeforeTheIndexExisted() {
        // a judgment and its time entry as an earlier version wrote them: no index entries
        final Judgment old = restore("s1", T, "ip|10.20.1.15");
        judgments.put(old.key(), old);
        byTime.put("00" + T.toEpochMilli() + "|" + old.key(), old.key());

        final JudgmentBook book = book();

        assertThat(keys(book.judgmentsDependingOn(Set.of("ip|10.20.1.15"), T, j -> true)))
                .containsExactly("restore|veeam|s1");
        assertThat(keys(book.judgmentsFrom(T, s -> "vbr01.corp.example".equals(s.observer()))))
                .containsExactly("restore|veeam|s1");
    }
}
