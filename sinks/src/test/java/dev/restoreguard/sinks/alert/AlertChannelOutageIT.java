package dev.restoreguard.sinks.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.events.alert.Severity;
import dev.restoreguard.sinks.Await;
import dev.restoreguard.sinks.Fixtures;
import dev.restoreguard.sinks.Kafka;
import dev.restoreguard.sinks.alert.config.AlertsConfig;
import dev.restoreguard.sinks.alert.config.WebhookConfig;
import dev.restoreguard.sinks.retry.CircuitBreaker;
import dev.restoreguard.sinks.retry.RetryPolicy;
import dev.restoreguard.sinks.service.Metrics;
import dev.restoreguard.sinks.service.SinkService;
import dev.restoreguard.testkit.FaultSettings;
import dev.restoreguard.testkit.TestStack;
import dev.restoreguard.testkit.WithLocalStack;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 9, fault test 4: the webhook receiver is down for {@link FaultSettings#outage()} (3 s in
 * CI, 2 min with {@code -Psoak}): the first half it answers 503, the second half its port refuses
 * connections. Alerts keep arriving all along. Afterwards every alert must be delivered, each
 * alert id at most twice, and the delivery log ({@code deliveries} topic) must show the failed
 * attempts and one delivery per alert.
 */
@WithLocalStack
class AlertChannelOutageIT {

    private static final Logger LOGGER = LoggerFactory.getLogger(AlertChannelOutageIT.class);
    private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(
            "outage-secret-0123456789".getBytes(StandardCharsets.US_ASCII));
    private static final int BEFORE = 5;
    private static final int DURING = 20;
    private static final int AFTER = 5;

    @Test
    void shouldDeliverEveryAlertAfterTheReceiverWasDownAndEachAtMostTwice(final TestStack stack) throws Exception {
        final Duration outage = FaultSettings.outage();
        final Duration timeout = outage.plus(Duration.ofSeconds(90));
        final String suffix = Kafka.unique("");
        final String alertsTopic = "it.outage.alerts." + suffix;
        final String deliveries = "it.outage.deliveries." + suffix;
        final String dlq = "it.outage.dlq." + suffix;
        Kafka.createTopics(stack, 3, alertsTopic, deliveries, dlq);

        final Endpoint endpoint = new Endpoint();
        try {
            final AlertsConfig config = new AlertsConfig("https://kibana.example/app/discover#/?q={alert.id}",
                    alertsTopic, deliveries, dlq, "it-outage-" + suffix + "-", List.of(new WebhookConfig("receiver",
                            null, new RetryPolicy(3, 50L, 200L), new CircuitBreaker.Settings(3, 300L), null,
                            endpoint.url(), SECRET)));
            final List<Alert> alerts = new ArrayList<>();
            final Map<String, Object> producerConfig = stack.kafkaConfig();
            producerConfig.put("acks", "all");
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(),
                    new ByteArraySerializer());
                    SinkService service = AlertsService.create(config, stack.kafkaConfig(), new Metrics(),
                            new RetryPolicy(Integer.MAX_VALUE, 100L, 1000L), Clock.systemUTC())) {
                service.start();
                publish(producer, alertsTopic, alerts, 0, BEFORE);
                Await.until("alerts before the outage delivered", timeout, () -> endpoint.acceptedIds().size() == BEFORE);

                // down: 503 for the first half, connection refused for the second, alerts keep coming
                final long downAt = System.nanoTime();
                endpoint.answer(503);
                final long step = outage.toMillis() / DURING;
                for (int i = 0; i < DURING; i++) {
                    if (i == DURING / 2) {
                        endpoint.stop();
                    }
                    publish(producer, alertsTopic, alerts, BEFORE + i, 1);
                    Thread.sleep(step); // pacing of the alert stream through the outage, not a wait for a result
                }
                final int answeredWhileDown = endpoint.failedRequests.get();
                endpoint.start(200);
                final long upAt = System.nanoTime();
                publish(producer, alertsTopic, alerts, BEFORE + DURING, AFTER);

                final int total = BEFORE + DURING + AFTER;
                Await.until("every alert delivered after the outage", timeout,
                        () -> endpoint.acceptedIds().size() == total);
                final Duration catchUp = Duration.ofNanos(System.nanoTime() - upAt);
                final Map<String, Long> perId = endpoint.accepted.stream()
                        .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
                final long twice = perId.values().stream().filter(n -> n == 2).count();
                final long more = perId.values().stream().filter(n -> n > 2).count();

                final List<ConsumerRecord<byte[], byte[]>> log = Kafka.readUntil(stack, deliveries,
                        r -> outcomes(r).stream().filter("delivered"::equals).count() >= total, timeout);
                final Map<String, Long> byOutcome = outcomes(log).stream()
                        .collect(Collectors.groupingBy(o -> o, Collectors.counting()));
                final Set<String> deliveredIds = log.stream().map(AlertChannelOutageIT::json)
                        .filter(n -> "delivered".equals(n.path("outcome").asText()))
                        .map(n -> n.path("alertId").asText(n.path("alert_id").asText())).collect(Collectors.toSet());
                LOGGER.atInfo().addKeyValue("outage_ms", outage.toMillis()).addKeyValue("alerts", total)
                        .addKeyValue("delivered_ids", perId.size()).addKeyValue("delivered_twice", twice)
                        .addKeyValue("answered_503_while_down", answeredWhileDown)
                        .addKeyValue("delivery_log", byOutcome).addKeyValue("catch_up_ms", catchUp.toMillis())
                        .log("Alert channel outage");
                System.out.printf("FAULT webhook-outage outage_s=%.1f alerts=%d delivered=%d lost=%d twice=%d "
                                + "more_than_twice=%d answered_503=%d down_s=%.1f catch_up_s=%.1f log=%s%n",
                        outage.toMillis() / 1000.0, total, perId.size(), total - perId.size(), twice, more,
                        answeredWhileDown, (upAt - downAt) / 1e9, catchUp.toMillis() / 1000.0, byOutcome);

                assertThat(perId.keySet()).as("every alert delivered")
                        .containsExactlyInAnyOrderElementsOf(alerts.stream().map(a -> a.alert().id()).toList());
                assertThat(perId.values()).as("deliveries per alert id").allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2));
                assertThat(answeredWhileDown).as("requests answered 503 during the outage").isPositive();
                assertThat(byOutcome.getOrDefault("failed", 0L)).as("failed attempts in the delivery log").isPositive();
                assertThat(byOutcome.getOrDefault("delivered", 0L)).as("deliveries logged").isGreaterThanOrEqualTo(total);
                assertThat(deliveredIds).as("alert ids logged as delivered").hasSize(total);
            }
        } finally {
            endpoint.stop();
        }
    }

    /** Publishes alerts {@code first..first+count-1} with one long-lived producer (the engine's role), acks=all. */
    private static void publish(final KafkaProducer<byte[], byte[]> producer, final String topic, final List<Alert> alerts,
                                final int first, final int count) throws Exception {
        for (int i = first; i < first + count; i++) {
            final Alert a = Fixtures.alert("RG-003", "hosts:vbr01.corp.example:outage-" + i + ".corp.example:10.20.2." + i,
                    Severity.HIGH, Alert.OPEN, List.of("10.20.2." + i));
            alerts.add(a);
            producer.send(new ProducerRecord<>(topic, a.alert().id().getBytes(StandardCharsets.UTF_8),
                    Json.MAPPER.writeValueAsBytes(a))).get();
        }
    }

    private static List<String> outcomes(final List<ConsumerRecord<byte[], byte[]>> log) {
        return log.stream().map(r -> json(r).path("outcome").asText()).toList();
    }

    private static JsonNode json(final ConsumerRecord<byte[], byte[]> r) {
        try {
            return Json.MAPPER.readTree(r.value());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A webhook receiver on a fixed loopback port that can answer with an error status or be
     * stopped (its port then refuses connections) and started again on the same port.
     */
    private static final class Endpoint {
        private final int port;
        private final AtomicInteger status = new AtomicInteger(200);
        private final AtomicInteger failedRequests = new AtomicInteger();
        /** Alert ids (the body's alert.id) of every request answered 2xx, repeats included. */
        private final List<String> accepted = java.util.Collections.synchronizedList(new ArrayList<>());
        private HttpServer server;

        Endpoint() throws IOException {
            server = create(0);
            port = server.getAddress().getPort();
        }

        private HttpServer create(final int bindPort) throws IOException {
            final HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", bindPort), 0);
            s.createContext("/", exchange -> {
                final byte[] body = exchange.getRequestBody().readAllBytes();
                final int answer = status.get();
                if (answer / 100 == 2) {
                    accepted.add(Json.MAPPER.readTree(body).at("/data/alert/alert/id").asText());
                } else {
                    failedRequests.incrementAndGet();
                }
                exchange.sendResponseHeaders(answer, -1);
                exchange.close();
            });
            s.start();
            return s;
        }

        String url() {
            return "http://127.0.0.1:" + port + "/hook";
        }

        void answer(final int code) {
            status.set(code);
        }

        synchronized void stop() {
            if (server != null) {
                server.stop(0);
                server = null;
            }
        }

        synchronized void start(final int code) throws IOException {
            status.set(code);
            if (server == null) {
                server = create(port);
            }
        }

        Set<String> acceptedIds() {
            synchronized (accepted) {
                return Set.copyOf(accepted);
            }
        }
    }
}
