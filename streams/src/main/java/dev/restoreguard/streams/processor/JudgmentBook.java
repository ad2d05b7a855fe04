package dev.restoreguard.streams.processor;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.events.alert.Severity;
import dev.restoreguard.streams.rules.Finding;
import dev.restoreguard.streams.state.ReferenceKeys;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bookkeeping between verdicts and alerts that makes "one alert per (rule, subject)" and
 * "late records revise, too-late ones do not" hold:
 * <ul>
 *   <li>a new finding publishes an open alert, or re-publishes it when severity or evidence changed;</li>
 *   <li>a finding that disappears on a <em>revision</em> (a record within the allowed lateness)
 *       removes its support; an alert left with no support is re-published as retracted;</li>
 *   <li>without revision (an on-time record adding evidence, a too-late record) nothing is
 *       retracted or downgraded: a finding stays open when its condition later clears.</li>
 * </ul>
 * State: {@code judgments} (key to {@link Judgment}), {@code byTime} (time-ordered index for
 * re-evaluation and expiry, each entry carrying the judgment's {@link Summary} so that a scan
 * for what a record affects decodes no JSON) and {@code alerts} (alert id to {@link AlertState}).
 *
 * <p>{@code byTime} is derived from {@code judgments} alone, so under exactly-once it has no
 * changelog (the most of any store: 4.9 records per input event of the 12.8 the engine wrote in
 * the 1,000,000-event benchmark) and is rebuilt from the judgments whenever it may not match
 * them; see {@link #ensureIndex}.
 */
final class JudgmentBook {

    private static final Logger LOGGER = LoggerFactory.getLogger(JudgmentBook.class);

    private final KeyValueStore<String, Judgment> judgments;
    private final KeyValueStore<String, String> byTime;
    // Secondary indexes, in the byTime store under keys that sort after "~" (so no time range
    // there ever meets them): judgments by dependency and restore judgments by observer, each
    // time-ordered, so that a reference change or a hosts snapshot finds what it affects
    // without scanning everything judged since its time.
    /** The epoch of the index, in {@code byTime} and in the (logged) meta store; see {@link #ensureIndex}. */
    static final String INDEX_EPOCH = "~index-epoch";
    private static final String BY_DEPENDENCY = "~d\0";
    private static final String BY_OBSERVER = "~o\0";
    private static final char SEP = '\0';
    private final KeyValueStore<String, AlertState> alerts;
    private final StoreSweep<AlertState> alertSweep;
    private final Consumer<Alert> publish;
    // Per list of kinds expired together: the time before which every judgment of those kinds is
    // already expired, so that the next pass reads only the time index after it. Without it every
    // minute's pass read all restores older than the revisable time (kept for the session
    // retention, days): in the 1,000,000-event benchmark the punctuation's share of the stream
    // thread grew from 7% to 15% in its first 8 minutes, this read most of it (JFR). A
    // judgment recorded at an earlier time (a record beyond the allowed lateness) pulls it back.
    // Not state: a new instance (restart, rebalance) reads the whole index once.
    private final Map<List<String>, Long> expiredBefore = new HashMap<>();
    private static final int REBUILD_BATCH = 10_000;

    JudgmentBook(final KeyValueStore<String, Judgment> judgments, final KeyValueStore<String, String> byTime,
                 final KeyValueStore<String, AlertState> alerts, final KeyValueStore<String, Long> meta,
                 final Consumer<Alert> publish) {
        this.judgments = judgments;
        this.byTime = byTime;
        this.alerts = alerts;
        this.alertSweep = new StoreSweep<>(alerts, StoreSweep.BATCH);
        this.publish = publish;
        ensureIndex(meta);
    }

    /**
     * Rebuilds {@code byTime} from {@code judgments} unless it is the index the judgments were last
     * written with. Each rebuild draws a random epoch and writes it both into the index and into
     * the logged {@code meta} store, and an index is kept only when the two agree. Under
     * exactly-once that holds only for the local index of the instance that last rebuilt it, with
     * no other instance having owned the task since: any other owner rebuilt (a new epoch), and a
     * task closed uncleanly has its whole local state wiped by Kafka Streams. An index written
     * before epochs existed has none, so it is rebuilt once.
     */
    private void ensureIndex(final KeyValueStore<String, Long> meta) {
        final Long epoch = meta.get(INDEX_EPOCH);
        if (epoch != null && Long.toString(epoch).equals(byTime.get(INDEX_EPOCH))) {
            return;
        }
        final long started = System.nanoTime();
        long removed = 0;
        String after = null;
        List<String> batch;
        do {
            // each batch starts after the previous one: from the first key again, the iterator would
            // step over every tombstone left so far
            batch = new ArrayList<>();
            try (KeyValueIterator<String, String> it = after == null ? byTime.all() : byTime.range(after + '\0', null)) {
                while (it.hasNext() && batch.size() < REBUILD_BATCH) {
                    batch.add(it.next().key);
                }
            }
            batch.forEach(byTime::delete);
            removed += batch.size();
            after = batch.isEmpty() ? after : batch.getLast();
        } while (batch.size() == REBUILD_BATCH);
        long indexed = 0;
        try (KeyValueIterator<String, Judgment> it = judgments.all()) {
            while (it.hasNext()) {
                final Judgment j = it.next().value;
                byTime.put(timeKey(j), Summary.of(j).encode());
                index(j, true);
                indexed++;
            }
        }
        final long next = ThreadLocalRandom.current().nextLong();
        byTime.put(INDEX_EPOCH, Long.toString(next));
        meta.put(INDEX_EPOCH, next);
        // a new task's empty state is no news; a rebuild of real state costs time worth saying
        (indexed + removed > 0 ? LOGGER.atInfo() : LOGGER.atDebug()).addKeyValue("judgments", indexed)
                .addKeyValue("stale_entries_removed", removed)
                .addKeyValue("took_ms", (System.nanoTime() - started) / 1_000_000)
                .log("Judgment index rebuilt");
    }

    Judgment get(final String key) {
        return judgments.get(key);
    }

    /**
     * Records a (re-)evaluation of one judgment and publishes what changed.
     *
     * @param judgment the judgment with its time and dependencies (its findings are replaced)
     * @param found    what the evaluation found
     * @param revise   whether the trigger may revise the earlier verdict (within the allowed lateness)
     */
    void record(final Judgment judgment, final List<Finding> found, final boolean revise) {
        final Judgment previous = judgments.get(judgment.key());
        final Map<String, Severity> previousFindings = previous == null ? Map.of() : previous.findings();
        final Map<String, Severity> findings = new LinkedHashMap<>();
        for (Finding finding : found) {
            final Alert candidate = finding.toAlert(Alert.OPEN);
            final String id = candidate.alert().id();
            findings.merge(id, finding.severity(), JudgmentBook::max);
            support(judgment.key(), id, finding.severity(), candidate, revise, judgment.time());
        }
        for (Map.Entry<String, Severity> old : previousFindings.entrySet()) {
            if (findings.containsKey(old.getKey())) {
                continue;
            }
            if (revise) {
                withdraw(judgment.key(), old.getKey(), judgment.time());
            } else {
                findings.put(old.getKey(), old.getValue()); // the finding happened; it stays
            }
        }
        if (previous != null && !previous.time().equals(judgment.time())) {
            byTime.delete(timeKey(previous));
        }
        final Judgment stored = new Judgment(judgment.key(), judgment.kind(), judgment.time(), judgment.observer(),
                judgment.dependencies(), findings, judgment.dnsChange());
        judgments.put(stored.key(), stored);
        // a re-judgment that moves nothing (same time, observer and dependencies, nearly all of
        // them) leaves the time and dependency index as it is: each write there is a RocksDB
        // write and a changelog record
        final Summary summary = Summary.of(stored);
        if (previous == null || !Summary.of(previous).equals(summary)) {
            if (previous != null) {
                index(previous, false);
            }
            byTime.put(timeKey(stored), summary.encode());
            index(stored, true);
        }
        final long time = stored.time().toEpochMilli();
        expiredBefore.replaceAll((kinds, before) -> Math.min(before, time));
    }

    /** Adds or removes a judgment's secondary index entries (DNS judgments have none: only inventories move them). */
    private void index(final Judgment j, final boolean add) {
        if (Judgment.DNS.equals(j.kind())) {
            return;
        }
        final String suffix = SEP + ReferenceKeys.time(j.time().toEpochMilli()) + SEP + j.key();
        for (String dependency : j.dependencies()) {
            put(BY_DEPENDENCY + dependency + suffix, add);
        }
        if (Judgment.RESTORE.equals(j.kind()) && j.observer() != null) {
            put(BY_OBSERVER + j.observer() + suffix, add);
        }
    }

    private void put(final String key, final boolean add) {
        if (add) {
            byTime.put(key, "");
        } else {
            byTime.delete(key);
        }
    }

    /**
     * Judgments depending on any of {@code dependencies} whose time is at or after {@code from}
     * and that pass {@code filter}, oldest first: index lookups, one per dependency.
     */
    List<Judgment> judgmentsDependingOn(final java.util.Collection<String> dependencies, final Instant from,
                                        final Predicate<Judgment> filter) {
        return lookup(BY_DEPENDENCY, dependencies, from, filter);
    }

    /** The restore judgments of {@code observer} whose time is at or after {@code from}, oldest first. */
    List<Judgment> restoresOf(final String observer, final Instant from) {
        return lookup(BY_OBSERVER, List.of(observer), from, j -> true);
    }

    private List<Judgment> lookup(final String index, final java.util.Collection<String> values, final Instant from,
                                  final Predicate<Judgment> filter) {
        // time|key of every hit, so that the result is in the order a time-range scan would give
        final java.util.TreeSet<String> hits = new java.util.TreeSet<>();
        final String time = ReferenceKeys.time(from.toEpochMilli());
        for (String value : values) {
            final String prefix = index + value + SEP;
            try (KeyValueIterator<String, String> it = byTime.range(prefix + time, prefix + '~')) {
                while (it.hasNext()) {
                    hits.add(it.next().key.substring(prefix.length()));
                }
            }
        }
        final List<Judgment> found = new ArrayList<>();
        for (String hit : hits) {
            final Judgment j = judgments.get(hit.substring(hit.indexOf(SEP) + 1));
            if (j != null && filter.test(j)) {
                found.add(j);
            }
        }
        return found;
    }

    private void support(final String judgmentKey, final String id, final Severity severity, final Alert candidate,
                         final boolean revise, final Instant at) {
        final AlertState state = alerts.get(id);
        final Map<String, Severity> supporters = new HashMap<>(state == null ? Map.of() : state.supporters());
        supporters.put(judgmentKey, severity);
        final boolean open = state != null && Alert.OPEN.equals(state.status());
        final boolean publish;
        if (!open) {
            publish = true; // new, or re-opened after a retraction
        } else if (judgmentKey.equals(state.origin())) {
            // the judgment that raised it: new evidence is re-published, a lower severity only on revision
            publish = revise || severity.compareTo(state.severity()) >= 0;
        } else {
            // the same finding from another judgment (a later snapshot): news only if more severe
            publish = severity.compareTo(state.severity()) > 0;
        }
        if (publish) {
            final String json = json(candidate);
            if (state == null || !json.equals(state.published()) || !open) {
                this.publish.accept(candidate);
            }
            alerts.put(id, new AlertState(json, Alert.OPEN, severity, supporters,
                    state != null && state.permanent(), at, judgmentKey));
        } else {
            alerts.put(id, new AlertState(state.published(), state.status(), state.severity(), supporters,
                    state.permanent(), at, state.origin()));
        }
    }

    private void withdraw(final String judgmentKey, final String id, final Instant at) {
        final AlertState state = alerts.get(id);
        if (state == null) {
            return;
        }
        final Map<String, Severity> supporters = new HashMap<>(state.supporters());
        supporters.remove(judgmentKey);
        if (supporters.isEmpty() && !state.permanent() && Alert.OPEN.equals(state.status())) {
            final Alert retracted = read(state.published()).withStatus(Alert.RETRACTED);
            publish.accept(retracted);
            alerts.put(id, new AlertState(json(retracted), Alert.RETRACTED, state.severity(), supporters, false, at,
                    state.origin()));
        } else {
            alerts.put(id, new AlertState(state.published(), state.status(), state.severity(), supporters,
                    state.permanent(), at, state.origin()));
        }
    }

    /** Judgments whose time is at or after {@code from}, oldest first. */
    List<Judgment> judgmentsFrom(final Instant from) {
        return judgmentsFrom(from, s -> true);
    }

    /**
     * Judgments whose time is at or after {@code from} and whose summary passes {@code filter},
     * oldest first. The filter runs on the time index alone: only the judgments it selects are
     * read and decoded, which is what keeps a late record cheap when the revisable window holds
     * thousands of judgments and it affects a handful.
     */
    List<Judgment> judgmentsFrom(final Instant from, final Predicate<Summary> filter) {
        final List<Judgment> found = new ArrayList<>();
        try (KeyValueIterator<String, String> it = byTime.range(ReferenceKeys.time(from.toEpochMilli()), "~")) {
            while (it.hasNext()) {
                final KeyValue<String, String> entry = it.next();
                final Summary summary = Summary.decode(entry.value, Long.parseLong(entry.key, 0, 15, 10));
                if (summary.known() && !filter.test(summary)) {
                    continue;
                }
                final Judgment j = judgments.get(summary.key());
                if (j != null && (summary.known() || filter.test(Summary.of(j)))) {
                    found.add(j);
                }
            }
        }
        return found;
    }

    /**
     * What the time index keeps of a judgment: enough to decide whether a record affects it.
     * Encoded as fields separated by NUL (no name, key or kind holds one); an entry written
     * before summaries existed holds the bare judgment key and decodes as not {@link #known()}.
     *
     * @param key          the judgment's key
     * @param kind         its kind, {@code null} when not known
     * @param observer     its observer ({@code ""} when it has none)
     * @param dependencies its dependencies
     * @param time         its time (epoch milliseconds; from the index key, not encoded)
     */
    record Summary(String key, String kind, String observer, List<String> dependencies, long time) {

        private static final char SEPARATOR = '\0';

        static Summary of(final Judgment j) {
            return new Summary(j.key(), j.kind(), j.observer() == null ? "" : j.observer(), j.dependencies(),
                    j.time().toEpochMilli());
        }

        boolean known() {
            return kind != null;
        }

        String encode() {
            final StringBuilder b = new StringBuilder(key.length() + 64).append(key).append(SEPARATOR).append(kind)
                    .append(SEPARATOR).append(observer);
            for (String dependency : dependencies) {
                b.append(SEPARATOR).append(dependency);
            }
            return b.toString();
        }

        static Summary decode(final String value, final long time) {
            final int k = value.indexOf(SEPARATOR);
            if (k < 0) {
                return new Summary(value, null, "", List.of(), time);
            }
            final int o = value.indexOf(SEPARATOR, k + 1);
            final int d = value.indexOf(SEPARATOR, o + 1);
            final List<String> dependencies = new ArrayList<>();
            int start = d;
            while (start >= 0) {
                final int end = value.indexOf(SEPARATOR, start + 1);
                dependencies.add(value.substring(start + 1, end < 0 ? value.length() : end));
                start = end;
            }
            return new Summary(value.substring(0, k), value.substring(k + 1, o),
                    value.substring(o + 1, d < 0 ? value.length() : d), dependencies, time);
        }
    }

    /**
     * Forgets judgments that can no longer be revised: those older than {@code revisable} of the
     * kinds in {@code kinds}. Alerts they supported become permanent.
     *
     * @return the keys of the judgments forgotten
     */
    List<String> expire(final Instant revisable, final List<String> kinds) {
        final List<String> forgotten = new ArrayList<>();
        final List<KeyValue<String, String>> old = new ArrayList<>();
        final Long done = expiredBefore.get(kinds);
        final String from = done == null ? "" : ReferenceKeys.time(done);
        try (KeyValueIterator<String, String> it = byTime.range(from, ReferenceKeys.time(revisable.toEpochMilli()))) {
            while (it.hasNext()) {
                old.add(it.next());
            }
        }
        for (KeyValue<String, String> kv : old) {
            final Summary summary = Summary.decode(kv.value, Long.parseLong(kv.key, 0, 15, 10));
            if (summary.known() && !kinds.contains(summary.kind())) {
                continue; // kept longer (restores): not even read
            }
            final Judgment j = judgments.get(summary.key());
            if (j == null) {
                byTime.delete(kv.key);
                continue;
            }
            if (!kinds.contains(j.kind()) || !j.time().isBefore(revisable)) {
                continue;
            }
            index(j, false);
            for (String id : j.findings().keySet()) {
                final AlertState state = alerts.get(id);
                if (state != null) {
                    final Map<String, Severity> supporters = new HashMap<>(state.supporters());
                    supporters.remove(j.key());
                    alerts.put(id, new AlertState(state.published(), state.status(), state.severity(), supporters,
                            true, state.touched(), state.origin()));
                }
            }
            judgments.delete(j.key());
            byTime.delete(kv.key);
            forgotten.add(j.key());
        }
        expiredBefore.merge(List.copyOf(kinds), revisable.toEpochMilli(), Math::max);
        return forgotten;
    }

    /**
     * Forgets, among the next alert states of a pass over them ({@link StoreSweep}), those no
     * judgment supports that were untouched since {@code alertsBefore}.
     */
    void sweepAlerts(final Instant alertsBefore) {
        alertSweep.sweep((id, state) -> state.supporters().isEmpty() && state.touched().isBefore(alertsBefore));
    }

    private static String timeKey(final Judgment j) {
        return ReferenceKeys.time(j.time().toEpochMilli()) + '|' + j.key();
    }

    private static Severity max(final Severity a, final Severity b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static String json(final Alert alert) {
        try {
            return Json.MAPPER.writeValueAsString(alert);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("alert not serializable", e);
        }
    }

    private static Alert read(final String json) {
        try {
            return Json.MAPPER.readValue(json, Alert.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt alert state", e);
        }
    }
}
