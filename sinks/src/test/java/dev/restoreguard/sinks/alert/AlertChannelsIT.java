package dev.restoreguard.sinks.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.events.alert.Severity;
import dev.restoreguard.sinks.Await;
import dev.restoreguard.sinks.Fixtures;
import dev.restoreguard.sinks.Kafka;
import dev.restoreguard.sinks.alert.config.AlertsConfig;
import dev.restoreguard.sinks.alert.config.ChannelConfig;
import dev.restoreguard.sinks.alert.config.EmailConfig;
import dev.restoreguard.sinks.alert.config.PagerDutyConfig;
import dev.restoreguard.sinks.alert.config.Route;
import dev.restoreguard.sinks.alert.config.SlackConfig;
import dev.restoreguard.sinks.alert.config.SyslogConfig;
import dev.restoreguard.sinks.alert.config.TeamsConfig;
import dev.restoreguard.sinks.alert.config.WebhookConfig;
import dev.restoreguard.sinks.retry.CircuitBreaker;
import dev.restoreguard.sinks.retry.RetryPolicy;
import dev.restoreguard.sinks.service.Metrics;
import dev.restoreguard.sinks.service.SinkService;
import dev.restoreguard.testkit.TestStack;
import dev.restoreguard.testkit.WithLocalStack;
import jakarta.mail.internet.MimeMessage;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The alert channels against real receivers on loopback (HTTP servers shaped like a Standard
 * Webhooks consumer, Slack, Teams and PagerDuty; GreenMail for SMTP; a TCP syslog listener) and the
 * real broker: every channel runs in its own consumer group from a private alerts topic.
 */
@WithLocalStack
class AlertChannelsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString("0123456789abcdef01234567".getBytes(StandardCharsets.US_ASCII));
    private static final String PD_KEY = "R0123456789abcdef0123456789abcde";
    private static final RetryPolicy FAST = new RetryPolicy(3, 50L, 200L);
    private static final CircuitBreaker.Settings BREAKER = new CircuitBreaker.Settings(3, 300L);

    @RegisterExtension
    static final GreenMailExtension GREEN_MAIL = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());

    private final String suffix = Kafka.unique("");
    private final String alertsTopic = "it.alerts." + suffix;
    private final String deliveries = "it.deliveries." + suffix;
    private final String dlq = "it.dlq." + suffix;

    private SinkService start(final TestStack stack, final List<ChannelConfig> channels) throws Exception {
        Kafka.createTopics(stack, 3, alertsTopic, deliveries, dlq);
        final AlertsConfig config = new AlertsConfig("https://kibana.example/app/discover#/?q={alert.id}", alertsTopic,
                deliveries, dlq, "it-alerts-" + suffix + "-", channels);
        final SinkService service = AlertsService.create(config, stack.kafkaConfig(), new Metrics(),
                new RetryPolicy(Integer.MAX_VALUE, 100L, 500L), Clock.systemUTC());
        service.start();
        return service;
    }

    private void publish(final TestStack stack, final List<Alert> alerts) throws Exception {
        final List<Map.Entry<String, Object>> records = new ArrayList<>();
        alerts.forEach(a -> records.add(Map.entry(a.alert().id(), a)));
        Kafka.produce(stack, alertsTopic, records);
    }

    @Test
    void shouldSignWebhooksSoThatTheReceiverVerifiesThem(final TestStack stack) throws Exception {
        final List<String> verified = new CopyOnWriteArrayList<>();
        try (Receiver receiver = new Receiver(request -> {
            boolean valid;
            try {
                verified.add(new WebhookVerifier(SECRET).verify(request.headers(), request.body()));
                valid = true;
            } catch (final WebhookVerifier.RejectedException e) {
                valid = false;
            }
            return new Receiver.Answer(valid ? 204 : 401, "");
        }); SinkService service = start(stack, List.of(
                new WebhookConfig("soar", null, FAST, BREAKER, null, receiver.url("/hook"), SECRET)))) {
            final Alert open = Fixtures.alert(Alert.OPEN);
            publish(stack, List.of(open, open.withStatus(Alert.RETRACTED)));
            Await.until("two verified webhooks", TIMEOUT, () -> verified.size() >= 2);
            assertThat(verified).doesNotHaveDuplicates().allSatisfy(id -> assertThat(id).startsWith(open.alert().id()));
            final JsonNode body = Json.MAPPER.readTree(receiver.requests.getFirst().body());
            assertThat(body.path("type").asText()).isEqualTo("restoreguard.alert.open");
            assertThat(body.at("/data/alert/alert/id").asText()).isEqualTo(open.alert().id());
            assertThat(body.at("/data/message/check_first").asText()).isNotBlank();
        }
    }

    @Test
    void shouldTriggerAndResolvePagerDutyAndPostToSlackAndTeams(final TestStack stack) throws Exception {
        try (Receiver receiver = new Receiver(AlertChannelsIT::pagerDutyOrChat)) {
            final Route highOnly = new Route("high", null, null, null);
            try (SinkService service = start(stack, List.of(
                    new PagerDutyConfig("oncall", highOnly, FAST, BREAKER, null, receiver.url("/v2/enqueue"), PD_KEY),
                    new SlackConfig("secops", null, FAST, BREAKER, null, receiver.url("/slack")),
                    new TeamsConfig("dba", null, FAST, BREAKER, null, receiver.url("/teams"))))) {
                final Alert open = Fixtures.alert(Alert.OPEN);
                final Alert medium = Fixtures.alert("RG-006", "restore:veeam:unknown", Severity.MEDIUM, Alert.OPEN, List.of());
                publish(stack, List.of(open, medium, open.withStatus(Alert.RETRACTED)));
                Await.until("PagerDuty trigger and resolve, 3 Slack and 3 Teams posts", TIMEOUT,
                        () -> receiver.accepted("/v2/enqueue").size() >= 2 && receiver.accepted("/slack").size() >= 3
                                && receiver.accepted("/teams").size() >= 3);
                final List<JsonNode> events = new ArrayList<>();
                for (final Receiver.Request r : receiver.accepted("/v2/enqueue")) {
                    events.add(Json.MAPPER.readTree(r.body()));
                }
                assertThat(events).extracting(e -> e.path("event_action").asText()).containsExactly("trigger", "resolve");
                assertThat(events).extracting(e -> e.path("dedup_key").asText()).containsOnly(open.alert().id());
                assertThat(receiver.accepted("/v2/enqueue")).as("medium is not routed to the pager").hasSize(2);
                assertThat(service.ready()).isTrue();
            }
        }
    }

    /** PagerDuty's Events API v2 validation and answers, Slack's "ok", Teams' 202. */
    private static Receiver.Answer pagerDutyOrChat(final Receiver.Request request) {
        try {
            final JsonNode body = Json.MAPPER.readTree(request.body());
            return switch (request.path()) {
                case "/v2/enqueue" -> {
                    final String action = body.path("event_action").asText();
                    final boolean valid = body.path("routing_key").asText().length() == 32 && body.hasNonNull("dedup_key")
                            && (action.equals("resolve") || action.equals("trigger")
                            && body.at("/payload/summary").isTextual() && body.at("/payload/source").isTextual()
                            && List.of("critical", "error", "warning", "info").contains(body.at("/payload/severity").asText()));
                    yield valid ? new Receiver.Answer(202, "{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\""
                            + body.path("dedup_key").asText() + "\"}")
                            : new Receiver.Answer(400, "{\"status\":\"invalid event\",\"message\":\"Event object is invalid\"}");
                }
                case "/slack" -> body.path("blocks").isArray() && body.hasNonNull("text")
                        ? new Receiver.Answer(200, "ok") : new Receiver.Answer(400, "invalid_blocks");
                case "/teams" -> "AdaptiveCard".equals(body.at("/attachments/0/content/type").asText())
                        ? new Receiver.Answer(202, "") : new Receiver.Answer(400, "{\"error\":\"bad card\"}");
                default -> new Receiver.Answer(404, "");
            };
        } catch (IOException e) {
            return new Receiver.Answer(400, "not json");
        }
    }

    @Test
    void shouldEmailAnOperatorOverSmtp(final TestStack stack) throws Exception {
        final int port = GREEN_MAIL.getSmtp().getPort();
        try (SinkService service = start(stack, List.of(new EmailConfig("dba-mail", null, FAST, BREAKER, null,
                "127.0.0.1", port, "none", null, null, "restoreguard@corp.example", List.of("dba-oncall@corp.example"))))) {
            final Alert open = Fixtures.alert(Alert.OPEN);
            publish(stack, List.of(open));
            Await.until("one mail", TIMEOUT, () -> GREEN_MAIL.getReceivedMessages().length >= 1);
            final MimeMessage mail = GREEN_MAIL.getReceivedMessages()[0];
            assertThat(mail.getSubject()).isEqualTo("RestoreGuard: [CRITICAL] Restore into production without an approved change on vbr01.corp.example");
            assertThat(mail.getMessageID()).startsWith("<" + open.alert().id());
            assertThat(mail.getHeader("References")[0]).isEqualTo("<" + open.alert().id() + "@restoreguard>");
            assertThat(((String) mail.getContent())).contains("Why:", "Check first:", "10.20.1.15");
        }
    }

    @Test
    void shouldWriteRfc5424FramesToATcpSyslogListener(final TestStack stack) throws Exception {
        final List<String> frames = new CopyOnWriteArrayList<>();
        try (ServerSocket listener = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            final Thread reader = Thread.ofVirtual().start(() -> readFrames(listener, frames));
            try (SinkService service = start(stack, List.of(new SyslogConfig("siem", null, FAST, BREAKER, null,
                    "127.0.0.1", listener.getLocalPort(), "tcp", "authpriv", null)))) {
                final Alert open = Fixtures.alert(Alert.OPEN);
                publish(stack, List.of(open, open.withStatus(Alert.RETRACTED)));
                Await.until("two syslog frames", TIMEOUT, () -> frames.size() >= 2);
                // authpriv (10) * 8 + crit (2) = 82; the retraction is info (6) = 86
                assertThat(frames.get(0)).startsWith("<82>1 ").contains("[restoreguard@32473 alert_id=\"" + open.alert().id() + "\"");
                assertThat(frames.get(1)).startsWith("<86>1 ").contains("status=\"retracted\"");
            }
            reader.interrupt();
        }
    }

    private static void readFrames(final ServerSocket listener, final List<String> frames) {
        try (Socket socket = listener.accept(); DataInputStream in = new DataInputStream(socket.getInputStream())) {
            while (true) {
                final StringBuilder length = new StringBuilder();
                int c;
                while ((c = in.read()) != ' ') {
                    if (c < 0) {
                        return;
                    }
                    length.append((char) c);
                }
                final byte[] frame = new byte[Integer.parseInt(length.toString())];
                in.readFully(frame);
                frames.add(new String(frame, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // listener closed at the end of the test
        }
    }

    @Test
    void shouldDeliverEveryAlertAfterTheReceiverRecoversAndEachAtMostTwice(final TestStack stack) throws Exception {
        final AtomicInteger seen = new AtomicInteger();
        final int failures = 12; // the first 12 requests fail: retries run out and the circuit opens, repeatedly
        final Function<Receiver.Request, Receiver.Answer> flaky = request -> seen.incrementAndGet() <= failures
                ? new Receiver.Answer(503, "{\"error\":\"maintenance\"}") : new Receiver.Answer(200, "{}");
        try (Receiver receiver = new Receiver(flaky)) {
            final String receiverUrl = receiver.url("/hook");
            try (SinkService service = start(stack, List.of(
                    new WebhookConfig("flaky", null, FAST, BREAKER, null, receiverUrl, SECRET)))) {
                final List<Alert> alerts = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    alerts.add(Fixtures.alert("RG-003", "hosts:vbr01.corp.example:name-" + i + ".corp.example:10.20.1." + i,
                            Severity.HIGH, Alert.OPEN, List.of("10.20.1." + i)));
                }
                publish(stack, alerts);
                Await.until("all 20 alerts accepted", TIMEOUT, () -> receiver.accepted("/hook").stream()
                        .map(r -> r.header("webhook-id")).distinct().count() == 20);
                final Map<String, Long> perId = receiver.accepted("/hook").stream()
                        .collect(Collectors.groupingBy(r -> r.header("webhook-id"), Collectors.counting()));
                assertThat(perId).hasSize(20);
                assertThat(perId.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2));
                assertThat(receiver.requests.stream().filter(r -> r.answeredWith() == 503).count()).isEqualTo(failures);
            }
            final List<ConsumerRecord<byte[], byte[]>> log = Kafka.readUntil(stack, deliveries, r -> r.stream()
                    .filter(x -> new String(x.value(), StandardCharsets.UTF_8).contains("\"outcome\":\"delivered\"")).count() >= 20,
                    TIMEOUT);
            final List<String> outcomes = log.stream().map(r -> {
                try {
                    return Json.MAPPER.readTree(r.value()).path("outcome").asText();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
            assertThat(outcomes).filteredOn("delivered"::equals).hasSize(20);
            assertThat(outcomes).contains("failed");
        }
    }
}
