package dev.restoreguard.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreguard.events.Topic;
import dev.restoreguard.events.Topics;
import dev.restoreguard.infra.stack.IndexTemplates;
import dev.restoreguard.infra.stack.LocalStack;
import dev.restoreguard.infra.stack.StackStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The local stack end to end: real broker, real Elasticsearch node, the catalog's topics and templates. */
@WithLocalStack
class LocalStackIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String EVENTS_STREAM = "logs-restoreguard.events-default";

    @Test
    void shouldCreateEveryCatalogTopicWithItsPartitionsAndCleanupPolicy(final TestStack stack) throws Exception {
        try (Admin admin = Admin.create(stack.kafkaConfig())) {
            final List<String> names = Topics.all().stream().map(Topic::name).toList();
            final Map<String, TopicDescription> descriptions =
                    admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
            final Map<ConfigResource, Config> configs = admin.describeConfigs(names.stream()
                    .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList())
                    .all().get(30, TimeUnit.SECONDS);

            for (final Topic<?, ?> topic : Topics.all()) {
                assertThat(descriptions.get(topic.name()).partitions()).as(topic.name()).hasSize(topic.partitions());
                final Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()));
                topic.topicConfig().forEach((key, value) ->
                        assertThat(config.get(key).value()).as(topic.name() + " " + key).isEqualTo(value));
            }
        }
    }

    @Test
    void shouldStampArrivalTimeAgainOnACatalogTopicCreatedWithProducerTimestamps(final TestStack stack) throws Exception {
        final ConfigResource restores = new ConfigResource(ConfigResource.Type.TOPIC, Topics.RESTORES.name());
        final String key = "message.timestamp.type";
        try (Admin admin = Admin.create(stack.kafkaConfig())) {
            // what a topic created before the catalog asked for arrival timestamps looks like
            admin.incrementalAlterConfigs(Map.of(restores, List.of(new AlterConfigOp(new ConfigEntry(key, "CreateTime"),
                    AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
            final List<String> progress = new java.util.ArrayList<>();

            new LocalStack(LocalStackExtension.settings(), progress::add).up();

            final Config config = admin.describeConfigs(List.of(restores)).all().get(30, TimeUnit.SECONDS).get(restores);
            assertThat(config.get(key).value()).isEqualTo("LogAppendTime");
            assertThat(progress).anySatisfy(line -> assertThat(line).contains(Topics.RESTORES.name()).contains(key));
        }
    }

    @Test
    void shouldConsumeWhatWasProducedToACatalogTopic(final TestStack stack) throws Exception {
        final String key = "veeam-01.example.test";
        final String value = "restore session " + UUID.randomUUID();
        final RecordMetadata written;
        final Map<String, Object> producerConfig = stack.kafkaConfig();
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer())) {
            written = producer.send(new ProducerRecord<>(Topics.RAW_VEEAM.name(), key, value)).get(30, TimeUnit.SECONDS);
        }

        final Map<String, Object> consumerConfig = stack.kafkaConfig();
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer())) {
            final TopicPartition partition = new TopicPartition(written.topic(), written.partition());
            consumer.assign(List.of(partition));
            consumer.seek(partition, written.offset());
            final Optional<ConsumerRecord<String, String>> read = pollFor(consumer, record -> record.offset() == written.offset());

            assertThat(read).hasValueSatisfying(record -> {
                assertThat(record.key()).isEqualTo(key);
                assertThat(record.value()).isEqualTo(value);
            });
        }
    }

    @Test
    void shouldIndexAnEventIntoTheEventsDataStreamAndFindItByEventId(final TestStack stack) throws Exception {
        final String eventId = UUID.randomUUID().toString();
        final String document = JSON.writeValueAsString(Map.of(
                "@timestamp", Instant.now().toString(),
                "message", "hosts file of backup-01 changed",
                "event", Map.of("id", eventId, "kind", "event", "category", "configuration", "action", "hosts-changed",
                        "outcome", "success", "dataset", "restoreguard.hosts"),
                "host", Map.of("name", "backup-01"),
                "related", Map.of("hosts", List.of("db-prod-01"), "ip", List.of("10.0.0.5")),
                "restoreguard", Map.of("observer", "backup-01", "diff", Map.of("added", 1))));

        final HttpResponse<String> indexed = send(stack, "POST", "/" + EVENTS_STREAM + "/_doc?refresh=true", document);
        assertThat(indexed.statusCode()).as(indexed.body()).isEqualTo(201);
        assertThat(JSON.readTree(indexed.body()).path("_index").asText()).startsWith(".ds-" + EVENTS_STREAM + "-");

        final HttpResponse<String> found = send(stack, "POST", "/" + EVENTS_STREAM + "/_search",
                "{\"query\":{\"term\":{\"event.id\":\"" + eventId + "\"}}}");
        final JsonNode hits = JSON.readTree(found.body()).path("hits").path("hits");
        assertThat(hits).hasSize(1);
        assertThat(hits.get(0).path("_source").path("host").path("name").asText()).isEqualTo("backup-01");

        final JsonNode mapping = JSON.readTree(send(stack, "GET",
                "/" + EVENTS_STREAM + "/_mapping/field/event.id,related.ip", null).body());
        final JsonNode fields = mapping.elements().next().path("mappings");
        assertThat(fields.at("/event.id/mapping/id/type").asText()).isEqualTo("keyword");
        assertThat(fields.at("/related.ip/mapping/ip/type").asText()).isEqualTo("ip");
    }

    @Test
    void shouldInstallEveryBundledIndexTemplate(final TestStack stack) throws Exception {
        for (final String name : IndexTemplates.load().keySet()) {
            final HttpResponse<String> template = send(stack, "GET", "/_index_template/" + name, null);
            assertThat(template.statusCode()).as(name).isEqualTo(200);
        }
        final HttpResponse<String> alert = send(stack, "PUT", "/restoreguard-alerts/_doc/alert-1?refresh=true",
                "{\"@timestamp\":\"2026-01-01T00:00:00Z\",\"alert\":{\"id\":\"alert-1\",\"severity\":\"high\"},"
                        + "\"event\":{\"severity\":73,\"risk_score\":73.5}}");
        assertThat(alert.statusCode()).as(alert.body()).isIn(200, 201);
        final JsonNode mapping = JSON.readTree(send(stack, "GET", "/restoreguard-alerts/_mapping", null).body());
        assertThat(mapping.at("/restoreguard-alerts/mappings/properties/alert/properties/severity/type").asText())
                .isEqualTo("keyword");
        assertThat(mapping.at("/restoreguard-alerts/mappings/properties/event/properties/risk_score/type").asText())
                .isEqualTo("float");
    }

    @Test
    void shouldTreatASecondUpAsHarmless(final TestStack stack) {
        final LocalStack again = new LocalStack(stack.home());
        final StackStatus before = again.status();

        final StackStatus after = again.up();

        assertThat(after.healthy()).isTrue();
        assertThat(after.kafka().pid()).isEqualTo(before.kafka().pid());
        assertThat(after.elasticsearch().pid()).isEqualTo(before.elasticsearch().pid());
        assertThat(after.kafka().address()).isEqualTo(stack.bootstrapServers());
    }

    private static <K, V> Optional<ConsumerRecord<K, V>> pollFor(final KafkaConsumer<K, V> consumer,
            final java.util.function.Predicate<ConsumerRecord<K, V>> wanted) {
        final Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            for (final ConsumerRecord<K, V> record : consumer.poll(Duration.ofMillis(500))) {
                if (wanted.test(record)) {
                    return Optional.of(record);
                }
            }
        }
        return Optional.empty();
    }

    private static HttpResponse<String> send(final TestStack stack, final String method, final String path,
            final String body) throws IOException, InterruptedException {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.elasticsearchUrl() + path.substring(1)))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
