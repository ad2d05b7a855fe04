package dev.restoreguard.streams.processor;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.events.audit.Heartbeat;
import dev.restoreguard.streams.rules.CollectorSilent;
import dev.restoreguard.streams.topology.StoreNames;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RG-910: notices collectors that stopped sending heartbeats. Each {@link Heartbeat} refreshes
 * "last heard" (the engine's wall-clock time when it processed it) for its observer and collector
 * kind in {@value StoreNames#COLLECTOR_HEARTBEATS}; a wall-clock punctuation opens the alert once
 * a collector has been silent longer than the threshold, and the next heartbeat re-publishes it as
 * retracted.
 *
 * <p>Silence is measured in wall-clock time, not stream time: a silent collector sends nothing
 * that would move stream time. After the engine itself was down, a task first listens for a full
 * threshold (heartbeats of the backlog arrive meanwhile) before it judges anyone silent, so the
 * engine's own outage does not raise an alert per collector.
 *
 * <p>Reads {@code restoreguard.audit} (key: host; only heartbeats count); writes {@link Alert}s
 * keyed by {@code alert.id} to {@code restoreguard.alerts}.
 */
public final class CollectorSilenceProcessor implements Processor<String, Envelope, String, Alert> {

    private static final Logger LOGGER = LoggerFactory.getLogger(CollectorSilenceProcessor.class);

    private final Duration threshold;
    private ProcessorContext<String, Alert> context;
    private KeyValueStore<String, CollectorHeartbeat> heartbeats;
    private long listeningSince;

    public CollectorSilenceProcessor(final Duration threshold) {
        this.threshold = threshold;
    }

    /** How often silence is checked: a fifth of the threshold (0.1 s .. 30 s), so it is noticed within 1.2 × threshold. */
    static Duration checkInterval(final Duration threshold) {
        final long fifth = threshold.toMillis() / 5;
        return Duration.ofMillis(Math.max(100, Math.min(30_000, fifth)));
    }

    @Override
    public void init(final ProcessorContext<String, Alert> context) {
        this.context = context;
        this.heartbeats = context.getStateStore(StoreNames.COLLECTOR_HEARTBEATS);
        this.listeningSince = context.currentSystemTimeMs();
        context.schedule(checkInterval(threshold), PunctuationType.WALL_CLOCK_TIME, this::check);
    }

    @Override
    public void process(final Record<String, Envelope> record) {
        final Envelope envelope = record.value();
        if (envelope == null || !(envelope.payload() instanceof Heartbeat beat)) {
            return; // audit evidence, not a sign of life
        }
        final String observer = envelope.observer() != null ? envelope.observer() : record.key();
        if (observer == null) {
            return;
        }
        final String key = observer + "|" + beat.collector();
        final long now = context.currentSystemTimeMs();
        final CollectorHeartbeat previous = heartbeats.get(key);
        if (previous != null && previous.alertOpenSince() != null) {
            final Instant resumed = Instant.ofEpochMilli(now);
            final Alert retracted = CollectorSilent.finding(observer, beat.collector(), threshold,
                    previous.alertOpenSince(), previous.lastHeard(), previous.lastBeatAt(), resumed)
                    .toAlert(Alert.RETRACTED);
            context.forward(new Record<>(retracted.alert().id(), retracted, now));
            LOGGER.atInfo().addKeyValue("observer", observer).addKeyValue("collector", beat.collector())
                    .addKeyValue("silent_since", previous.alertOpenSince()).log("Collector heartbeats resumed");
        }
        final Instant beatAt = previous != null && previous.lastBeatAt() != null
                && previous.lastBeatAt().isAfter(envelope.at()) ? previous.lastBeatAt() : envelope.at();
        heartbeats.put(key, new CollectorHeartbeat(observer, beat.collector(), Instant.ofEpochMilli(now), beatAt, null));
    }

    private void check(final long now) {
        final List<KeyValue<String, CollectorHeartbeat>> silent = new ArrayList<>();
        try (KeyValueIterator<String, CollectorHeartbeat> all = heartbeats.all()) {
            while (all.hasNext()) {
                final KeyValue<String, CollectorHeartbeat> entry = all.next();
                final CollectorHeartbeat h = entry.value;
                final long heard = Math.max(h.lastHeard().toEpochMilli(), listeningSince);
                if (h.alertOpenSince() == null && now - heard > threshold.toMillis()) {
                    silent.add(entry);
                }
            }
        }
        for (final KeyValue<String, CollectorHeartbeat> entry : silent) {
            final CollectorHeartbeat h = entry.value;
            final Instant since = Instant.ofEpochMilli(now);
            final Alert alert = CollectorSilent.finding(h.observer(), h.collector(), threshold, since, h.lastHeard(),
                    h.lastBeatAt(), null).toAlert(Alert.OPEN);
            context.forward(new Record<>(alert.alert().id(), alert, now));
            heartbeats.put(entry.key, new CollectorHeartbeat(h.observer(), h.collector(), h.lastHeard(), h.lastBeatAt(),
                    since));
            LOGGER.atWarn().addKeyValue("observer", h.observer()).addKeyValue("collector", h.collector())
                    .addKeyValue("last_heard", h.lastHeard()).addKeyValue("threshold", threshold)
                    .log("Collector silent");
        }
    }

    /**
     * What the engine last heard from one collector.
     *
     * @param lastHeard       engine wall-clock time of the last heartbeat processed
     * @param lastBeatAt      latest event time among its heartbeats
     * @param alertOpenSince  when the open RG-910 alert was raised; null while it is not open
     */
    public record CollectorHeartbeat(String observer, String collector, Instant lastHeard, Instant lastBeatAt,
                                     Instant alertOpenSince) {
    }
}
