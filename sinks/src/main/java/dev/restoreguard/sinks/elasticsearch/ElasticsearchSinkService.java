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
import java.util.function.Function;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Assembles the Elasticsearch sink deployable: the client, the dead-letter publisher and two
 * {@link ElasticsearchSink}s with their {@link SinkRunner}s: the events in consumer group
 * {@code config.groupId()}, the alerts in {@code config.alertsGroupId()}, so that an alert is
 * never queued behind the events.
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
        final Map<String, Deserializer<?>> byTopic = new HashMap<>();
        final JsonSerde<Envelope> events = new JsonSerde<>(Envelope.class);
        config.eventTopics().forEach(topic -> byTopic.put(topic, events));
        byTopic.put(config.alertsTopic(), new JsonSerde<>(Alert.class));
        final TopicDeserializer deserializer = new TopicDeserializer(byTopic);
        // Alerts in a loop and consumer group of their own: behind one consumer with the events, an
        // alert waited for every event before it (a backlog of a burst or of catching up), and an
        // alert should be searchable seconds after it is raised whatever the events' backlog.
        final Function<String, ElasticsearchSink> sinkNamed = name -> {
            final ElasticsearchSink sink = new ElasticsearchSink(name, config, client, deadLetters,
                    new RetryExecutor(config.retry(), Retriable.DEFAULT), metrics, templatesToInstall, Clock.systemUTC());
            resources.add(sink);
            return sink;
        };
        final List<SinkRunner<?>> runners = new ArrayList<>();
        runners.add(new SinkRunner<>(sinkNamed.apply("elasticsearch-alerts"), kafkaConfig, config.alertsGroupId(),
                List.of(config.alertsTopic()), deserializer, deadLetters, BATCH_BACKOFF, metrics));
        if (!config.eventTopics().isEmpty()) {
            runners.add(new SinkRunner<>(sinkNamed.apply("elasticsearch"), kafkaConfig, config.groupId(),
                    config.eventTopics(), deserializer, deadLetters, BATCH_BACKOFF, metrics));
        }
        return new SinkService("elasticsearch", runners, resources, metrics);
    }
}
