package dev.restoreguard.streams.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restoreguard.events.Json;
import dev.restoreguard.streams.processor.TooLateRecords;
import dev.restoreguard.streams.state.HostsState;
import dev.restoreguard.streams.state.ReferenceView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's HTTP API, apart from the server so it can be tested without sockets:
 * <ul>
 *   <li>{@code GET /health/live}: 200 unless the engine failed (state ERROR) or stopped;</li>
 *   <li>{@code GET /health/ready}: 200 only in state RUNNING (stores queryable, work assigned);</li>
 *   <li>{@code GET /metrics}: Prometheus text: engine state, dead-lettered records, records too
 *       late to revise, thread replacements, check-restore answers, and Kafka Streams' client and
 *       thread metrics;</li>
 *   <li>{@code GET /check-restore?observer=H&target=T[&at=RFC3339]}: the verdict the engine would
 *       reach for a restore of T from observer H at that time (default now), as JSON; 400 naming
 *       the bad parameter, 503 while the stores cannot answer.</li>
 * </ul>
 * Every answer but {@code /metrics} is JSON.
 */
final class EngineHttpApi {

    private static final Logger LOGGER = LoggerFactory.getLogger(EngineHttpApi.class);
    private static final String JSON = "application/json; charset=utf-8";
    private static final Set<String> KAFKA_GROUPS = Set.of("stream-metrics", "stream-thread-metrics");

    static final String LIVE = "/health/live";
    static final String READY = "/health/ready";
    static final String METRICS = "/metrics";
    static final String CHECK_RESTORE = "/check-restore";

    /**
     * An HTTP answer.
     *
     * @param status      HTTP status code
     * @param contentType value of the Content-Type header
     * @param body        the body
     * @param headers     further headers (Allow, Retry-After)
     */
    record Response(int status, String contentType, String body, Map<String, String> headers) {
    }

    private final EngineView view;
    private final Duration historyRetention;
    private final Clock clock;
    private final AtomicLong checksAlert = new AtomicLong();
    private final AtomicLong checksClear = new AtomicLong();
    private final AtomicLong checksBad = new AtomicLong();
    private final AtomicLong checksUnavailable = new AtomicLong();

    EngineHttpApi(final EngineView view, final Duration historyRetention, final Clock clock) {
        this.view = view;
        this.historyRetention = historyRetention;
        this.clock = clock;
    }

    /** Answers one request; {@code rawQuery} is still percent-encoded (null when absent). */
    Response handle(final String method, final String path, final String rawQuery) {
        final String route = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (!List.of(LIVE, READY, METRICS, CHECK_RESTORE).contains(route)) {
            return error(404, "no such endpoint: " + path + " (try " + LIVE + ", " + READY + ", " + METRICS + ", "
                    + CHECK_RESTORE + "?observer=H&target=T[&at=RFC3339])", null);
        }
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            final Response r = error(405, "method " + method + " not allowed on " + route + ": use GET", null);
            return new Response(r.status(), r.contentType(), r.body(), Map.of("Allow", "GET, HEAD"));
        }
        try {
            return switch (route) {
                case LIVE -> live();
                case READY -> ready();
                case METRICS -> new Response(200, PrometheusText.CONTENT_TYPE, metrics(), Map.of());
                default -> checkRestore(rawQuery);
            };
        } catch (RuntimeException e) {
            LOGGER.atError().setCause(e).addKeyValue("path", route).log("engine HTTP request failed");
            return error(500, "internal error: " + e.getClass().getSimpleName() + ": " + e.getMessage(), null);
        }
    }

    private Response live() {
        final KafkaStreams.State state = view.state();
        final boolean live = state != KafkaStreams.State.ERROR && state != KafkaStreams.State.PENDING_ERROR
                && state != KafkaStreams.State.NOT_RUNNING;
        return status(live ? 200 : 503, live ? "live" : "dead", state);
    }

    private Response ready() {
        final KafkaStreams.State state = view.state();
        return status(state == KafkaStreams.State.RUNNING ? 200 : 503,
                state == KafkaStreams.State.RUNNING ? "ready" : "not ready", state);
    }

    private static Response status(final int code, final String status, final KafkaStreams.State state) {
        final ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("status", status);
        body.put("state", state.name());
        return json(code, body, code == 503 ? Map.of("Retry-After", "5") : Map.of());
    }

    private Response checkRestore(final String rawQuery) {
        final CheckRestoreRequest request;
        try {
            request = CheckRestoreRequest.parse(rawQuery);
        } catch (CheckRestoreRequest.BadRequest e) {
            checksBad.incrementAndGet();
            return error(400, e.getMessage(), e.parameter());
        }
        // the engine's stores keep milliseconds
        final Instant at = (request.at() != null ? request.at() : clock.instant()).truncatedTo(ChronoUnit.MILLIS);
        try {
            final KafkaStreams.State state = view.state();
            if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
                throw new EngineUnavailableException("the engine is " + state + ", not RUNNING");
            }
            // one view per request: ReferenceView caches and is not thread-safe
            final ReferenceView reference = new ReferenceView(view.referenceStore());
            final String observer = RestoreCheck.observerKey(request.observer(), reference, at);
            final HostsState hosts = view.hostsAsOf(observer, at).orElse(null);
            final ObjectNode verdict = RestoreCheck.judge(request, observer, hosts, reference, at, historyRetention);
            final boolean alert = verdict.path("would_alert").asBoolean();
            (alert ? checksAlert : checksClear).incrementAndGet();
            LOGGER.atInfo().addKeyValue("observer", observer).addKeyValue("target", request.target())
                    .addKeyValue("at", at).addKeyValue("effective_ip", verdict.path("effective").path("ip").asText(null))
                    .addKeyValue("would_alert", alert)
                    .log("check-restore answered");
            return json(200, verdict, Map.of());
        } catch (EngineUnavailableException | InvalidStateStoreException e) {
            checksUnavailable.incrementAndGet();
            final Response r = error(503, "engine not ready to answer: " + e.getMessage(), null);
            return new Response(503, r.contentType(), r.body(), Map.of("Retry-After", "5"));
        }
    }

    private String metrics() {
        final PrometheusText text = new PrometheusText();
        final KafkaStreams.State current = view.state();
        text.family("restoreguard_engine_state", "gauge",
                "Kafka Streams state of the correlation engine (1 for the current state).");
        for (KafkaStreams.State state : KafkaStreams.State.values()) {
            text.sample("restoreguard_engine_state", Map.of("state", state.name()), state == current ? 1 : 0);
        }
        text.family("restoreguard_engine_ready", "gauge", "1 when the engine is RUNNING.")
                .sample("restoreguard_engine_ready", Map.of(), current == KafkaStreams.State.RUNNING ? 1 : 0);
        text.family("restoreguard_engine_records_dead_lettered_total", "counter",
                        "Records sent to the dead-letter topic by this JVM since start.")
                .sample("restoreguard_engine_records_dead_lettered_total", Map.of(), DeadLetterHandler.deadLettered());
        text.family("restoreguard_engine_records_too_late_total", "counter",
                "Records applied later than the allowed lateness (revising no earlier verdict) since start, by kind.");
        for (Map.Entry<String, Long> late : TooLateRecords.byKind().entrySet()) {
            text.sample("restoreguard_engine_records_too_late_total", Map.of("kind", late.getKey()), late.getValue());
        }
        text.family("restoreguard_engine_stream_thread_replacements_total", "counter",
                        "Stream threads replaced after a transient failure since start.")
                .sample("restoreguard_engine_stream_thread_replacements_total", Map.of(), view.threadReplacements());
        text.family("restoreguard_engine_check_restore_requests_total", "counter",
                "check-restore answers since start, by result.");
        text.sample("restoreguard_engine_check_restore_requests_total", Map.of("result", "would_alert"),
                checksAlert.get());
        text.sample("restoreguard_engine_check_restore_requests_total", Map.of("result", "clear"), checksClear.get());
        text.sample("restoreguard_engine_check_restore_requests_total", Map.of("result", "bad_request"),
                checksBad.get());
        text.sample("restoreguard_engine_check_restore_requests_total", Map.of("result", "unavailable"),
                checksUnavailable.get());
        kafkaMetrics(text);
        return text.toString();
    }

    /** Kafka Streams' client-level and thread-level metrics (process-rate, commit-latency-avg, ...). */
    private void kafkaMetrics(final PrometheusText text) {
        final List<Map.Entry<MetricName, ? extends Metric>> selected = new ArrayList<>();
        for (Map.Entry<MetricName, ? extends Metric> m : view.metrics().entrySet()) {
            if (KAFKA_GROUPS.contains(m.getKey().group()) && m.getValue().metricValue() instanceof Number) {
                selected.add(m);
            }
        }
        // a family's samples must be contiguous
        selected.sort(Comparator.comparing((Map.Entry<MetricName, ? extends Metric> m) -> familyName(m.getKey()))
                .thenComparing(m -> m.getKey().tags().toString()));
        for (Map.Entry<MetricName, ? extends Metric> m : selected) {
            final String family = familyName(m.getKey());
            text.family(family, m.getKey().name().endsWith("-total") ? "counter" : "gauge",
                    m.getKey().description().isBlank() ? m.getKey().group() + " " + m.getKey().name()
                            : m.getKey().description());
            text.sample(family, m.getKey().tags(), ((Number) m.getValue().metricValue()).doubleValue());
        }
    }

    private static String familyName(final MetricName name) {
        final String group = name.group().endsWith("-metrics")
                ? name.group().substring(0, name.group().length() - "-metrics".length()) : name.group();
        return PrometheusText.sanitize("kafka_" + group + "_" + name.name());
    }

    private static Response error(final int status, final String message, final String parameter) {
        final ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("error", message);
        if (parameter != null) {
            body.put("parameter", parameter);
        }
        return json(status, body, Map.of());
    }

    private static Response json(final int status, final ObjectNode body, final Map<String, String> headers) {
        try {
            return new Response(status, JSON, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(body)
                    + "\n", headers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
