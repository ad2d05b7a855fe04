package dev.restoreguard.producers.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.config.ConfigException;
import dev.restoreguard.events.restore.RestoreEvent;
import dev.restoreguard.producers.config.CollectorConfig;
import dev.restoreguard.producers.runtime.Metrics;
import dev.restoreguard.producers.testing.ListSink;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class RestoreHttpCollectorTest {

    private static final String TOKEN = "s3cret-token-for-backup-hooks";
    private static final String SCOPED = "token-only-for-sql01-hooks";
    private static final Instant NOW = Instant.parse("2026-11-20T16:02:00Z");

    @TempDir
    Path tmp;

    private final ListSink sink = new ListSink();
    private final Metrics metrics = new Metrics();
    private final HttpClient http = HttpClient.newHttpClient();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private RestoreHttpCollector collector;

    @BeforeEach
    void start() throws Exception {
        logs.start();
        ((Logger) LoggerFactory.getLogger(RestoreHttpCollector.class)).addAppender(logs);
        collector = new RestoreHttpCollector("127.0.0.1", 0, List.of(
                new RestoreHttpCollector.Token("hooks", RestoreHttpCollector.sha256(TOKEN), List.of()),
                new RestoreHttpCollector.Token("sql01", RestoreHttpCollector.sha256(SCOPED), List.of("sql01.corp.example"))),
                null, 4096, metrics, Clock.fixed(NOW, ZoneOffset.UTC));
        collector.start(sink);
    }

    @AfterEach
    void stop() {
        collector.close();
        ((Logger) LoggerFactory.getLogger(RestoreHttpCollector.class)).detachAppender(logs);
    }

    private HttpResponse<String> post(final String token, final String body) throws Exception {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + collector.port() + "/v1/restores"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(final HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }

    @Test
    void shouldSpoolAValidRestoreAndAnswer202WithItsEventId() throws Exception {
        final HttpResponse<String> r = post(TOKEN, """
                {"observer": "VBR01.corp.example.", "session_id": "nightly-42", "state": "started",
                 "target": "sql-dev-01", "database": "Sales", "initiator": "CORP\\\\alice", "reason": "CHG0031337",
                 "at": "2026-11-20T16:02:00Z"}""");

        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(sink.events()).hasSize(1);
        final ListSink.Published p = sink.events().get(0);
        assertThat(p.topic()).isEqualTo(Topics.RESTORES.name());
        assertThat(p.key()).isEqualTo("vbr01.corp.example");
        assertThat(json(r).get("event_id").asText()).isEqualTo(p.envelope().eventId());
        assertThat(p.envelope().source()).isEqualTo("restore-http");
        assertThat(p.envelope().at()).isEqualTo(Instant.parse("2026-11-20T16:02:00Z"));
        final RestoreEvent e = (RestoreEvent) p.envelope().payload();
        assertThat(e).isEqualTo(new RestoreEvent("script", "nightly-42", "started", "sql-dev-01", "Sales", null,
                "CORP\\alice", "CHG0031337", null, null));
    }

    @Test
    void shouldGiveARetriedRequestTheSameEventId() throws Exception {
        final String body = """
                {"observer": "vbr01.corp.example", "session_id": "s1", "state": "finished", "product": "bacula",
                 "at": "2026-11-20T16:30:00+01:00"}""";
        final String first = json(post(TOKEN, body)).get("event_id").asText();
        final String second = json(post(TOKEN, body)).get("event_id").asText();
        assertThat(second).isEqualTo(first);
    }

    @Test
    void shouldUseTheReceiptTimeWithoutAt() throws Exception {
        assertThat(post(TOKEN, "{\"observer\":\"a.corp\",\"session_id\":\"s\",\"state\":\"running\"}").statusCode()).isEqualTo(202);
        assertThat(sink.events().get(0).envelope().at()).isEqualTo(NOW);
    }

    @Test
    void shouldRefuseMissingOrWrongTokensWith401AndNeverLogAToken() throws Exception {
        final String body = "{\"observer\":\"a.corp\",\"session_id\":\"s\",\"state\":\"started\"}";
        final HttpResponse<String> none = post(null, body);
        final HttpResponse<String> wrong = post("not-the-token-at-all-xx", body);
        final HttpResponse<String> basic = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + collector.port() + "/v1/restores"))
                .header("Authorization", "Basic " + TOKEN).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(List.of(none.statusCode(), wrong.statusCode(), basic.statusCode())).containsOnly(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"restoreguard\"");
        assertThat(sink.events()).isEmpty();
        post(TOKEN, body);
        post(SCOPED, "{\"observer\":\"b.corp\",\"session_id\":\"s\",\"state\":\"started\"}");
        assertThat(logs.list).isNotEmpty();
        assertThat(logs.list).allSatisfy(e -> assertThat(e.toString() + e.getKeyValuePairs())
                .doesNotContain(TOKEN, SCOPED, "not-the-token-at-all-xx"));
    }

    @Test
    void shouldRefuseAnObserverOutsideTheTokensScopeWith403() throws Exception {
        final HttpResponse<String> other = post(SCOPED, "{\"observer\":\"sql02.corp.example\",\"session_id\":\"s\",\"state\":\"started\"}");
        final HttpResponse<String> own = post(SCOPED, "{\"observer\":\"SQL01.corp.example\",\"session_id\":\"s\",\"state\":\"started\"}");

        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(json(other).get("message").asText()).contains("sql02.corp.example");
        assertThat(own.statusCode()).isEqualTo(202);
        assertThat(sink.events()).hasSize(1);
    }

    @Test
    void shouldNameTheWrongFieldIn400() throws Exception {
        final Map<String, String> cases = Map.of(
                "{\"observer\":\"a\",\"state\":\"started\"}", "restore.session_id: required",
                "{\"session_id\":\"s\",\"state\":\"started\"}", "restore.observer: required",
                "{\"observer\":\"a\",\"session_id\":\"s\",\"state\":\"done\"}", "restore.state: must be one of",
                "{\"observer\":\"a\",\"session\":\"s\",\"state\":\"started\"}", "restore: unknown field \"session\"",
                "{\"observer\":\"a\",\"session_id\":\"s\",\"state\":\"started\",\"at\":\"yesterday\"}", "restore.at: not an RFC 3339",
                "{\"observer\":\"a\",\"session_id\":7,\"state\":\"started\"}", "restore.session_id: must be a string",
                "{\"observer\":\"a\",\"session_id\":\"s\",\"state\":\"started\",\"result\":\"2\"}", "restore.result: must be an integer",
                "[1,2]", "body: must be a JSON object",
                "{\"observer\":", "body: not JSON");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            final HttpResponse<String> r = post(TOKEN, c.getKey());
            assertThat(r.statusCode()).as(c.getKey()).isEqualTo(400);
            assertThat(json(r).get("message").asText()).as(c.getKey()).startsWith(c.getValue());
        }
        assertThat(sink.events()).isEmpty();
    }

    @Test
    void shouldRefuseOversizedBodiesOtherMethodsAndPaths() throws Exception {
        final String big = "{\"observer\":\"a\",\"session_id\":\"s\",\"state\":\"started\",\"reason\":\"" + "x".repeat(5000) + "\"}";
        assertThat(post(TOKEN, big).statusCode()).isEqualTo(413);
        final URI uri = URI.create("http://127.0.0.1:" + collector.port() + "/v1/restores");
        assertThat(http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + TOKEN).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
        assertThat(http.send(HttpRequest.newBuilder(uri.resolve("/v1/other")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        assertThat(http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + TOKEN)
                        .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(415);
        assertThat(sink.events()).isEmpty();
    }

    @Test
    void shouldAnswer503WhenTheSpoolRefuses() throws Exception {
        sink.refuse(true);
        final HttpResponse<String> r = post(TOKEN, "{\"observer\":\"a\",\"session_id\":\"s\",\"state\":\"started\"}");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(metrics.value("restoreguard_restore_http_accepted_total")).isZero();
    }

    @Test
    void shouldServeHttpsWithAPkcs12KeyStore() throws Exception {
        final Path p12 = tmp.resolve("server.p12");
        // keytool is the JDK's own tool: a real self-signed certificate, no test double
        final Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", p12.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        assertThat(keytool.waitFor()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
        final CollectorConfig config = CollectorConfig.parse("""
                collectors:
                  restore_http:
                    port: 0
                    tokens: [{name: hooks, token: "%s"}]
                    tls: {key_store: "%s", key_store_password: "${PW}"}
                """.formatted(TOKEN, p12), Map.of("PW", "changeit"));
        try (RestoreHttpCollector tls = RestoreHttpCollector.create(config.collectors().restoreHttp(), metrics)) {
            tls.start(sink);
            final KeyStore trust = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(p12)) {
                trust.load(in, "changeit".toCharArray());
            }
            final TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            final SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            final HttpResponse<String> r = HttpClient.newBuilder().sslContext(ssl).build().send(
                    HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + tls.port() + "/v1/restores"))
                            .header("Authorization", "Bearer " + TOKEN)
                            .POST(HttpRequest.BodyPublishers.ofString("{\"observer\":\"a\",\"session_id\":\"s\",\"state\":\"started\"}"))
                            .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(202);
        }
    }

    @Test
    void shouldReadTokensFromTheTokenFileAndRefuseShortOnes() throws Exception {
        final Path file = Files.writeString(tmp.resolve("tokens"), "# hooks\n\nfrom-the-token-file-0001\n");
        final CollectorConfig ok = CollectorConfig.parse("collectors: {restore_http: {port: 0, token_file: '" + file + "'}}", Map.of());
        try (RestoreHttpCollector c = RestoreHttpCollector.create(ok.collectors().restoreHttp(), metrics)) {
            c.start(sink);
            final HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.port() + "/v1/restores"))
                    .header("Authorization", "Bearer from-the-token-file-0001")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"observer\":\"a\",\"session_id\":\"s\",\"state\":\"started\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(202);
        }
        Files.writeString(file, "short\n");
        assertThatThrownBy(() -> RestoreHttpCollector.create(ok.collectors().restoreHttp(), metrics))
                .isInstanceOf(ConfigException.class).hasMessageContaining("collectors.restore_http.token_file").hasMessageContaining("line 1");
        assertThatThrownBy(() -> CollectorConfig.parse("collectors: {restore_http: {tokens: [{token: short}]}}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("collectors.restore_http.tokens[0].token");
        assertThatThrownBy(() -> CollectorConfig.parse("collectors: {restore_http: {port: 1}}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("collectors.restore_http.tokens");
    }
}
