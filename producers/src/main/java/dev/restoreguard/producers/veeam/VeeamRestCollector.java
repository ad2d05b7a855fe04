package dev.restoreguard.producers.veeam;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.restore.RestoreEvent;
import dev.restoreguard.producers.runtime.Collector;
import dev.restoreguard.producers.runtime.EventSink;
import dev.restoreguard.producers.runtime.Metrics;
import dev.restoreguard.producers.runtime.StateFiles;
import dev.restoreguard.producers.runtime.PollingWorker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls Veeam B&amp;R's REST API v1 for restore sessions, a second source of restore records
 * beside syslog (which may lose datagrams or not be forwarded at all).
 *
 * <p>Every {@code poll_seconds}: for each configured {@code typeFilter} value (one request series
 * per type, since REST 1.1 takes one type and 1.3 a list), {@code GET /api/v1/sessions} created
 * after the watermark minus one minute, oldest first, all pages. A session seen for the first time
 * publishes a restore {@code started} at its {@code creationTime}; once its {@code state} is
 * {@code Stopped} (from the list, or from {@code GET /api/v1/sessions/{id}} for sessions still
 * open) it publishes {@code finished} (result {@code Success} 0, {@code Warning} 1) or
 * {@code failed} ({@code Failed} 2, or canceled) at its {@code endTime}. The session id is Veeam's
 * session id, the {@code JobSessionID} of the syslog events, so both sources describe one session
 * (subject {@code restore:veeam:<id>}); the REST model names no target host, so the verdict waits
 * for a record that does (syslog 250/251), as the contract says.
 *
 * <p>Topics written: {@code restoreguard.restores}, key the observer (configured, else the URL's
 * host), source {@code veeam-rest}. State (watermark, open and recently finished sessions) is kept
 * in {@code <state_dir>/veeam-rest/state.json} and moves only after the spool accepted the event.
 */
public final class VeeamRestCollector implements Collector {

    private static final Logger LOGGER = LoggerFactory.getLogger(VeeamRestCollector.class);
    /** The collector kind and event source. */
    public static final String KIND = "veeam-rest";
    static final String SESSIONS = "restoreguard_veeam_rest_session_events_total";
    private static final Duration OVERLAP = Duration.ofMinutes(1);
    private static final Duration KEEP_DONE = Duration.ofDays(2);

    /** What is kept between polls and restarts. */
    record State(Instant watermark, Map<String, Instant> open, Map<String, Instant> done) {
        State {
            open = new LinkedHashMap<>(open == null ? Map.of() : open);
            done = new LinkedHashMap<>(done == null ? Map.of() : done);
        }
    }

    private final VeeamRestClient client;
    private final List<String> types;
    private final String observer;
    private final int pageSize;
    private final Duration pollInterval;
    private final Duration initialLookback;
    private final Path stateFile;
    private final Metrics metrics;
    private final Clock clock;
    private final VeeamSessionStopper stopper;
    private PollingWorker worker;
    private EventSink sink;
    private State state;

    /**
     * @param stopper the optional stop responder (started and closed with the collector), or null
     */
    public VeeamRestCollector(final VeeamRestClient client, final List<String> types, final String observer, final int pageSize,
                              final Duration pollInterval, final Duration initialLookback, final Path stateDir,
                              final Metrics metrics, final Clock clock, final VeeamSessionStopper stopper) {
        this.client = client;
        this.types = List.copyOf(types);
        this.observer = observer;
        this.pageSize = pageSize;
        this.pollInterval = pollInterval;
        this.initialLookback = initialLookback;
        this.stateFile = stateDir.resolve(KIND).resolve("state.json");
        this.metrics = metrics;
        this.clock = clock;
        this.stopper = stopper;
        metrics.counter(SESSIONS, "Veeam restore session records published from the REST API");
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void start(final EventSink eventSink) throws Exception {
        this.sink = eventSink;
        Files.createDirectories(stateFile.getParent());
        state = Files.exists(stateFile) ? Json.MAPPER.readValue(stateFile.toFile(), new TypeReference<State>() { })
                : new State(clock.instant().minus(initialLookback), null, null);
        worker = new PollingWorker(KIND, metrics);
        worker.start(pollInterval, this::poll); // Veeam down at start is logged and retried, not fatal
        if (stopper != null) {
            stopper.start(eventSink);
        }
    }

    /** Polls now and waits (tests). */
    public void pollNow() throws Exception {
        worker.pollNow();
    }

    private void poll() throws IOException, InterruptedException {
        Instant watermark = state.watermark();
        Instant refused = null;
        for (String type : types) {
            for (JsonNode s : client.sessions(type, state.watermark().minus(OVERLAP), pageSize)) {
                final String id = s.path("id").asText(null);
                final Instant created = time(s, "creationTime");
                if (id == null || created == null) {
                    metrics.skipped("veeam-rest-session-malformed");
                    LOGGER.atWarn().addKeyValue("session", s.toString()).log("Veeam session without id or creationTime skipped");
                    continue;
                }
                if (!state.open().containsKey(id) && !state.done().containsKey(id)) {
                    if (!publish(created, started(id, s))) {
                        refused = refused == null || created.isBefore(refused) ? created : refused;
                        break; // spool full: the watermark stays before this session
                    }
                    state.open().put(id, created);
                }
                if (state.open().containsKey(id) && stopped(s) && !finish(id, s)) {
                    refused = refused == null || created.isBefore(refused) ? created : refused;
                    break;
                }
                if (created.isAfter(watermark)) {
                    watermark = created;
                }
            }
        }
        for (String id : List.copyOf(state.open().keySet())) {
            final JsonNode s = client.session(id);
            if (s == null) {
                LOGGER.atWarn().addKeyValue("session", id).log("Veeam no longer knows an open session; forgetting it");
                state.done().put(id, state.open().remove(id));
            } else if (stopped(s)) {
                finish(id, s);
            }
        }
        if (refused != null && !watermark.isBefore(refused)) {
            watermark = refused.minusMillis(1);
        }
        final Instant keepAfter = watermark.minus(KEEP_DONE);
        state.done().values().removeIf(t -> t.isBefore(keepAfter));
        state = new State(watermark, state.open(), state.done());
        StateFiles.writeAtomically(stateFile, Json.MAPPER.writeValueAsBytes(state));
    }

    private boolean finish(final String id, final JsonNode s) {
        final Instant ended = time(s, "endTime");
        if (!publish(ended == null ? state.open().get(id) : ended, finished(id, s))) {
            return false;
        }
        state.done().put(id, state.open().remove(id));
        return true;
    }

    private boolean publish(final Instant at, final RestoreEvent event) {
        final boolean ok = sink.publish(Topics.RESTORES, observer, Envelope.of(KIND, at, observer, event));
        if (ok) {
            metrics.increment(SESSIONS);
        }
        return ok;
    }

    private static boolean stopped(final JsonNode s) {
        return "Stopped".equalsIgnoreCase(s.path("state").asText(""));
    }

    /** The restore record of a session's start. */
    static RestoreEvent started(final String id, final JsonNode s) {
        return new RestoreEvent(VeeamSyslogParser.PRODUCT, id, "started", null, null, text(s, "name"), text(s, "initiatedBy"),
                null, null, null);
    }

    /** The restore record of a stopped session: {@code Failed} or canceled is failed (2), Warning 1, Success 0. */
    static RestoreEvent finished(final String id, final JsonNode s) {
        final JsonNode result = s.path("result");
        final String value = result.path("result").asText("");
        final boolean canceled = result.path("isCanceled").asBoolean(false);
        final Integer code = switch (value) {
            case "Success" -> 0;
            case "Warning" -> 1;
            case "Failed" -> 2;
            default -> null;
        };
        final boolean failed = canceled || "Failed".equals(value);
        return new RestoreEvent(VeeamSyslogParser.PRODUCT, id, failed ? "failed" : "finished", null, null, text(s, "name"),
                null, null, canceled ? "Canceled" : null, failed ? 2 : code);
    }

    private static String text(final JsonNode s, final String field) {
        return blankToNull(s.path(field).asText(null));
    }

    private static String blankToNull(final String v) {
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static Instant time(final JsonNode s, final String field) {
        final String v = text(s, field);
        if (v == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    @Override
    public boolean ready() {
        return worker != null && worker.lastPollOk();
    }

    @Override
    public void close() {
        if (stopper != null) {
            stopper.close();
        }
        if (worker != null) {
            worker.close();
        }
    }
}
