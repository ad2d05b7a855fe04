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
import java.util.function.Consumer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

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
 * re-evaluation and expiry) and {@code alerts} (alert id to {@link AlertState}).
 */
final class JudgmentBook {

    private final KeyValueStore<String, Judgment> judgments;
    private final KeyValueStore<String, String> byTime;
    private final KeyValueStore<String, AlertState> alerts;
    private final Consumer<Alert> publish;

    JudgmentBook(final KeyValueStore<String, Judgment> judgments, final KeyValueStore<String, String> byTime,
                 final KeyValueStore<String, AlertState> alerts, final Consumer<Alert> publish) {
        this.judgments = judgments;
        this.byTime = byTime;
        this.alerts = alerts;
        this.publish = publish;
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
        byTime.put(timeKey(stored), stored.key());
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
        final List<Judgment> found = new ArrayList<>();
        try (KeyValueIterator<String, String> it = byTime.range(ReferenceKeys.time(from.toEpochMilli()), "~")) {
            while (it.hasNext()) {
                final Judgment j = judgments.get(it.next().value);
                if (j != null) {
                    found.add(j);
                }
            }
        }
        return found;
    }

    /**
     * Forgets judgments that can no longer be revised: those older than {@code revisable} of the
     * kinds in {@code kinds}. Alerts they supported become permanent. Alert states untouched since
     * {@code alertsBefore} are forgotten too.
     */
    void expire(final Instant revisable, final List<String> kinds, final Instant alertsBefore) {
        final List<KeyValue<String, String>> old = new ArrayList<>();
        try (KeyValueIterator<String, String> it = byTime.range("", ReferenceKeys.time(revisable.toEpochMilli()))) {
            while (it.hasNext()) {
                old.add(it.next());
            }
        }
        for (KeyValue<String, String> kv : old) {
            final Judgment j = judgments.get(kv.value);
            if (j == null) {
                byTime.delete(kv.key);
                continue;
            }
            if (!kinds.contains(j.kind()) || !j.time().isBefore(revisable)) {
                continue;
            }
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
        }
        final List<String> stale = new ArrayList<>();
        try (KeyValueIterator<String, AlertState> it = alerts.all()) {
            while (it.hasNext()) {
                final KeyValue<String, AlertState> kv = it.next();
                if (kv.value.supporters().isEmpty() && kv.value.touched().isBefore(alertsBefore)) {
                    stale.add(kv.key);
                }
            }
        }
        stale.forEach(alerts::delete);
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
