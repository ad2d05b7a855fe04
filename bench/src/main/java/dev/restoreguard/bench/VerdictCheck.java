package dev.restoreguard.bench;

import dev.restoreguard.events.Topics;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.producers.scenario.Routed;
import dev.restoreguard.streams.app.EngineConfig;
import dev.restoreguard.streams.replay.ReplayDriver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Whether the engine on the broker reached the verdicts the contract gives for the stream it was
 * fed: its open alerts on {@code restoreguard.alerts} against those of {@link ReplayDriver}, which
 * reads the same events one by one. A throughput figure of an engine that judged wrongly would
 * measure the wrong work.
 *
 * <p>Replay first reads the events in the order they were produced (computed once, before the
 * runs). That is the order they arrived in only as far as the producer kept it: it sends batches
 * of different partitions in its own order, and the bench compresses hours of event time into
 * seconds of producing, so a few milliseconds of reordering can make records minutes late. When
 * the engine's open alerts differ, replay reads the events again as the broker stamped their
 * arrival ({@code LogAppendTime}), and that comparison, the contract's, is the one reported.
 */
final class VerdictCheck {

    /**
     * How the open alerts of a run compare with replay's: how many differ, and the first few as
     * "+rule severity subject" (only the engine's) or "-..." (only replay's).
     */
    record Comparison(int expected, int actual, int differing, List<String> examples, int retractedExtras,
                      String replayOrder) {
        String summary() {
            return (differing == 0 ? "the " + expected + " open alerts of replay, none more"
                    : differing + " differ from replay's " + expected + " open alerts, e.g. " + examples)
                    + " (replay in " + replayOrder + "); " + retractedExtras + " raised and retracted that replay never raised";
        }
    }

    /** The order replay read the events in. */
    static final String PRODUCED = "the order produced";
    static final String ARRIVED = "the order of arrival the broker stamped";

    /** What replay published: the open alerts at the end, and every alert it raised at all. */
    record Verdicts(Set<String> open, Set<String> raised) {
    }

    private static final int EXAMPLES = 10;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private VerdictCheck() {
    }

    /** What replay gives for the inventory and then the events, in that order. */
    static Verdicts replay(final Routed inventory, final List<Routed> events) {
        return replay(driver -> {
            driver.send(inventory.topic(), inventory.key(), inventory.envelope());
            for (final Routed e : events) {
                driver.send(e.topic(), e.key(), e.envelope());
            }
        });
    }

    /** What the bench's engine configuration gives in replay for what {@code feed} sends. */
    private static Verdicts replay(final java.util.function.Consumer<ReplayDriver> feed) {
        try (ReplayDriver driver = new ReplayDriver(EngineConfig.defaults().withTrustedKeys(MixedStream.trustedKeys()))) {
            feed.accept(driver);
            final List<Alert> alerts = driver.finalAlerts();
            return new Verdicts(open(alerts), names(alerts));
        }
    }

    /**
     * What replay gives for the events of the engine's input topics read back from the broker, in
     * the order of the arrival it stamped (records of the same millisecond in topic, partition and
     * offset order: they do not count for each other's lateness), each with that arrival.
     */
    static Verdicts replayAsArrived(final String bootstrap) {
        final List<String> inputs = List.of(Topics.INVENTORY.name(), Topics.HOSTS.name(), Topics.DNS.name(),
                Topics.RESTORES.name(), Topics.APPROVALS.name());
        final Deserializer<dev.restoreguard.events.Envelope> events = Topics.HOSTS.valueSerde().deserializer();
        final List<ConsumerRecord<String, byte[]>> arrived = new ArrayList<>();
        readToEnd(bootstrap, inputs, arrived::add);
        arrived.sort(java.util.Comparator.<ConsumerRecord<String, byte[]>>comparingLong(ConsumerRecord::timestamp)
                .thenComparing(r -> inputs.indexOf(r.topic())).thenComparingInt(ConsumerRecord::partition)
                .thenComparingLong(ConsumerRecord::offset));
        return replay(driver -> {
            for (final ConsumerRecord<String, byte[]> r : arrived) {
                driver.send(r.topic(), r.key(), events.deserialize(r.topic(), r.value()), r.timestamp());
            }
        });
    }

    /** Reads {@code restoreguard.alerts} to its end (committed records only): the final version of each alert. */
    static List<Alert> onTopic(final String bootstrap) {
        final Map<String, Alert> latest = new HashMap<>();
        final Deserializer<Alert> alerts = Topics.ALERTS.valueSerde().deserializer();
        readToEnd(bootstrap, List.of(Topics.ALERTS.name()), r -> latest.put(r.key(), alerts.deserialize(r.topic(), r.value())));
        return new ArrayList<>(latest.values());
    }

    /** Reads every partition of {@code topics} from the beginning to its end (committed records only). */
    private static void readToEnd(final String bootstrap, final List<String> topics,
                                  final java.util.function.Consumer<ConsumerRecord<String, byte[]>> each) {
        final Map<String, Object> config = Map.of("bootstrap.servers", bootstrap, "isolation.level", "read_committed",
                "enable.auto.commit", false, "key.deserializer", StringDeserializer.class,
                "value.deserializer", ByteArrayDeserializer.class);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
            final List<TopicPartition> partitions = topics.stream().flatMap(t -> consumer.partitionsFor(t).stream())
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            final long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            // the last offset of a partition may be a transaction marker: the position steps over it
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topics + " to their end within "
                            + READ_TIMEOUT.toSeconds() + " s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(each);
            }
        }
    }

    /**
     * The engine's final alerts against replay's: open alerts that differ, and alerts the engine
     * raised and retracted that replay never raised (judged before what the engine read later,
     * revised when it came: the noise of catching up).
     */
    static Comparison compare(final Verdicts expected, final List<Alert> onTopic, final String replayOrder) {
        final Set<String> actual = open(onTopic);
        final List<String> differences = new ArrayList<>();
        expected.open().stream().filter(a -> !actual.contains(a)).forEach(a -> differences.add("-" + a));
        actual.stream().filter(a -> !expected.open().contains(a)).forEach(a -> differences.add("+" + a));
        final int retractedExtras = (int) onTopic.stream().filter(a -> Alert.RETRACTED.equals(a.alert().status()))
                .filter(a -> !expected.raised().contains(name(a))).count();
        return new Comparison(expected.open().size(), actual.size(), differences.size(),
                List.copyOf(differences.subList(0, Math.min(EXAMPLES, differences.size()))), retractedExtras, replayOrder);
    }

    private static Set<String> open(final List<Alert> alerts) {
        return names(alerts.stream().filter(a -> Alert.OPEN.equals(a.alert().status())).toList());
    }

    private static Set<String> names(final List<Alert> alerts) {
        final Set<String> names = new TreeSet<>();
        alerts.forEach(a -> names.add(name(a)));
        return names;
    }

    /** Rule, severity and subject: what an on-call engineer reads first. */
    private static String name(final Alert a) {
        return a.rule().id() + " " + a.alert().severity().label() + " " + a.alert().subject();
    }
}
