package dev.restoreguard.bench;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Topic;
import dev.restoreguard.events.Topics;
import dev.restoreguard.streams.app.EngineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The floor under the engine's figure: what Kafka Streams itself costs per record on this broker
 * and machine, without any of the engine's work. Same mixed stream, same input topics and value
 * serde, the bench engine's Kafka Streams configuration ({@link BrokerEngineBench#config},
 * {@link EngineConfig#streamsProperties()}:
 * {@code exactly_once_v2}, its commit interval, RocksDB), one stream thread; each record is read
 * and deserialized, written to a cached key-value store (with its changelog) under its key and
 * forwarded to an output topic. That is the least a stateful exactly-once application does per
 * record; the engine does it several times per event (reference copies, judgments, alert states).
 *
 * <p>Reads {@code restoreguard.hosts.snapshots}, {@code restoreguard.dns.records},
 * {@code restoreguard.restores}, {@code restoreguard.approvals}; writes {@value #OUTPUT}.
 */
final class StreamsFloorBench {

    static final String OUTPUT = "restoreguard.bench.floor";

    private static final List<Topic<String, Envelope>> INPUTS = List.of(Topics.HOSTS, Topics.DNS, Topics.RESTORES,
            Topics.APPROVALS);

    private StreamsFloorBench() {
    }

    /** One run: events/s from the first record produced until every input offset is committed. */
    record Run(int events, long nanos) {
        double eventsPerSecond() {
            return events / (nanos / 1e9);
        }
    }

    /** The floor's topology: per input topic, source → remember the record under its key → output. */
    static Topology topology() {
        final StreamsBuilder builder = new StreamsBuilder();
        for (final Topic<String, Envelope> input : INPUTS) {
            final String store = "floor-" + input.name();
            builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store), Serdes.String(),
                    input.valueSerde()).withCachingEnabled());
            builder.stream(input.name(), Consumed.with(input.keySerde(), input.valueSerde())
                            .withName(input.name() + "-source"))
                    .process(() -> new Remember(store), Named.as(input.name() + "-remember"), store)
                    .to(OUTPUT, Produced.with(Serdes.String(), input.valueSerde()).withName(input.name() + "-to-floor"));
        }
        return builder.build();
    }

    static Run run(final BenchKafka kafka, final List<ProducerRecord<String, byte[]>> events,
                   final Duration commitInterval, final Path stateRoot, final Duration startTimeout,
                   final Duration catchUpTimeout) throws Exception {
        kafka.resetCatalogTopics();
        kafka.recreate(OUTPUT, Topics.RESTORES.partitions());
        final String applicationId = "restoreguard-bench-floor-" + System.currentTimeMillis();
        final Path stateDir = Files.createDirectories(stateRoot.resolve(applicationId));
        final Properties properties = BrokerEngineBench.config(kafka.bootstrap(), applicationId, stateDir, 1,
                commitInterval).streamsProperties();
        final CountDownLatch running = new CountDownLatch(1);
        try (Producer<String, byte[]> producer = kafka.producer();
             KafkaStreams streams = new KafkaStreams(topology(), properties)) {
            streams.setStateListener((now, before) -> {
                if (now == KafkaStreams.State.RUNNING) {
                    running.countDown();
                }
            });
            streams.start();
            if (!running.await(startTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new BrokerEngineBench.TooSlowException("the floor's Kafka Streams did not reach RUNNING within "
                        + startTimeout.toSeconds() + " s (state " + streams.state() + ")");
            }
            final long t0 = System.nanoTime();
            BenchKafka.sendInOrder(producer, events, BrokerEngineBench.ARRIVAL_WINDOW);
            final Map<TopicPartition, Long> end = kafka.endOffsets(BrokerEngineBench.EVENT_TOPICS);
            if (!BrokerEngineBench.awaitCaughtUp(kafka, applicationId, end, catchUpTimeout)) {
                throw BrokerEngineBench.tooSlow(kafka, applicationId, end, events.size(), t0, catchUpTimeout, "events");
            }
            final Run run = new Run(events.size(), System.nanoTime() - t0);
            streams.close(Duration.ofSeconds(30));
            streams.cleanUp();
            return run;
        } finally {
            kafka.delete(OUTPUT);
        }
    }

    /** Puts each record into the store under its key and forwards it. */
    private static final class Remember implements Processor<String, Envelope, String, Envelope> {
        private final String storeName;
        private KeyValueStore<String, Envelope> store;
        private ProcessorContext<String, Envelope> context;

        Remember(final String storeName) {
            this.storeName = storeName;
        }

        @Override
        public void init(final ProcessorContext<String, Envelope> context) {
            this.context = context;
            this.store = context.getStateStore(storeName);
        }

        @Override
        public void process(final Record<String, Envelope> record) {
            store.put(record.key(), record.value());
            context.forward(record);
        }
    }
}
