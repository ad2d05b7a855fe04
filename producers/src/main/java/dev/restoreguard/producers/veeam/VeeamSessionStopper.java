package dev.restoreguard.producers.veeam;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.events.audit.AuditRecord;
import dev.restoreguard.producers.runtime.EventSink;
import dev.restoreguard.producers.runtime.Metrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optional responder (off by default) that stops a running Veeam session when the engine
 * raises RG-001 (restore into production without approval) or RG-002 (target mismatch) about it.
 *
 * <p>Reads {@code restoreguard.alerts} ({@code isolation.level=read_committed}, so only alerts of
 * committed engine transactions; its own consumer group, starting at the end for a new group) and
 * acts on an alert when: its rule is configured, its status is {@code open}, its evidence says
 * {@code product: veeam} with a {@code session_id}, and its {@code observer} is this VBR server.
 * It asks Veeam for the session first ({@code GET /api/v1/sessions/{id}}) and calls
 * {@code POST /api/v1/sessions/{id}/stop} only when the session is not {@code Stopped} yet.
 *
 * <p>Every decision is recorded: an {@link AuditRecord} (format {@code restoreguard}, action
 * {@code veeam-session-stop-requested}, {@code -skipped} or {@code -failed}, with the alert id,
 * rule, the Veeam state before and the HTTP answer) on {@code restoreguard.audit} (key: observer,
 * source {@code veeam-stop}, through the spool) and a log line. Idempotent per session: a session
 * acted on is remembered in {@code <state_dir>/veeam-rest/stopped-sessions} and never touched
 * again, whatever alert versions follow (RG-001 and RG-002 of one session give one stop).
 */
public final class VeeamSessionStopper implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(VeeamSessionStopper.class);
    /** Source of the audit events. */
    public static final String SOURCE = "veeam-stop";
    static final String STOPS = "restoreguard_veeam_session_stops_total";
    private static final int ATTEMPTS = 3;

    /** What the responder did with one alert. */
    public enum Outcome { IGNORED, REQUESTED, SKIPPED, FAILED }

    private final VeeamRestClient client;
    private final String observer;
    private final Set<String> rules;
    private final Map<String, Object> consumerConfig;
    private final Path stoppedFile;
    private final Metrics metrics;
    private final Clock clock;
    private final Set<String> acted = new HashSet<>();
    private EventSink sink;
    private KafkaConsumer<String, Alert> consumer;
    private Thread thread;
    private volatile boolean running;

    /**
     * @param consumerConfig Kafka consumer settings (bootstrap servers, security, group id); the
     *                       isolation level, offsets and deserializers are set here
     */
    public VeeamSessionStopper(final VeeamRestClient client, final String observer, final List<String> rules,
                               final Map<String, Object> consumerConfig, final Path stateDir, final Metrics metrics,
                               final Clock clock) {
        this.client = client;
        this.observer = observer;
        this.rules = Set.copyOf(rules);
        this.consumerConfig = new HashMap<>(consumerConfig);
        this.stoppedFile = stateDir.resolve(VeeamRestCollector.KIND).resolve("stopped-sessions");
        this.metrics = metrics;
        this.clock = clock;
        metrics.counter(STOPS, "Veeam sessions RestoreGuard asked to stop");
    }

    /** Loads the sessions already acted on and starts reading alerts. */
    public void start(final EventSink eventSink) throws IOException {
        load(eventSink);
        final Map<String, Object> c = new HashMap<>(consumerConfig);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        consumer = new KafkaConsumer<>(c, Topics.ALERTS.keySerde().deserializer(), Topics.ALERTS.valueSerde().deserializer());
        consumer.subscribe(List.of(Topics.ALERTS.name()));
        running = true;
        thread = Thread.ofPlatform().name("veeam-stop").daemon().start(this::run);
        LOGGER.atWarn().addKeyValue("observer", observer).addKeyValue("rules", rules)
                .log("Veeam session stop responder ENABLED: running restores will be stopped on these alerts");
    }

    /** Loads the sessions acted on earlier and sets the sink (tests call {@link #handle} directly after this). */
    public void load(final EventSink eventSink) throws IOException {
        this.sink = eventSink;
        Files.createDirectories(stoppedFile.getParent());
        if (Files.exists(stoppedFile)) {
            Files.readAllLines(stoppedFile, StandardCharsets.UTF_8).stream().map(String::strip).filter(l -> !l.isEmpty())
                    .forEach(acted::add);
        }
    }

    private void run() {
        while (running) {
            try {
                for (ConsumerRecord<String, Alert> r : consumer.poll(Duration.ofSeconds(1))) {
                    handle(r.value());
                }
                consumer.commitSync();
            } catch (RecordDeserializationException e) {
                metrics.skipped("veeam-stop-alert-unreadable");
                LOGGER.atWarn().addKeyValue("partition", e.topicPartition()).addKeyValue("offset", e.offset())
                        .log("Unreadable alert skipped");
                consumer.seek(e.topicPartition(), e.offset() + 1);
            } catch (WakeupException e) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (running) {
                    metrics.increment(Metrics.ERRORS);
                    LOGGER.atError().setCause(e).log("Veeam stop responder failed; continuing");
                }
            }
        }
    }

    /** Decides about one alert and acts on it. */
    public Outcome handle(final Alert alert) throws InterruptedException {
        if (alert == null || !rules.contains(alert.rule().id()) || !Alert.OPEN.equals(alert.alert().status())) {
            return Outcome.IGNORED;
        }
        final Map<String, Object> evidence = alert.restoreguard().evidence();
        final Object product = evidence.get("product");
        final Object session = evidence.get("session_id");
        final Object alertObserver = evidence.get("observer");
        if (!VeeamSyslogParser.PRODUCT.equals(product) || session == null || !observer.equals(alertObserver)) {
            return Outcome.IGNORED;
        }
        final String id = session.toString();
        if (acted.contains(id)) {
            return Outcome.IGNORED;
        }
        String veeamState = null;
        Exception last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                final JsonNode s = client.session(id);
                if (s == null) {
                    return record(alert, id, Outcome.SKIPPED, "veeam-session-stop-skipped", null, null,
                            "Veeam does not know the session");
                }
                veeamState = s.path("state").asText(null);
                if ("Stopped".equalsIgnoreCase(veeamState)) {
                    return record(alert, id, Outcome.SKIPPED, "veeam-session-stop-skipped", veeamState, null,
                            "the session had already ended");
                }
                final int status = client.stop(id);
                metrics.increment(STOPS);
                return record(alert, id, Outcome.REQUESTED, "veeam-session-stop-requested", veeamState, status, null);
            } catch (VeeamRestClient.VeeamApiException e) {
                last = e;
                if (e.status() / 100 == 4) {
                    break; // refused (forbidden, unknown session): retrying will not help
                }
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(500L * attempt);
        }
        final Integer status = last instanceof VeeamRestClient.VeeamApiException api ? api.status() : null;
        return record(alert, id, Outcome.FAILED, "veeam-session-stop-failed", veeamState, status, last.getMessage());
    }

    private Outcome record(final Alert alert, final String id, final Outcome outcome, final String action,
                           final String veeamState, final Integer status, final String detail) {
        final Map<String, String> fields = new LinkedHashMap<>();
        fields.put("alert_id", alert.alert().id());
        fields.put("rule_id", alert.rule().id());
        fields.put("subject", alert.alert().subject());
        fields.put("session_id", id);
        putIfNotNull(fields, "veeam_state_before", veeamState);
        putIfNotNull(fields, "http_status", status == null ? null : status.toString());
        putIfNotNull(fields, "detail", detail);
        final Envelope e = Envelope.of(SOURCE, clock.instant().truncatedTo(ChronoUnit.MILLIS), observer,
                new AuditRecord("restoreguard", action, id, fields, null));
        final boolean spooled = sink.publish(Topics.AUDIT, observer, e);
        (outcome == Outcome.FAILED ? LOGGER.atError() : LOGGER.atWarn()).addKeyValue("action", action)
                .addKeyValue("session", id).addKeyValue("alert", alert.alert().id()).addKeyValue("rule", alert.rule().id())
                .addKeyValue("veeam_state", veeamState).addKeyValue("http_status", status).addKeyValue("detail", detail)
                .addKeyValue("audit_spooled", spooled).log("Veeam session stop responder acted");
        if (outcome != Outcome.FAILED) {
            remember(id);
        }
        return outcome;
    }

    private void remember(final String id) {
        acted.add(id);
        try {
            Files.writeString(stoppedFile, id + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.SYNC);
        } catch (IOException e) {
            metrics.increment(Metrics.ERRORS);
            LOGGER.atError().addKeyValue("file", stoppedFile).addKeyValue("error", e.toString())
                    .log("Cannot record the stopped session; it is remembered until the restart only");
        }
    }

    private static void putIfNotNull(final Map<String, String> m, final String k, final String v) {
        if (v != null) {
            m.put(k, v);
        }
    }

    @Override
    public void close() {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(2));
        }
    }
}
