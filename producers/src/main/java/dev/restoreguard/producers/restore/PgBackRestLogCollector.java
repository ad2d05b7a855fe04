package dev.restoreguard.producers.restore;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.net.Names;
import dev.restoreguard.events.restore.RestoreEvent;
import dev.restoreguard.producers.runtime.Collector;
import dev.restoreguard.producers.runtime.EventSink;
import dev.restoreguard.producers.runtime.LineFollower;
import dev.restoreguard.producers.runtime.Metrics;
import dev.restoreguard.producers.runtime.Worker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails pgBackRest log files and turns each {@code restore} command into restore records.
 *
 * <p>Topic written: {@code restoreguard.restores}, key the observer, value an {@link Envelope} of
 * kind {@code restore} (source {@code pgbackrest}, product {@code pgbackrest}):
 *
 * <ul>
 *   <li>{@code restore command begin} → {@code started}: session = the {@code --exec-id} option
 *       (pgBackRest 2.30+), else {@code <stanza>-<begin time as yyyyMMdd'T'HHmmss.SSS>} (both taken
 *       from the log, so a re-read line yields the same session and event id); target =
 *       {@code --pg1-host} when present, else the configured target, else the observer (pgBackRest
 *       restores into the cluster of the machine it runs on); job = the stanza; database = the
 *       {@code --db-include} list; reason = the recovery {@code --type}/{@code --target}/{@code --set}.</li>
 *   <li>{@code restore command end: completed successfully} → {@code finished};
 *       {@code aborted with exception [NNN]} → {@code failed}, task status naming the exception
 *       and the last {@code ERROR: [NNN]: ...} line of the command.</li>
 * </ul>
 *
 * Other commands (backup, archive-get, ...) and other lines are ignored. Log times carry no zone:
 * they are read in the configured zone (default: this machine's). The open session is saved with
 * the file position (see {@link LineFollower}), so a collector restarted between begin and end
 * still closes the right session. An end without a begin is counted and skipped.
 */
public final class PgBackRestLogCollector implements Collector {

    private static final Logger LOGGER = LoggerFactory.getLogger(PgBackRestLogCollector.class);
    /** The collector kind and event source. */
    public static final String KIND = "pgbackrest";
    /** The product named in the records. */
    public static final String PRODUCT = "pgbackrest";
    private static final DateTimeFormatter SESSION_TIME = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSS");
    private static final int MAX_ERROR_CHARS = 300;

    private final String observer;
    private final List<Path> files;
    private final String target;
    private final ZoneId zone;
    private final Duration poll;
    private final Path stateDir;
    private final Metrics metrics;
    private final PgBackRestLogParser parser = new PgBackRestLogParser();
    private final List<LineFollower> followers = new ArrayList<>();
    private Worker worker;
    private EventSink sink;
    private volatile boolean ready;

    /** The restore in progress in one file, saved with its position. */
    record Open(String session, String target, String job, String database, String reason, String error) {
    }

    /**
     * @param observer this machine's normalized FQDN
     * @param files    pgBackRest log files to follow
     * @param target   host restored to when the options name none (null: the observer)
     * @param zone     zone of the log's times
     */
    public PgBackRestLogCollector(final String observer, final List<Path> files, final String target, final ZoneId zone,
                                  final Duration poll, final Path stateDir, final Metrics metrics) {
        this.observer = observer;
        this.files = List.copyOf(files);
        this.target = target == null ? null : Names.normalize(target);
        this.zone = zone;
        this.poll = poll;
        this.stateDir = stateDir.resolve(KIND);
        this.metrics = metrics;
        metrics.counter("restoreguard_pgbackrest_restores_total", "pgBackRest restore records published");
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void start(final EventSink eventSink) throws Exception {
        this.sink = eventSink;
        Files.createDirectories(stateDir);
        for (Path f : files) {
            followers.add(new LineFollower(f, stateDir, PgBackRestLogParser.MAX_LINE, metrics, KIND));
        }
        worker = new Worker("pgbackrest");
        worker.runNow(this::followAll);
        worker.every(poll, this::followAll);
        ready = true;
        LOGGER.atInfo().addKeyValue("files", files).addKeyValue("zone", zone).log("pgBackRest log collector following");
    }

    /** Reads what was appended to every file now and waits (tests). */
    public void followNow() throws Exception {
        worker.runNow(this::followAll);
    }

    private void followAll() {
        for (LineFollower f : followers) {
            try {
                final Open[] open = {readOpen(f.context())};
                f.poll(line -> {
                    final Open before = open[0];
                    final boolean ok = handle(line, open);
                    if (ok && before != open[0]) {
                        f.context(writeOpen(open[0]));
                    }
                    return ok;
                });
            } catch (IOException | RuntimeException e) {
                metrics.increment(Metrics.ERRORS);
                LOGGER.atWarn().addKeyValue("error", e.toString()).log("Cannot follow a pgBackRest log; retrying");
            }
        }
    }

    /** Handles one line against the open restore ({@code open[0]}); false when the spool refused. */
    boolean handle(final String line, final Open[] open) {
        return switch (parser.parse(line)) {
            case PgBackRestLogParser.CommandBegin b when b.command().equals("restore") -> {
                final Open o = begin(b);
                final RestoreEvent r = new RestoreEvent(PRODUCT, o.session(), "started", o.target(), o.database(), o.job(),
                        null, o.reason(), null, null);
                if (!publish(b.at(), r)) {
                    yield false;
                }
                open[0] = o;
                yield true;
            }
            case PgBackRestLogParser.ErrorLine e when open[0] != null -> {
                final String msg = "[" + String.format("%03d", e.code()) + "]: " + e.message();
                final Open o = open[0];
                open[0] = new Open(o.session(), o.target(), o.job(), o.database(), o.reason(),
                        msg.length() > MAX_ERROR_CHARS ? msg.substring(0, MAX_ERROR_CHARS) : msg);
                yield true;
            }
            case PgBackRestLogParser.CommandEnd e when e.command().equals("restore") -> {
                final Open o = open[0];
                if (o == null) {
                    metrics.skipped("pgbackrest-end-without-begin");
                    yield true;
                }
                final String status = e.success() ? "completed successfully"
                        : "aborted with exception [" + String.format("%03d", e.exceptionCode()) + "]"
                        + (o.error() == null ? "" : ": " + o.error());
                final RestoreEvent r = new RestoreEvent(PRODUCT, o.session(), e.success() ? "finished" : "failed", o.target(),
                        o.database(), o.job(), null, o.reason(), status, null);
                if (!publish(e.at(), r)) {
                    yield false;
                }
                open[0] = null;
                yield true;
            }
            default -> true;
        };
    }

    private Open begin(final PgBackRestLogParser.CommandBegin b) {
        final Map<String, String> o = b.options();
        final String stanza = blankToNull(o.get("stanza"));
        final String execId = blankToNull(o.get("exec-id"));
        final String session = execId != null ? execId : (stanza == null ? "restore" : stanza) + "-" + SESSION_TIME.format(b.at());
        final String host = blankToNull(o.get("pg1-host"));
        final String restoredTo = host != null ? Names.normalize(host) : target != null ? target : observer;
        final List<String> reason = new ArrayList<>();
        for (String key : List.of("type", "target", "set")) {
            if (blankToNull(o.get(key)) != null) {
                reason.add(key + "=" + o.get(key));
            }
        }
        return new Open(session, restoredTo, stanza, blankToNull(o.get("db-include")),
                reason.isEmpty() ? null : String.join(" ", reason), null);
    }

    private boolean publish(final java.time.LocalDateTime at, final RestoreEvent r) {
        final boolean ok = sink.publish(Topics.RESTORES, observer, Envelope.of(KIND, at.atZone(zone).toInstant(), observer, r));
        if (ok) {
            metrics.increment("restoreguard_pgbackrest_restores_total");
        }
        return ok;
    }

    private static String blankToNull(final String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static Open readOpen(final String context) throws IOException {
        return context == null ? null : Json.MAPPER.readValue(context, Open.class);
    }

    private static String writeOpen(final Open open) {
        try {
            return open == null ? null : Json.MAPPER.writeValueAsString(open);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean ready() {
        return ready;
    }

    @Override
    public void close() {
        ready = false;
        if (worker != null) {
            worker.close();
        }
        followers.forEach(LineFollower::close);
    }
}
