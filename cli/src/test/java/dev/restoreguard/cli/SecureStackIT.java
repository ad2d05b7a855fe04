package dev.restoreguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.JsonSerde;
import dev.restoreguard.events.Topics;
import dev.restoreguard.infra.stack.StackSecurity;
import dev.restoreguard.infra.stack.StackSecurity.Principal;
import dev.restoreguard.producers.config.CollectorConfig;
import dev.restoreguard.producers.runtime.CollectorKinds;
import dev.restoreguard.producers.runtime.CollectorService;
import dev.restoreguard.producers.scenario.Routed;
import dev.restoreguard.producers.scenario.ScenarioReader;
import dev.restoreguard.sinks.alert.AlertsService;
import dev.restoreguard.sinks.alert.WebhookVerifier;
import dev.restoreguard.sinks.alert.config.AlertsConfig;
import dev.restoreguard.sinks.alert.config.WebhookConfig;
import dev.restoreguard.sinks.elasticsearch.ElasticsearchSinkConfig;
import dev.restoreguard.sinks.elasticsearch.ElasticsearchSinkService;
import dev.restoreguard.sinks.service.Metrics;
import dev.restoreguard.sinks.service.SinkService;
import dev.restoreguard.streams.app.CorrelationApp;
import dev.restoreguard.streams.app.EngineConfig;
import dev.restoreguard.testkit.SecureTestStack;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secure local stack ({@code stack up --secure}) against real processes: the broker refuses
 * writes outside each principal's topics and clients without valid SCRAM credentials over TLS;
 * a hosts-file collector, the engine, the Elasticsearch sink and the alert sink each run with their
 * own principal end to end; the sink's Elasticsearch credentials cannot delete or overwrite
 * history; and no configured secret (or its base64 form) appears in any log of the run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecureStackIT {

    private static final Duration DEADLINE = Duration.ofSeconds(180);
    private static final Path SCENARIO = Path.of("../streams/src/test/resources/scenarios/01-friday-restore-incident.jsonl");
    private static final Path TEST_LOG = Path.of(System.getProperty("restoreguard.test.log", "target/test-logs/cli-tests.log"));
    private static final String WEBHOOK_SECRET = "whsec_" + Base64.getEncoder().encodeToString(random(32));
    private static final Map<String, Principal> WRITER = Map.of(
            Topics.INVENTORY.name(), Principal.INVENTORY,
            Topics.DNS.name(), Principal.COLLECTOR_DNS_ZONE,
            Topics.APPROVALS.name(), Principal.APPROVAL_BRIDGE,
            Topics.HOSTS.name(), Principal.COLLECTOR_HOSTS_FILE,
            Topics.RESTORES.name(), Principal.COLLECTOR_RESTORES);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private SecureTestStack stack;
    private final List<AutoCloseable> running = new ArrayList<>();

    // Static: the collector and the engine keep their state here until @AfterAll stops them.
    @TempDir
    static Path tmp;

    @BeforeAll
    void startStack() {
        stack = SecureTestStack.start();
    }

    @AfterAll
    void stopStack() throws Exception {
        for (final AutoCloseable closeable : running.reversed()) {
            closeable.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void shouldRefuseWritesOutsideEachPrincipalsTopics() throws Exception {
        assertThat(send(Principal.COLLECTOR_HOSTS_FILE, Topics.HOSTS.name()).topic()).isEqualTo(Topics.HOSTS.name());
        assertThat(send(Principal.APPROVAL_BRIDGE, Topics.APPROVALS.name()).topic()).isEqualTo(Topics.APPROVALS.name());

        for (final Principal intruder : List.of(Principal.COLLECTOR_HOSTS_FILE, Principal.ENGINE,
                Principal.SINK_ELASTICSEARCH, Principal.INVENTORY)) {
            assertThatThrownBy(() -> send(intruder, Topics.APPROVALS.name())).as(intruder + " writing approvals")
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
        }
        assertThatThrownBy(() -> send(Principal.COLLECTOR_HOSTS_FILE, Topics.RESTORES.name()))
                .hasCauseInstanceOf(TopicAuthorizationException.class);
        assertThatThrownBy(() -> send(Principal.COLLECTOR_RESTORES, Topics.ALERTS.name()))
                .hasCauseInstanceOf(TopicAuthorizationException.class);
    }

    @Test
    @Order(2)
    void shouldRefuseClientsWithoutValidCredentialsOverTls() {
        final Map<String, Object> wrongPassword = stack.kafkaConfig(Principal.APPROVAL_BRIDGE);
        wrongPassword.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"approval-bridge\" password=\"guessed\";");
        assertThatThrownBy(() -> send(wrongPassword, Topics.APPROVALS.name()))
                .hasRootCauseInstanceOf(SaslAuthenticationException.class);

        final Map<String, Object> unknownUser = stack.kafkaConfig(Principal.APPROVAL_BRIDGE);
        unknownUser.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"mallory\" password=\"x\";");
        assertThatThrownBy(() -> send(unknownUser, Topics.APPROVALS.name()))
                .hasRootCauseInstanceOf(SaslAuthenticationException.class);

        // An anonymous plaintext client never gets as far as metadata: the port speaks TLS + SASL only.
        final Map<String, Object> plaintext = new HashMap<>(Map.of("bootstrap.servers", stack.settings().bootstrapServers()));
        assertThatThrownBy(() -> send(plaintext, Topics.APPROVALS.name()))
                .hasRootCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
        // TLS alone (no SASL) is not enough either.
        final Map<String, Object> tlsOnly = stack.kafkaConfig(Principal.APPROVAL_BRIDGE);
        tlsOnly.keySet().removeIf(key -> key.startsWith("sasl."));
        tlsOnly.put("security.protocol", "SSL");
        assertThatThrownBy(() -> send(tlsOnly, Topics.APPROVALS.name()))
                .hasRootCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
    }

    @Test
    @Order(3)
    void shouldRunCollectorEngineAndSinksEndToEndEachWithItsOwnPrincipal() throws Exception {
        final StackSecurity security = stack.security();
        // The alert sink delivers to a webhook receiver that verifies the signature.
        final List<String> verified = new CopyOnWriteArrayList<>();
        final WebhookVerifier verifier = new WebhookVerifier(WEBHOOK_SECRET);
        final HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            final byte[] body = exchange.getRequestBody().readAllBytes();
            int status;
            try {
                verifier.verify(exchange.getRequestHeaders(), body);
                verified.add(Json.MAPPER.readTree(body).at("/data/alert/rule/id").asText());
                status = 204;
            } catch (final WebhookVerifier.RejectedException e) {
                status = 401;
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        running.add(() -> receiver.stop(0));

        final int enginePort = freePort();
        final EngineConfig engineConfig = EngineConfig.defaults().withBootstrapServers(stack.settings().bootstrapServers())
                .withApplication("restoreguard-engine-secure-it-" + UUID.randomUUID(), tmp.resolve("engine"), enginePort);
        final CorrelationApp engine = new CorrelationApp(engineConfig, Duration.ofSeconds(60),
                security.securityConfig(Principal.ENGINE));
        running.add(engine);
        engine.start();
        assertThat(engine.awaitRunning(DEADLINE)).as("engine RUNNING, state " + engine.state()).isTrue();

        final ElasticsearchSinkConfig esConfig = new ElasticsearchSinkConfig(List.of(stack.elasticsearchUrl()), null,
                StackSecurity.ES_SINK, security.elasticsearchPassword(StackSecurity.ES_SINK), null, null, null, null,
                null, null, 200L, null, null, null, null, null, null);
        final SinkService esSink = ElasticsearchSinkService.create(esConfig,
                stack.kafkaConfig(Principal.SINK_ELASTICSEARCH), Map.of(), new Metrics());
        running.add(esSink);
        esSink.start();

        final SinkService alertSink = AlertsService.create(new AlertsConfig(null, null, null, null, null, List.of(
                new WebhookConfig("soc", null, null, null, null, "http://127.0.0.1:" + receiver.getAddress().getPort()
                        + "/hook", WEBHOOK_SECRET))), stack.kafkaConfig(Principal.SINK_ALERTS), new Metrics());
        running.add(alertSink);
        alertSink.start();

        // A real hosts-file collector, configured as 'collect hosts-file --client-config FILE' configures it.
        final Path hosts = Files.writeString(tmp.resolve("hosts"), "127.0.0.1 localhost\n10.20.1.15 sql-dev-01\n");
        final Path yaml = Files.writeString(tmp.resolve("restoreguard.yaml"), """
                collector:
                  observer: secure-it.corp.example
                  state_dir: %s
                  health: {port: 0}
                collectors:
                  hosts_file: {paths: ['%s'], recheck_seconds: 1, debounce_ms: 100, audit_log: '%s'}
                """.formatted(tmp.resolve("state"), hosts, tmp.resolve("no-audit.log")));
        final CollectorConfig collectorConfig = CollectorConfig.read(yaml, Map.of())
                .withKafkaClientProperties(properties(security.clientConfigFile(Principal.COLLECTOR_HOSTS_FILE)));
        final dev.restoreguard.producers.runtime.Metrics collectorMetrics = new dev.restoreguard.producers.runtime.Metrics();
        final CollectorService collector = new CollectorService(collectorConfig,
                CollectorKinds.create("hosts-file", collectorConfig, collectorMetrics), collectorMetrics);
        running.add(collector);
        collector.start();
        await("the collector's snapshot sent", () -> collector.publisher().awaitDrained(Duration.ofSeconds(1))
                && collector.publisher().lastEventTime() != null);

        // The Friday incident, each topic written by its own principal; reference data first.
        final List<Routed> scenario = scenario();
        final Set<String> reference = Set.of(Topics.INVENTORY.name(), Topics.DNS.name(), Topics.APPROVALS.name());
        produce(scenario.stream().filter(r -> reference.contains(r.topic())).toList());
        awaitCheck(enginePort, "2026-11-20T09:30:00Z", "dns");
        produce(scenario.stream().filter(r -> Topics.HOSTS.name().equals(r.topic())).toList());
        awaitCheck(enginePort, "2026-11-20T16:02:00Z", "hosts-file");
        produce(scenario.stream().filter(r -> Topics.RESTORES.name().equals(r.topic())).toList());

        await("RG-001 and RG-003 delivered to the verified webhook", () -> verified.containsAll(List.of("RG-001", "RG-003")));
        await("the events and alerts indexed by the sink's least-privilege user",
                () -> count("logs-restoreguard.alerts-*", "rule.id:RG-001") > 0
                        && count("logs-restoreguard.events-*", "host.name:secure-it.corp.example") > 0);
    }

    @Test
    @Order(4)
    void shouldRefuseDeletingOrOverwritingHistoryWithTheSinksCredentials() throws Exception {
        final String sink = stack.security().elasticsearchAuthorization(StackSecurity.ES_SINK);
        final String admin = stack.security().elasticsearchAuthorization(StackSecurity.ES_ADMIN);
        await("an indexed event", () -> count("logs-restoreguard.events-*", "*") > 0);
        final JsonNode hit = Json.MAPPER.readTree(es(admin, "GET",
                "/logs-restoreguard.events-*/_search?size=1&seq_no_primary_term=true", null).body()).at("/hits/hits/0");
        final String doc = "/" + hit.path("_index").asText() + "/_doc/" + hit.path("_id").asText();
        // A backing index takes an overwrite only with the document's sequence number (else 400).
        final String overwrite = doc + "?if_seq_no=" + hit.path("_seq_no").asLong() + "&if_primary_term="
                + hit.path("_primary_term").asLong();
        final String forged = "{\"@timestamp\":\"2026-11-20T16:00:00Z\",\"message\":\"forged\"}";

        assertThat(es(sink, "DELETE", doc, null).statusCode()).as("delete an event").isEqualTo(403);
        assertThat(es(sink, "PUT", overwrite, forged).statusCode()).as("overwrite an event").isEqualTo(403);
        assertThat(es(sink, "POST", "/" + hit.path("_index").asText() + "/_update/" + hit.path("_id").asText(),
                "{\"doc\":{\"message\":\"forged\"}}").statusCode()).as("update an event").isEqualTo(403);
        assertThat(es(sink, "DELETE", "/" + hit.path("_index").asText(), null).statusCode()).as("delete the index")
                .isEqualTo(403);
        // What the sink may do still works: add a new document to its data stream.
        assertThat(es(sink, "PUT", "/logs-restoreguard.events-default/_create/secure-it-" + UUID.randomUUID(), forged)
                .statusCode()).isEqualTo(201);
        // The document is untouched, and the refusals were about privileges: the admin may read it.
        final HttpResponse<String> after = es(admin, "GET", doc, null);
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(after.body()).at("/_source")).isEqualTo(hit.path("_source"));
    }

    @Test
    @Order(5)
    void shouldNotWriteAnyConfiguredSecretToAnyLog() throws Exception {
        final StackSecurity security = stack.security();
        final Map<String, String> secrets = new LinkedHashMap<>();
        for (final Principal principal : Principal.values()) {
            secrets.put("SCRAM password of " + principal.userName(), security.password(principal));
        }
        for (final String user : List.of(StackSecurity.ES_ADMIN, StackSecurity.ES_SINK)) {
            final String password = security.elasticsearchPassword(user);
            secrets.put("Elasticsearch password of " + user, password);
            secrets.put("Basic credentials of " + user, Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        secrets.put("webhook secret", WEBHOOK_SECRET.substring("whsec_".length()));
        final Map<String, String> withBase64 = new LinkedHashMap<>(secrets);
        secrets.forEach((what, value) -> withBase64.put(what + " (base64)",
                Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))));

        final List<Path> logs = new ArrayList<>(List.of(TEST_LOG));
        for (final Path dir : List.of(stack.home().resolve("kafka").resolve("logs"), stack.home().resolve("kafka"),
                stack.home().resolve("elasticsearch").resolve("logs"), stack.home().resolve("elasticsearch"))) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    files.filter(Files::isRegularFile)
                            .filter(f -> f.toString().endsWith(".log") || f.toString().endsWith(".out")
                                    || f.toString().endsWith(".json"))
                            .forEach(logs::add);
                }
            }
        }
        assertThat(logs).as("logs scanned").contains(TEST_LOG, stack.home().resolve("kafka/logs/server.log"));
        long bytes = 0;
        final List<String> leaks = new ArrayList<>();
        for (final Path log : logs) {
            final String text = Files.readString(log, StandardCharsets.ISO_8859_1);
            bytes += text.length();
            withBase64.forEach((what, value) -> {
                if (text.contains(value)) {
                    leaks.add(what + " in " + log);
                }
            });
        }
        System.out.printf("secret scan: %d secrets (and base64 forms) in %d log files, %d bytes: %d leaks%n",
                secrets.size(), logs.size(), bytes, leaks.size());
        assertThat(bytes).as("the run logged something").isGreaterThan(10_000);
        assertThat(leaks).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------

    private org.apache.kafka.clients.producer.RecordMetadata send(final Principal principal, final String topic)
            throws Exception {
        return send(stack.kafkaConfig(principal), topic);
    }

    private static org.apache.kafka.clients.producer.RecordMetadata send(final Map<String, Object> client,
                                                                          final String topic) throws Exception {
        final Map<String, Object> config = new HashMap<>(client);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 8_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            return producer.send(new ProducerRecord<>(topic, "secure-it", "{}")).get(30, TimeUnit.SECONDS);
        } catch (final org.apache.kafka.common.KafkaException e) {
            // Metadata failures surface from send() itself: wrap them like the broker's answers.
            throw new ExecutionException(e);
        }
    }

    private void produce(final List<Routed> events) throws Exception {
        assertThat(events).isNotEmpty();
        final Map<Principal, KafkaProducer<String, Envelope>> producers = new HashMap<>();
        try {
            for (final Routed r : events) {
                final KafkaProducer<String, Envelope> producer = producers.computeIfAbsent(WRITER.get(r.topic()), p -> {
                    final Map<String, Object> config = stack.kafkaConfig(p);
                    config.put(ProducerConfig.ACKS_CONFIG, "all");
                    return new KafkaProducer<>(config, new StringSerializer(), new JsonSerde<>(Envelope.class).serializer());
                });
                producer.send(new ProducerRecord<>(r.topic(), null, r.envelope().at().toEpochMilli(), r.key(),
                        r.envelope())).get(30, TimeUnit.SECONDS);
            }
        } finally {
            producers.values().forEach(KafkaProducer::close);
        }
    }

    private static List<Routed> scenario() throws IOException {
        final ScenarioReader reader = new ScenarioReader();
        final List<Routed> events = new ArrayList<>();
        final List<String> lines = Files.readAllLines(SCENARIO, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (reader.read(i + 1, lines.get(i)) instanceof ScenarioReader.Events e) {
                events.addAll(e.events());
            }
        }
        return events;
    }

    /** Polls the engine's check-restore until it resolves sql-dev-01 from vbr01 through {@code path}. */
    private void awaitCheck(final int port, final String at, final String path) throws Exception {
        final URI uri = URI.create("http://127.0.0.1:" + port
                + "/check-restore?observer=vbr01.corp.example&target=sql-dev-01&at=" + at);
        await("check-restore resolves through " + path, () -> {
            final HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200
                    && path.equals(Json.MAPPER.readTree(response.body()).at("/resolution/path").asText());
        });
    }

    private long count(final String index, final String query) throws Exception {
        final HttpResponse<String> response = es(stack.security().elasticsearchAuthorization(StackSecurity.ES_ADMIN),
                "GET", "/" + index + "/_count?q=" + java.net.URLEncoder.encode(query, StandardCharsets.UTF_8), null);
        return response.statusCode() == 200 ? Json.MAPPER.readTree(response.body()).path("count").asLong() : 0;
    }

    private HttpResponse<String> es(final String authorization, final String method, final String path,
                                    final String body) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.elasticsearchUrl() + path))
                .header("Authorization", authorization).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> properties(final Path file) throws IOException {
        final Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        }
        final Map<String, String> map = new HashMap<>();
        properties.stringPropertyNames().forEach(k -> map.put(k, properties.getProperty(k)));
        return map;
    }

    /** A condition that may throw while the system is not there yet. */
    @FunctionalInterface
    private interface Probe {
        boolean test() throws Exception;
    }

    private static void await(final String what, final Probe probe) throws Exception {
        final Instant deadline = Instant.now().plus(DEADLINE);
        while (Instant.now().isBefore(deadline)) {
            try {
                if (probe.test()) {
                    return;
                }
            } catch (final IOException e) {
                // not answering yet
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
        throw new AssertionError("not within " + DEADLINE + ": " + what);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static byte[] random(final int n) {
        final byte[] bytes = new byte[n];
        new java.security.SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
