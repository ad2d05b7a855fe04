package dev.restoreguard.bench;

import dev.restoreguard.events.Topics;
import dev.restoreguard.producers.scenario.Routed;
import dev.restoreguard.streams.app.CorrelationApp;
import dev.restoreguard.streams.app.EngineConfig;
import dev.restoreguard.streams.processor.TooLateRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The correlation engine as deployed ({@link CorrelationApp}: the production Kafka Streams
 * configuration, {@code exactly_once_v2}, RocksDB state) on the real broker. Per run: the catalog
 * topics are emptied, the inventory is published and the engine started with a fresh application
 * id and state directory; once the inventory is in, the mixed stream is published as fast as the
 * producer goes, in windows of {@value #ARRIVAL_WINDOW} records each acknowledged before the
 * next ({@link BenchKafka#sendInOrder}), and the clock runs from its first record until the engine
 * has committed the last offset of every event topic it reads. Then (not timed) its open alerts
 * are compared with replay's for the same stream.
 */
final class BrokerEngineBench {

    /** One run. */
    record Run(int threads, int events, long nanos, long produceNanos, long startNanos, Map<String, Long> tooLate,
               VerdictCheck.Comparison verdicts) {
        double eventsPerSecond() {
            return events / (nanos / 1e9);
        }
    }

    /** The engine's input topics the bench produces the mixed stream to. */
    static final List<String> EVENT_TOPICS = List.of(Topics.HOSTS.name(), Topics.DNS.name(),
            Topics.RESTORES.name(), Topics.APPROVALS.name());
    private static final List<String> REFERENCE = List.of(Topics.ENGINE_REFERENCE.name());
    /**
     * Records the producer may reorder across partitions: 500 of the mixed stream span about 100 s
     * of event time, well inside the allowed lateness, as in a stream produced at its own pace.
     */
    static final int ARRIVAL_WINDOW = 500;

    private BrokerEngineBench() {
    }

    /** Engine configuration for the bench: the defaults (exactly-once) on this broker, HTTP off. */
    static EngineConfig config(final String bootstrap, final String applicationId, final Path stateDir,
                               final int threads, final Duration commitInterval) {
        final EngineConfig d = EngineConfig.defaults();
        return new EngineConfig(bootstrap, applicationId, stateDir, threads, d.allowedLateness(), d.historyRetention(),
                d.sessionRetention(), 0, StreamsConfig.EXACTLY_ONCE_V2, false, d.collectorSilence(), d.standbyReplicas(),
                MixedStream.trustedKeys(), d.sessionTimeout(), commitInterval);
    }

    /** A run that did not finish within its time bound; the message says how far it got. */
    static final class TooSlowException extends Exception {
        TooSlowException(final String message) {
            super(message);
        }
    }

    /**
     * One run.
     *
     * @param startTimeout   bound on reaching RUNNING and on reading the inventory (not timed)
     * @param catchUpTimeout bound on committing the whole stream once produced
     * @param expected       what replay gives for the stream ({@link VerdictCheck#replay}); null: not checked
     * @throws TooSlowException when a bound is exceeded
     */
    static Run run(final BenchKafka kafka, final Routed inventory, final List<ProducerRecord<String, byte[]>> events,
                   final int threads, final Duration commitInterval, final Path stateRoot, final Duration startTimeout,
                   final Duration catchUpTimeout, final VerdictCheck.Verdicts expected) throws Exception {
        kafka.resetCatalogTopics();
        final String applicationId = "restoreguard-bench-engine-" + threads + "t-" + System.currentTimeMillis();
        final Path stateDir = Files.createDirectories(stateRoot.resolve(applicationId));
        try (Producer<String, byte[]> producer = kafka.producer()) {
            BenchKafka.sendAll(producer, BenchKafka.records(List.of(inventory), null));
            final long s0 = System.nanoTime();
            try (CorrelationApp app = new CorrelationApp(config(kafka.bootstrap(), applicationId, stateDir, threads, commitInterval),
                    Duration.ofSeconds(60))) {
                app.start();
                if (!app.awaitRunning(startTimeout)) {
                    throw new TooSlowException("engine did not reach RUNNING within " + startTimeout.toSeconds()
                            + " s (state " + app.state() + ")");
                }
                awaitInventory(kafka, applicationId, startTimeout);
                final long startNanos = System.nanoTime() - s0;
                final Map<String, Long> lateBefore = TooLateRecords.byKind();
                final long t0 = System.nanoTime();
                BenchKafka.sendInOrder(producer, events, ARRIVAL_WINDOW);
                final long produced = System.nanoTime() - t0;
                final long deadline = t0 + catchUpTimeout.toNanos();
                final Map<TopicPartition, Long> end = kafka.endOffsets(EVENT_TOPICS);
                if (!awaitCaughtUp(kafka, applicationId, end, remaining(deadline))) {
                    throw tooSlow(kafka, applicationId, end, events.size(), t0, catchUpTimeout, "events");
                }
                // Done only when the tasks have also read every reference copy: the engine writes
                // them while it reads the source topics, and under a backlog a task may read them
                // last (see TooLateRecords), so a clock stopped at the source offsets flatters it.
                final Map<TopicPartition, Long> copies = afterLastMarker(kafka.endOffsets(REFERENCE));
                if (!awaitCaughtUp(kafka, applicationId, copies, remaining(deadline))) {
                    throw tooSlow(kafka, applicationId, copies, copies.values().stream().mapToLong(Long::longValue)
                            .sum(), t0, catchUpTimeout, "reference-topic offsets");
                }
                final long nanos = System.nanoTime() - t0;
                final Map<String, Long> tooLate = since(lateBefore, TooLateRecords.byKind());
                return new Run(threads, events.size(), nanos, produced, startNanos, tooLate,
                        expected == null ? null : verdicts(kafka, expected));
            }
        } finally {
            Files.walk(stateDir).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * Waits (not timed) until the engine has read the inventory and every task has applied its
     * copy of it: the copies (one per partition of {@code restoreguard.engine.reference}, several
     * MB each with 100,000 assets) are written when the inventory is read, so a wait on the
     * inventory topic alone left each task's first seconds of a timed run to the inventory.
     *
     * @throws TooSlowException when {@code timeout} passes first (for each of the two waits)
     */
    static void awaitInventory(final BenchKafka kafka, final String applicationId, final Duration timeout)
            throws Exception {
        final Map<TopicPartition, Long> inventoryEnd = kafka.endOffsets(List.of(Topics.INVENTORY.name()));
        if (!awaitCaughtUp(kafka, applicationId, inventoryEnd, timeout)) {
            throw new TooSlowException("engine did not read the inventory within " + timeout.toSeconds() + " s");
        }
        if (!awaitCaughtUp(kafka, applicationId, afterLastMarker(kafka.endOffsets(REFERENCE)), timeout)) {
            throw new TooSlowException("engine did not apply its copies of the inventory within "
                    + timeout.toSeconds() + " s");
        }
    }

    /** The run's verdicts against replay's: in produced order, and when they differ, as the broker stamped arrival. */
    private static VerdictCheck.Comparison verdicts(final BenchKafka kafka, final VerdictCheck.Verdicts produced) {
        final List<dev.restoreguard.events.alert.Alert> onTopic = VerdictCheck.onTopic(kafka.bootstrap());
        final VerdictCheck.Comparison comparison = VerdictCheck.compare(produced, onTopic, VerdictCheck.PRODUCED);
        return comparison.differing() == 0 ? comparison
                : VerdictCheck.compare(VerdictCheck.replayAsArrived(kafka.bootstrap()), onTopic, VerdictCheck.ARRIVED);
    }

    private static Duration remaining(final long deadlineNanos) {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    static TooSlowException tooSlow(final BenchKafka kafka, final String group, final Map<TopicPartition, Long> end,
                                            final long total, final long t0, final Duration timeout, final String what)
            throws Exception {
        final double seconds = (System.nanoTime() - t0) / 1e9;
        final long done = kafka.committedRecords(group, end);
        return new TooSlowException(String.format(java.util.Locale.ROOT, "did not catch up within %d s of the"
                        + " first event: %,d of %,d %s committed by then (%,.0f/s, a lower bound)",
                timeout.toSeconds(), done, total, what, done / seconds));
    }

    /**
     * The offsets a consumer has reached once it has read every record of a topic the engine
     * writes transactionally: the last offset of each partition is the commit marker of its
     * last transaction, which a consumer may commit before or after stepping over.
     */
    private static Map<TopicPartition, Long> afterLastMarker(final Map<TopicPartition, Long> end) {
        final Map<TopicPartition, Long> out = new HashMap<>();
        end.forEach((partition, offset) -> out.put(partition, Math.max(0, offset - 1)));
        return out;
    }

    private static Map<String, Long> since(final Map<String, Long> before, final Map<String, Long> after) {
        final Map<String, Long> out = new TreeMap<>();
        after.forEach((kind, count) -> {
            final long delta = count - before.getOrDefault(kind, 0L);
            if (delta > 0) {
                out.put(kind, delta);
            }
        });
        return out;
    }

    /**
     * Polls the group's committed offsets (every 50 ms: the engine commits every 100 ms under
     * exactly-once) until it has committed {@code end}; {@code false} when {@code timeout} passed first.
     */
    static boolean awaitCaughtUp(final BenchKafka kafka, final String group, final Map<TopicPartition, Long> end,
                                 final Duration timeout) throws Exception {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!kafka.caughtUp(group, end)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }
}
