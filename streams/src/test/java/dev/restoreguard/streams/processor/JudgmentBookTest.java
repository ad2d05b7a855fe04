package dev.restoreguard.streams.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.JsonSerde;
import dev.restoreguard.events.alert.Alert;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
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
    private final KeyValueStore<String, Long> meta = store("meta", Serdes.Long());
    private final List<Alert> published = new ArrayList<>();

    private <V> KeyValueStore<String, V> store(final String name, final Serde<V> values) {
        final KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
                Serdes.String(), values).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        return store;
    }

    private JudgmentBook book() {
        return new JudgmentBook(judgments, byTime, alerts, meta, published::add);
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
    void shouldNotReadTheTimeIndexBeforeThePreviousExpiryPassAgain() {
        // restores outlive the hosts and DNS judgments by days; each minute's pass read them all
        // (15% of the stream thread, growing, in the 1,000,000-event benchmark)
        final AtomicInteger read = new AtomicInteger();
        final JudgmentBook book = new JudgmentBook(judgments, counting(byTime, read, new AtomicInteger()), alerts,
                meta, published::add);
        for (int i = 0; i < 50; i++) {
            book.record(restore("s" + i, T.plusSeconds(i)), List.of(), true);
        }
        final List<String> hostsAndDns = List.of(Judgment.HOSTS, Judgment.DNS);
        assertThat(book.expire(T.plusSeconds(3600), hostsAndDns)).isEmpty();
        assertThat(read.getAndSet(0)).isEqualTo(50);

        assertThat(book.expire(T.plusSeconds(3660), hostsAndDns)).isEmpty();
        assertThat(read.get()).isZero();
        assertThat(book.expire(T.plusSeconds(25), List.of(Judgment.RESTORE))).hasSize(25);
    }

    @Test
    void shouldExpireAJudgmentRecordedAtATimeBeforeThePreviousPass() {
        // a record beyond the allowed lateness is judged at its own, older, time
        final JudgmentBook book = book();
        final List<String> hostsAndDns = List.of(Judgment.HOSTS, Judgment.DNS);
        book.record(hosts("vbr01", T), List.of(), true);
        assertThat(book.expire(T.plusSeconds(600), hostsAndDns)).containsExactly("hosts|vbr01");

        book.record(hosts("vbr02", T.plusSeconds(60)), List.of(), false);
        assertThat(book.expire(T.plusSeconds(660), hostsAndDns)).containsExactly("hosts|vbr02");
        assertThat(judgments.get("hosts|vbr02")).isNull();
    }

    private static Judgment hosts(final String observer, final Instant at) {
        return new Judgment("hosts|" + observer, Judgment.HOSTS, at, observer, List.of(), null, null);
    }

    @Test
    void shouldLeaveTheIndexAloneWhenARejudgmentMovesNothing() {
        // each index write is a RocksDB write and a changelog record; re-judgments are frequent
        final AtomicInteger written = new AtomicInteger();
        final JudgmentBook book = new JudgmentBook(judgments, counting(byTime, new AtomicInteger(), written), alerts,
                meta, published::add);
        written.set(0); // the index's epoch, written by a new book
        book.record(restore("s1", T, "sql-prod-01.corp.example", "ip|10.20.1.15"), List.of(), true);
        assertThat(written.getAndSet(0)).isEqualTo(4); // time entry, two dependencies, observer

        book.record(restore("s1", T, "sql-prod-01.corp.example", "ip|10.20.1.15"), List.of(), true);
        assertThat(written.getAndSet(0)).isZero();

        book.record(restore("s1", T, "sql-prod-01.corp.example", "ip|10.20.1.16"), List.of(), true);
        assertThat(keys(book.judgmentsDependingOn(Set.of("ip|10.20.1.16"), T, j -> true))).containsExactly("restore|veeam|s1");
        assertThat(book.judgmentsDependingOn(Set.of("ip|10.20.1.15"), T, j -> true)).isEmpty();
        assertThat(keys(book.judgmentsDependingOn(Set.of("sql-prod-01.corp.example"), T, j -> true)))
                .containsExactly("restore|veeam|s1");
    }

    /**
     * {@code store}, counting the entries read through its iterators into {@code read} and the
     * puts and deletes into {@code written}.
     */
    @SuppressWarnings("unchecked")
    private static KeyValueStore<String, String> counting(final KeyValueStore<String, String> store,
                                                          final AtomicInteger read, final AtomicInteger written) {
        return (KeyValueStore<String, String>) Proxy.newProxyInstance(JudgmentBookTest.class.getClassLoader(),
                new Class<?>[] {KeyValueStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("put") || method.getName().equals("delete")) {
                        written.incrementAndGet();
                    }
                    final Object result = call(method, store, args);
                    if (!(result instanceof KeyValueIterator<?, ?> iterator)) {
                        return result;
                    }
                    return Proxy.newProxyInstance(JudgmentBookTest.class.getClassLoader(),
                            new Class<?>[] {KeyValueIterator.class}, (p, m, a) -> {
                                if (m.getName().equals("next")) {
                                    read.incrementAndGet();
                                }
                                return call(m, iterator, a);
                            });
                });
    }

    private static Object call(final Method method, final Object target, final Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
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
        assertThat(left).containsExactly(JudgmentBook.INDEX_EPOCH);
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

    @Test
    void shouldKeepTheIndexWhoseEpochTheLoggedMetaStoreHolds() {
        // a restart on the same state (clean close): nothing to rebuild
        book().record(restore("s1", T, "ip|10.20.1.15"), List.of(), true);
        final AtomicInteger written = new AtomicInteger();

        final JudgmentBook again = new JudgmentBook(judgments, counting(byTime, new AtomicInteger(), written), alerts,
                meta, published::add);

        assertThat(written.get()).isZero();
        assertThat(keys(again.judgmentsDependingOn(Set.of("ip|10.20.1.15"), T, j -> true)))
                .containsExactly("restore|veeam|s1");
    }

    @Test
    void shouldRebuildALostIndexFromTheJudgments() {
        // under exactly-once the index has no changelog: a task restored elsewhere has none
        book().record(restore("s1", T, "ip|10.20.1.15"), List.of(), true);
        final Long epoch = meta.get(JudgmentBook.INDEX_EPOCH);
        final KeyValueStore<String, String> fresh = store("by-time-elsewhere", Serdes.String());

        final JudgmentBook elsewhere = new JudgmentBook(judgments, fresh, alerts, meta, published::add);

        assertThat(keys(elsewhere.judgmentsDependingOn(Set.of("ip|10.20.1.15"), T, j -> true)))
                .containsExactly("restore|veeam|s1");
        assertThat(keys(elsewhere.restoresOf("vbr01.corp.example", T))).containsExactly("restore|veeam|s1");
        assertThat(keys(elsewhere.judgmentsFrom(T))).containsExactly("restore|veeam|s1");
        assertThat(meta.get(JudgmentBook.INDEX_EPOCH)).isNotEqualTo(epoch);
    }

    @Test
    void shouldRebuildTheIndexLeftByAnEarlierOwnerOfTheTask() {
        // A owns the task, B takes it over and moves things on, the task comes back to A, whose
        // local index (kept by a clean close) is as A left it
        book().record(restore("s1", T, "ip|10.20.1.15"), List.of(), true);
        final JudgmentBook b = new JudgmentBook(judgments, store("by-time-b", Serdes.String()), alerts, meta,
                published::add);
        b.record(restore("s1", T, "ip|10.30.1.15"), List.of(), true);
        b.record(restore("s2", T.plusSeconds(60), "ip|10.20.1.15"), List.of(), true);

        final JudgmentBook backOnA = book();

        assertThat(keys(backOnA.judgmentsDependingOn(Set.of("ip|10.20.1.15"), T, j -> true)))
                .containsExactly("restore|veeam|s2");
        assertThat(keys(backOnA.judgmentsDependingOn(Set.of("ip|10.30.1.15"), T, j -> true)))
                .containsExactly("restore|veeam|s1");
        assertThat(keys(backOnA.judgmentsFrom(T))).containsExactly("restore|veeam|s1", "restore|veeam|s2");
    }
}
