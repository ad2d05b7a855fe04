package dev.restoreguard.sinks.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.events.alert.Severity;
import dev.restoreguard.sinks.Await;
import dev.restoreguard.sinks.Fixtures;
import dev.restoreguard.sinks.Kafka;
import dev.restoreguard.sinks.service.Metrics;
import dev.restoreguard.sinks.service.SinkService;
import dev.restoreguard.testkit.TestStack;
import dev.restoreguard.testkit.WithLocalStack;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Elasticsearch sink against the real local node and broker: the incident scenario's events and
 * alerts end up searchable with the template's mappings, the retraction replaces the open alert in
 * the latest-state index, a second run over the same offsets adds nothing, and refused or unreadable
 * records land in the dead-letter topic. Topics, data streams (namespace) and the latest-state index
 * are private to this class.
 */
@WithLocalStack
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ElasticsearchSinkIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final String suffix = Kafka.unique("").toLowerCase();
    private final String eventsTopic = "it.es." + suffix + ".events";
    private final String alertsTopic = "it.es." + suffix + ".alerts";
    private final String dlqTopic = "it.es." + suffix + ".dlq";
    private final String namespace = "it" + suffix;
    private final String latestIndex = "restoreguard-alerts-it" + suffix;
    private final String eventsStream = "logs-restoreguard.events-" + namespace;
    private final String alertsStream = "logs-restoreguard.alerts-" + namespace;
    private TestStack stack;
    private Es es;
    private Alert open;
    private Alert retracted;
    private Alert unmappable;

    @BeforeAll
    void publishTheScenario(final TestStack testStack) throws Exception {
        stack = testStack;
        es = new Es(stack);
        Kafka.createTopics(stack, 3, eventsTopic, alertsTopic, dlqTopic);
        final List<Map.Entry<String, Object>> events = new ArrayList<>();
        for (final Envelope event : Fixtures.events()) {
            events.add(Map.entry(event.observer() == null ? event.kind() : event.observer(), event));
        }
        // a record no reader can decode: it must reach the DLQ with its bytes, not stop the sink
        events.add(Map.entry("garbage", "{\"event_id\": \"x\", \"kind\": \"restore\"".getBytes(StandardCharsets.UTF_8)));
        Kafka.produce(stack, eventsTopic, events);

        open = Fixtures.alert(Alert.OPEN);
        retracted = open.withStatus(Alert.RETRACTED);
        // related.ip is mapped as ip: Elasticsearch refuses this document for good (a mapping error)
        unmappable = Fixtures.alert("RG-006", "restore:veeam:bad-ip", Severity.MEDIUM, Alert.OPEN, List.of("not-an-ip"));
        Kafka.produce(stack, alertsTopic, List.of(
                Map.entry(open.alert().id(), open),
                Map.entry(retracted.alert().id(), retracted),
                Map.entry(unmappable.alert().id(), unmappable)));
    }

    private ElasticsearchSinkConfig config(final String group) {
        return ElasticsearchSinkConfig.DEFAULT.withUrls(List.of(stack.elasticsearchUrl().toString()))
                .withTopology(group, List.of(eventsTopic), alertsTopic, dlqTopic, namespace, latestIndex);
    }

    /** The events' group consumed the events topic and the alerts' group the alerts topic. */
    private boolean consumedBoth(final String group) throws Exception {
        return Kafka.caughtUp(stack, group, Set.of(eventsTopic))
                && Kafka.caughtUp(stack, config(group).alertsGroupId(), Set.of(alertsTopic));
    }

    private SinkService startSink(final String group, final Metrics metrics) throws Exception {
        final SinkService service = ElasticsearchSinkService.create(config(group), stack.kafkaConfig(), Map.of(), metrics);
        service.start();
        return service;
    }

    @Test
    @Order(1)
    void shouldIndexEventsAndEveryAlertVersionAndKeepTheLatestState() throws Exception {
        final String group = "it-es-" + suffix;
        try (SinkService service = startSink(group, new Metrics())) {
            Await.until("the sink consumed both topics", TIMEOUT, () -> consumedBoth(group));
            assertThat(service.ready()).isTrue();
        }
        assertThat(es.count(eventsStream, null)).isEqualTo(Fixtures.events().size());
        assertThat(es.count(alertsStream, null)).as("open and retracted versions are both kept").isEqualTo(2);
        assertThat(es.count(latestIndex, null)).isEqualTo(1);

        final JsonNode latest = es.search(latestIndex, "{\"term\":{\"alert.id\":\"" + open.alert().id() + "\"}}");
        assertThat(latest).hasSize(1);
        assertThat(latest.get(0).path("_id").asText()).isEqualTo(open.alert().id());
        assertThat(latest.get(0).at("/_source/alert/status").asText()).as("the retraction replaced the open alert")
                .isEqualTo("retracted");

        final JsonNode restore = es.search(eventsStream, "{\"term\":{\"event.id\":\"" + Fixtures.restore().eventId() + "\"}}");
        assertThat(restore).hasSize(1);
        assertThat(restore.get(0).path("_id").asText()).isEqualTo(Fixtures.restore().eventId());
        assertThat(restore.get(0).at("/_source/host/target/name").asText()).isEqualTo("sql-dev-01.corp.example");
        assertThat(restore.get(0).at("/_source/event/ingested").asText()).isNotBlank();
    }

    @Test
    @Order(2)
    void shouldMapFieldsWithTheTemplateTypes() throws Exception {
        assertThat(es.type(eventsStream, "@timestamp")).isEqualTo("date");
        assertThat(es.type(eventsStream, "event.ingested")).isEqualTo("date");
        assertThat(es.type(eventsStream, "event.id")).isEqualTo("keyword");
        assertThat(es.type(eventsStream, "event.category")).isEqualTo("keyword");
        assertThat(es.type(eventsStream, "related.ip")).isEqualTo("ip");
        assertThat(es.type(eventsStream, "related.hosts")).isEqualTo("keyword");
        assertThat(es.type(eventsStream, "host.target.name")).isEqualTo("keyword");
        assertThat(es.type(eventsStream, "file.path")).isEqualTo("keyword");
        assertThat(es.type(eventsStream, "dns.question.name")).isEqualTo("keyword");
        assertThat(es.type(eventsStream, "restoreguard.hosts.entries.address")).isEqualTo("ip");
        assertThat(es.type(eventsStream, "restoreguard.hosts.content")).isEqualTo("text");
        assertThat(es.type(eventsStream, "restoreguard.approval.window.start")).isEqualTo("date");
        assertThat(es.type(eventsStream, "restoreguard.inventory.networks.cidr")).isEqualTo("ip_range");
        assertThat(es.type(eventsStream, "message")).isEqualTo("text");

        assertThat(es.type(alertsStream, "alert.reason")).isEqualTo("text");
        assertThat(es.type(alertsStream, "alert.severity")).isEqualTo("keyword");
        assertThat(es.type(alertsStream, "event.severity")).isEqualTo("long");
        assertThat(es.type(alertsStream, "event.risk_score")).isEqualTo("float");
        assertThat(es.type(alertsStream, "rule.id")).isEqualTo("keyword");
        assertThat(es.type(alertsStream, "restoreguard.evidence")).isEqualTo("flattened");
        assertThat(es.type(latestIndex, "related.ip")).isEqualTo("ip");
    }

    @Test
    @Order(3)
    void shouldFindTheIncidentByWhatAnAnalystSearches() throws Exception {
        assertThat(es.count(eventsStream, "{\"term\":{\"related.ip\":\"10.20.0.0/16\"}}"))
                .as("CIDR search over related.ip: the hosts change, the DNS add, the inventory").isGreaterThanOrEqualTo(2);
        assertThat(es.count(eventsStream, "{\"term\":{\"dns.question.name\":\"app01.corp.example\"}}")).isEqualTo(1);
        assertThat(es.count(eventsStream, "{\"term\":{\"file.path\":\"C:\\\\Windows\\\\System32\\\\drivers\\\\etc\\\\hosts\"}}")).isEqualTo(1);
        assertThat(es.count(eventsStream, "{\"match\":{\"message\":\"restore sql-dev-01\"}}")).isGreaterThanOrEqualTo(1);
        assertThat(es.count(alertsStream, "{\"bool\":{\"filter\":[{\"term\":{\"event.kind\":\"alert\"}},"
                + "{\"range\":{\"event.severity\":{\"gte\":73}}},{\"match\":{\"alert.reason\":\"hosts file\"}}]}}")).isEqualTo(2);
        assertThat(es.count(alertsStream, "{\"term\":{\"restoreguard.evidence.effective.environment\":\"production\"}}"))
                .as("evidence is searchable as flattened keywords").isEqualTo(2);
        assertThat(es.count(eventsStream, "{\"term\":{\"restoreguard.inventory.networks.cidr\":\"10.20.1.15\"}}"))
                .as("which network contains an IP").isEqualTo(1);
    }

    @Test
    @Order(4)
    void shouldSendRefusedAndUnreadableRecordsToTheDeadLetterTopic() {
        final List<ConsumerRecord<byte[], byte[]>> dead = Kafka.readUntil(stack, dlqTopic, r -> r.size() >= 2, TIMEOUT);
        assertThat(dead).hasSize(2);
        final ConsumerRecord<byte[], byte[]> refused = dead.stream()
                .filter(r -> header(r, "dlq.stage").equals("sink.elasticsearch.index")).findFirst().orElseThrow();
        assertThat(header(refused, "dlq.topic")).isEqualTo(alertsTopic);
        assertThat(header(refused, "dlq.reason")).contains("related.ip").contains("400");
        assertThat(new String(refused.key(), StandardCharsets.UTF_8)).isEqualTo(unmappable.alert().id());
        assertThat(new String(refused.value(), StandardCharsets.UTF_8)).contains("not-an-ip");

        final ConsumerRecord<byte[], byte[]> unreadable = dead.stream()
                .filter(r -> header(r, "dlq.stage").equals("sink.elasticsearch.deserialize")).findFirst().orElseThrow();
        assertThat(header(unreadable, "dlq.topic")).isEqualTo(eventsTopic);
        assertThat(header(unreadable, "dlq.reason")).startsWith("cannot deserialize the value");
        assertThat(header(unreadable, "dlq.offset")).isNotBlank();
        assertThat(new String(unreadable.value(), StandardCharsets.UTF_8)).startsWith("{\"event_id\"");
    }

    @Test
    @Order(5)
    void shouldCreateNoDuplicatesWhenRerunOnTheSameOffsets() throws Exception {
        final String group = "it-es-rerun-" + suffix;
        final Metrics metrics = new Metrics();
        try (SinkService service = startSink(group, metrics)) {
            Await.until("the second run consumed both topics", TIMEOUT,
                    () -> consumedBoth(group));
        }
        assertThat(es.count(eventsStream, null)).isEqualTo(Fixtures.events().size());
        assertThat(es.count(alertsStream, null)).isEqualTo(2);
        assertThat(es.count(latestIndex, null)).isEqualTo(1);
        assertThat(metrics.counter("restoreguard_sink_es_documents_total", "target", eventsStream, "result", "duplicate"))
                .as("409 on create counted as already written").isEqualTo(Fixtures.events().size());
        assertThat(es.search(latestIndex, "{\"match_all\":{}}").get(0).at("/_source/alert/status").asText())
                .as("replaying the older open version does not resurrect it").isEqualTo("retracted");
    }

    private static String header(final ConsumerRecord<byte[], byte[]> record, final String name) {
        final var header = record.headers().lastHeader(name);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }
}
