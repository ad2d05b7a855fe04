package dev.restoreguard.streams.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreguard.events.Json;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.StreamSupport;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The engine's HTTP API over the real topology's stores, loaded with the Friday restore incident. */
class EngineHttpApiTest {

    private static final String OBSERVER = "vbr01.corp.example";
    private static DriverEngineView view;
    private static EngineHttpApi api;

    @BeforeAll
    static void loadScenario() {
        view = new DriverEngineView().feedScenario("/scenarios/01-friday-restore-incident.jsonl");
        api = new EngineHttpApi(view, Duration.ofDays(7),
                Clock.fixed(Instant.parse("2026-11-20T17:00:00Z"), ZoneOffset.UTC));
    }

    @AfterAll
    static void close() {
        view.close();
    }

    @BeforeEach
    void running() {
        view.state(KafkaStreams.State.RUNNING);
        view.failHostsQueries(null);
    }

    private static JsonNode json(final EngineHttpApi.Response response) throws Exception {
        assertThat(response.contentType()).startsWith("application/json");
        return Json.MAPPER.readTree(response.body());
    }

    private static EngineHttpApi.Response check(final String query) {
        return api.handle("GET", "/check-restore", query);
    }

    @Test
    void shouldSayTheFridayRestoreWouldAlertBecauseTheHostsFileSendsItToProduction() throws Exception {
        final EngineHttpApi.Response response = check("observer=vbr01.corp.example&target=sql-dev-01"
                + "&at=2026-11-20T16:02:00Z");

        assertThat(response.status()).isEqualTo(200);
        final JsonNode v = json(response);
        assertThat(v.path("would_alert").asBoolean()).isTrue();
        assertThat(v.path("observer").asText()).isEqualTo(OBSERVER);
        assertThat(v.path("normalized_target").asText()).isEqualTo("sql-dev-01.corp.example");
        assertThat(v.path("at").asText()).isEqualTo("2026-11-20T16:02:00Z");
        assertThat(v.at("/intended/environment").asText()).isEqualTo("development");
        assertThat(v.at("/effective/ip").asText()).isEqualTo("10.20.1.15");
        assertThat(v.at("/effective/environment").asText()).isEqualTo("production");
        assertThat(v.at("/resolution/path").asText()).isEqualTo("hosts-file");
        assertThat(v.at("/resolution/hosts_entry/line").asInt()).isEqualTo(8);
        assertThat(v.at("/resolution/steps/0").asText()).contains("line 8", "sql-dev-01.corp.example", "10.20.1.15");
        assertThat(v.at("/hosts_file/known").asBoolean()).isTrue();
        assertThat(v.at("/hosts_file/snapshot_at").asText()).isEqualTo("2026-11-20T15:41:00Z");
        assertThat(v.path("covered").asBoolean()).isFalse();
        assertThat(v.path("covering_approval").isNull()).isTrue();
        assertThat(rules(v)).containsExactly("RG-001 critical", "RG-002 critical");
        assertThat(v.path("highest_severity").asText()).isEqualTo("critical");
        assertThat(v.path("summary").asText()).contains("10.20.1.15 (production)");
    }

    @Test
    void shouldJudgeAsOfTheRequestedTimeSoTheHostsEditDoesNotCountBeforeItHappened() throws Exception {
        final JsonNode v = json(check("observer=vbr01.corp.example&target=sql-dev-01&at=2026-11-20T15:00:00Z"));

        assertThat(v.path("would_alert").asBoolean()).isFalse();
        assertThat(v.at("/effective/ip").asText()).isEqualTo("10.30.1.15");
        assertThat(v.at("/effective/environment").asText()).isEqualTo("development");
        assertThat(v.at("/resolution/path").asText()).isEqualTo("dns");
        assertThat(v.at("/resolution/dns_records/0/data").asText()).isEqualTo("10.30.1.15");
        assertThat(v.at("/hosts_file/snapshot_at").asText()).isEqualTo("2026-11-20T09:00:00Z");
        assertThat(v.path("rules")).isEmpty();
        assertThat(v.path("highest_severity").isNull()).isTrue();
    }

    @Test
    void shouldDefaultTheRestoreTimeToNow() throws Exception {
        final JsonNode v = json(check("observer=vbr01.corp.example&target=sql-dev-01"));

        assertThat(v.path("at").asText()).isEqualTo("2026-11-20T17:00:00Z");
        assertThat(v.path("at_source").asText()).isEqualTo("now");
        assertThat(v.at("/effective/ip").asText()).isEqualTo("10.20.1.15");
    }

    @Test
    void shouldAcceptAnOffsetTimeWithAnUnencodedPlusSign() throws Exception {
        final JsonNode v = json(check("observer=vbr01.corp.example&target=sql-dev-01&at=2026-11-20T17:02:00+01:00"));

        assertThat(v.path("at").asText()).isEqualTo("2026-11-20T16:02:00Z");
    }

    @Test
    void shouldQualifyAShortObserverThroughTheInventory() throws Exception {
        final JsonNode v = json(check("observer=VBR01&target=sql-dev-01&at=2026-11-20T16:02:00Z"));

        assertThat(v.path("observer").asText()).isEqualTo(OBSERVER);
        assertThat(v.at("/effective/ip").asText()).isEqualTo("10.20.1.15");
        assertThat(v.path("warnings")).isEmpty();
    }

    @Test
    void shouldJudgeAnIpLiteralTargetAsItself() throws Exception {
        final JsonNode v = json(check("observer=vbr01.corp.example&target=10.20.1.15&at=2026-11-20T16:02:00Z"));

        assertThat(v.at("/resolution/path").asText()).isEqualTo("ip-literal");
        assertThat(v.at("/intended/environment").asText()).isEqualTo("production");
        assertThat(rules(v)).containsExactly("RG-001 critical");
    }

    @Test
    void shouldFlagAnUnknownEnvironmentAsRg006() throws Exception {
        final JsonNode v = json(check("observer=vbr01.corp.example&target=192.0.2.7&at=2026-11-20T16:02:00Z"));

        assertThat(v.at("/effective/environment").asText()).isEqualTo("unknown");
        assertThat(rules(v)).containsExactly("RG-006 medium");
        assertThat(v.path("would_alert").asBoolean()).isTrue();
    }

    @Test
    void shouldWarnWhenNoHostsFileOfTheObserverIsKnown() throws Exception {
        final JsonNode v = json(check("observer=vbr02.corp.example&target=sql-dev-01&at=2026-11-20T16:02:00Z"));

        assertThat(v.at("/hosts_file/known").asBoolean()).isFalse();
        assertThat(v.at("/effective/ip").asText()).isEqualTo("10.30.1.15");
        assertThat(v.path("warnings").get(0).asText()).contains("no hosts-file snapshot of vbr02.corp.example");
    }

    @Test
    void shouldRejectAMissingObserverNamingTheParameter() throws Exception {
        assertBadRequest(check("target=sql-dev-01"), "observer", "missing query parameter 'observer'");
        assertBadRequest(check(null), "observer", "missing");
    }

    @Test
    void shouldRejectAMissingOrEmptyTargetNamingTheParameter() throws Exception {
        assertBadRequest(check("observer=vbr01.corp.example"), "target", "missing query parameter 'target'");
        assertBadRequest(check("observer=vbr01.corp.example&target="), "target", "is empty");
    }

    @Test
    void shouldRejectATimeThatIsNotRfc3339() throws Exception {
        assertBadRequest(check("observer=vbr01&target=sql-dev-01&at=yesterday"), "at", "not an RFC 3339 time");
        // a time without an offset is ambiguous: which time zone did the script mean?
        assertBadRequest(check("observer=vbr01&target=sql-dev-01&at=2026-11-20T16:02:00"), "at", "with an offset");
    }

    @Test
    void shouldRejectMalformedNames() throws Exception {
        assertBadRequest(check("observer=vbr01&target=sql%20dev"), "target", "not a host name or IP address");
        assertBadRequest(check("observer=vbr01%2Fx&target=sql-dev-01"), "observer", "not a host name");
        assertBadRequest(check("observer=10.50.0.10&target=sql-dev-01"), "observer", "not an IP address");
        assertBadRequest(check("observer=vbr01&target=" + "a".repeat(254)), "target", "longer than 253");
        assertBadRequest(check("observer=vbr01&target=sql%ZZ"), "target", "malformed %-escape");
    }

    @Test
    void shouldRejectUnknownAndRepeatedParameters() throws Exception {
        assertBadRequest(check("obsrver=vbr01&target=sql-dev-01"), "obsrver", "unknown query parameter 'obsrver'");
        assertBadRequest(check("observer=vbr01&target=a&target=b"), "target", "more than once");
    }

    @Test
    void shouldAnswer503WhileTheEngineIsNotRunning() throws Exception {
        view.state(KafkaStreams.State.CREATED);

        final EngineHttpApi.Response response = check("observer=vbr01&target=sql-dev-01");

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.headers()).containsEntry("Retry-After", "5");
        assertThat(json(response).path("error").asText()).contains("CREATED");
    }

    @Test
    void shouldAnswer503WhenAStoreCannotAnswerForSure() throws Exception {
        view.failHostsQueries(new InvalidStateStoreException("hosts-history is migrating"));

        final EngineHttpApi.Response response = check("observer=vbr01&target=sql-dev-01");

        assertThat(response.status()).isEqualTo(503);
        assertThat(json(response).path("error").asText()).contains("migrating");
    }

    @Test
    void shouldBeReadyOnlyWhenRunningAndLiveUnlessFailed() throws Exception {
        assertThat(api.handle("GET", "/health/ready", null).status()).isEqualTo(200);
        assertThat(api.handle("GET", "/health/live", null).status()).isEqualTo(200);

        view.state(KafkaStreams.State.REBALANCING);
        final EngineHttpApi.Response ready = api.handle("GET", "/health/ready", null);
        assertThat(ready.status()).isEqualTo(503);
        assertThat(json(ready).path("state").asText()).isEqualTo("REBALANCING");
        assertThat(api.handle("GET", "/health/live", null).status()).isEqualTo(200);

        view.state(KafkaStreams.State.ERROR);
        assertThat(api.handle("GET", "/health/live", null).status()).isEqualTo(503);
    }

    @Test
    void shouldExposePrometheusMetrics() {
        check("observer=vbr01.corp.example&target=sql-dev-01&at=2026-11-20T16:02:00Z");
        check("bad=1");

        final EngineHttpApi.Response response = api.handle("GET", "/metrics", null);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("text/plain; version=0.0.4");
        final List<String> lines = response.body().lines().toList();
        assertThat(lines).contains("# TYPE restoreguard_engine_state gauge",
                "restoreguard_engine_state{state=\"RUNNING\"} 1", "restoreguard_engine_state{state=\"ERROR\"} 0",
                "restoreguard_engine_ready 1",
                "# TYPE restoreguard_engine_records_dead_lettered_total counter",
                "# TYPE restoreguard_engine_records_too_late_total counter",
                "restoreguard_engine_stream_thread_replacements_total 2");
        assertThat(lines).anyMatch(l -> l.startsWith("restoreguard_engine_records_dead_lettered_total "));
        assertThat(lines).anyMatch(l -> l.matches(
                "restoreguard_engine_check_restore_requests_total\\{result=\"would_alert\"} [1-9]\\d*"));
        assertThat(lines).anyMatch(l -> l.matches(
                "restoreguard_engine_check_restore_requests_total\\{result=\"bad_request\"} [1-9]\\d*"));
        // the test driver has few thread metrics (the IT checks process-rate on a real engine)
        assertThat(lines).anyMatch(l -> l.startsWith("kafka_stream_thread_task_closed_total{thread_id="));
        // every sample belongs to the family declared just before it (the format requires contiguity)
        String family = null;
        for (String line : lines) {
            if (line.startsWith("# TYPE ")) {
                family = line.split(" ")[2];
            } else if (!line.startsWith("#")) {
                assertThat(line).startsWith(family);
                assertThat(line).matches("[a-zA-Z_][a-zA-Z0-9_]*(\\{.*})? (NaN|[+-]Inf|-?[0-9.eE+-]+)");
            }
        }
    }

    @Test
    void shouldAnswer404And405WithJson() throws Exception {
        final EngineHttpApi.Response notFound = api.handle("GET", "/check", null);
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(json(notFound).path("error").asText()).contains("/check-restore");

        final EngineHttpApi.Response post = api.handle("POST", "/check-restore", "observer=a&target=b");
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.headers()).containsEntry("Allow", "GET, HEAD");
    }

    @Test
    void shouldServeTheApiOverHttpOnLoopbackOnly() throws Exception {
        try (EngineHttpServer server = new EngineHttpServer(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), api).start()) {
            final HttpClient client = HttpClient.newHttpClient();
            final HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + server.port() + "/check-restore?observer=vbr01.corp.example&target=sql-dev-01"
                    + "&at=2026-11-20T16%3A02%3A00Z")).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
            assertThat(Json.MAPPER.readTree(response.body()).path("would_alert").asBoolean()).isTrue();
        }
    }

    private static void assertBadRequest(final EngineHttpApi.Response response, final String parameter,
                                         final String message) throws Exception {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        final JsonNode body = json(response);
        assertThat(body.path("parameter").asText()).isEqualTo(parameter);
        assertThat(body.path("error").asText()).contains(message);
    }

    private static List<String> rules(final JsonNode verdict) {
        return StreamSupport.stream(verdict.path("rules").spliterator(), false)
                .map(r -> r.path("id").asText() + " " + r.path("severity").asText()).toList();
    }
}
