package dev.restoreguard.sinks.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.JsonSerde;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.sinks.DeadLetterPublisher;
import dev.restoreguard.sinks.SinkRunner;
import dev.restoreguard.sinks.TopicDeserializer;
import dev.restoreguard.sinks.retry.Retriable;
import dev.restoreguard.sinks.retry.RetryExecutor;
import dev.restoreguard.sinks.retry.RetryPolicy;
import dev.restoreguard.sinks.service.Metrics;
import dev.restoreguard.sinks.service.SinkService;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Assembles the Elasticsearch sink deployable: the client, the dead-letter publisher, the
 * {@link ElasticsearchSink} and its {@link SinkRunner} in consumer group {@code config.groupId()}.
 *
 * <p>Reads the normalized event topics and {@code restoreguard.alerts}; writes the events and alerts
 * data streams, the latest-state alert index and {@code restoreguard.dlq}.
 */
public final class ElasticsearchSinkService {

    /** Backoff between attempts at a batch the sink could not finish: up to a minute apart. */
    private static final RetryPolicy BATCH_BACKOFF = new RetryPolicy(Integer.MAX_VALUE, 1000L, 60_000L);

    private ElasticsearchSinkService() {
    }

    /**
     * The service, not yet started.
     *
     * @param kafkaConfig        Kafka client settings ({@code bootstrap.servers}, security)
     * @param templatesToInstall index templates to install when missing (empty: only check)
     */
    public static SinkService create(final ElasticsearchSinkConfig config, final Map<String, Object> kafkaConfig,
                                     final Map<String, String> templatesToInstall, final Metrics metrics) {
        final List<AutoCloseable> resources = new ArrayList<>();
        final ElasticsearchClient client = ElasticsearchClients.create(config);
        resources.add(client);
        final DeadLetterPublisher deadLetters = new DeadLetterPublisher(kafkaConfig, config.dlqTopic());
        resources.add(deadLetters);
        final ElasticsearchSink sink = new ElasticsearchSink(config, client, deadLetters,
                new RetryExecutor(config.retry(), Retriable.DEFAULT), metrics, templatesToInstall, Clock.systemUTC());
        resources.add(sink);
        final Map<String, Deserializer<?>> byTopic = new HashMap<>();
        final JsonSerde<Envelope> events = new JsonSerde<>(Envelope.class);
        config.eventTopics().forEach(topic -> byTopic.put(topic, events));
        byTopic.put(config.alertsTopic(), new JsonSerde<>(Alert.class));
        final List<String> topics = new ArrayList<>(config.eventTopics());
        topics.add(config.alertsTopic());
        final SinkRunner<Object> runner = new SinkRunner<>(sink, kafkaConfig, config.groupId(), topics,
                new TopicDeserializer(byTopic), deadLetters, BATCH_BACKOFF, metrics);
        return new SinkService("elasticsearch", List.of(runner), resources, metrics);
    }
}
