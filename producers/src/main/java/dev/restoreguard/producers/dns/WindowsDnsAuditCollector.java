package dev.restoreguard.producers.dns;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.Topics;
import dev.restoreguard.producers.config.CollectorConfig;
import dev.restoreguard.producers.runtime.Collector;
import dev.restoreguard.producers.runtime.EventSink;
import dev.restoreguard.producers.runtime.LineFollower;
import dev.restoreguard.producers.runtime.Metrics;
import dev.restoreguard.producers.runtime.Worker;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects {@code Microsoft-Windows-DNSServer/Audit} events as Winlogbeat ships them: follows
 * JSON-lines files (Winlogbeat's file output) and/or accepts {@code POST}ed JSON lines (or a JSON
 * array) on an HTTP endpoint, maps each event through {@link WindowsDnsAuditParser} and publishes
 * the record changes.
 *
 * <p>Topic written: {@code restoreguard.dns.records}, key the record's FQDN, value an
 * {@link Envelope} of kind {@code dns_record} (source {@code windows-dns}, observer the DNS server,
 * event time the event's {@code @timestamp}, so a re-read event keeps its id).
 *
 * <p>Files are followed by a {@link LineFollower} from the last position published, kept in
 * {@code <state_dir>/windows-dns/}; a rotated file is read to its end before the new one, a file
 * that shrank is read again from its start. Lines over 1 MiB, other event
 * ids and malformed events are counted on {@code restoreguard_collector_input_skipped_total} with
 * their reason and never stop the collector. When the spool refuses an event the position stays
 * before it (file) or the request gets 503 (HTTP), so nothing is skipped.
 */
public final class WindowsDnsAuditCollector implements Collector {

    private static final Logger LOGGER = LoggerFactory.getLogger(WindowsDnsAuditCollector.class);
    /** The collector kind and event source. */
    public static final String KIND = "windows-dns";
    static final int MAX_LINE = 1024 * 1024;
    private static final int MAX_BODY = 16 * 1024 * 1024;

    private final List<Path> files;
    private final CollectorConfig.Http http;
    private final String defaultServer;
    private final Path stateDir;
    private final Metrics metrics;
    private final WindowsDnsAuditParser parser = new WindowsDnsAuditParser();
    private final List<LineFollower> followers = new ArrayList<>();
    private Worker worker;
    private HttpServer server;
    private EventSink sink;
    private volatile boolean ready;

    public WindowsDnsAuditCollector(final List<Path> files, final CollectorConfig.Http http, final String defaultServer,
                                    final Path stateDir, final Metrics metrics) {
        this.files = List.copyOf(files);
        this.http = http;
        this.defaultServer = defaultServer;
        this.stateDir = stateDir.resolve(KIND);
        this.metrics = metrics;
        metrics.counter("restoreguard_windows_dns_changes_total", "Windows DNS record changes published");
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
            followers.add(new LineFollower(f, stateDir, MAX_LINE, metrics, KIND));
        }
        worker = new Worker("windows-dns");
        worker.runNow(this::followAll);
        worker.every(Duration.ofSeconds(1), this::followAll);
        if (http != null) {
            server = HttpServer.create(new InetSocketAddress(http.bind(), http.port()), 16);
            server.setExecutor(Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().name("windows-dns-http").daemon().unstarted(r)));
            server.createContext("/", this::handle);
            server.start();
            LOGGER.atInfo().addKeyValue("address", server.getAddress()).log("Windows DNS audit endpoint up");
        }
        ready = true;
    }

    /** Reads what was appended to every file now and waits (tests). */
    public void followNow() throws Exception {
        worker.runNow(this::followAll);
    }

    /** The HTTP endpoint's port, or -1 without one. */
    public int httpPort() {
        return server == null ? -1 : server.getAddress().getPort();
    }

    private void followAll() {
        for (LineFollower f : followers) {
            try {
                f.poll(this::handleLine);
            } catch (IOException | RuntimeException e) {
                metrics.increment(Metrics.ERRORS);
                LOGGER.atWarn().addKeyValue("error", e.toString()).log("Cannot follow the file; retrying");
            }
        }
    }

    /** Handles one line; false when the spool refused its event. */
    private boolean handleLine(final String text) {
        final String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            return true;
        }
        return handle(parser.parse(trimmed, defaultServer));
    }

    private boolean handle(final WindowsDnsAuditParser.Result result) {
        return switch (result) {
            case WindowsDnsAuditParser.Change c -> {
                final boolean ok = sink.publish(Topics.DNS, c.fqdn(), Envelope.of(KIND, c.at(), c.change().server(), c.change()));
                if (ok) {
                    metrics.increment("restoreguard_windows_dns_changes_total");
                }
                yield ok;
            }
            case WindowsDnsAuditParser.Ignored i -> {
                metrics.skipped("windows-dns-event-ignored");
                yield true;
            }
            case WindowsDnsAuditParser.Skipped s -> {
                metrics.skipped("windows-dns-malformed");
                LOGGER.atWarn().addKeyValue("reason", s.reason()).log("Windows DNS audit event skipped");
                yield true;
            }
        };
    }

    private void handle(final HttpExchange ex) throws IOException {
        try (ex) {
            if (!"POST".equals(ex.getRequestMethod())) {
                respond(ex, 405, "{\"error\":\"POST JSON lines or a JSON array of Winlogbeat events\"}");
                return;
            }
            final byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readNBytes(MAX_BODY + 1);
            }
            if (body.length > MAX_BODY) {
                metrics.skipped("windows-dns-body-too-large");
                respond(ex, 413, "{\"error\":\"body over 16 MiB\"}");
                return;
            }
            final List<WindowsDnsAuditParser.Result> results = new ArrayList<>();
            final String text = new String(body, StandardCharsets.UTF_8).strip();
            if (text.startsWith("[")) {
                final JsonNode array;
                try {
                    array = Json.MAPPER.readTree(text);
                } catch (IOException e) {
                    metrics.skipped("windows-dns-malformed");
                    respond(ex, 400, "{\"error\":\"not a JSON array\"}");
                    return;
                }
                array.forEach(node -> results.add(parser.parse(node, defaultServer)));
            } else {
                for (String line : text.split("\n")) {
                    if (!line.isBlank()) {
                        results.add(parser.parse(line.strip(), defaultServer));
                    }
                }
            }
            int accepted = 0;
            int ignored = 0;
            int skipped = 0;
            boolean refused = false;
            for (WindowsDnsAuditParser.Result r : results) {
                if (r instanceof WindowsDnsAuditParser.Change) {
                    if (!handle(r)) {
                        refused = true;
                        break;
                    }
                    accepted++;
                } else {
                    handle(r);
                    if (r instanceof WindowsDnsAuditParser.Ignored) {
                        ignored++;
                    } else {
                        skipped++;
                    }
                }
            }
            final String counts = "\"accepted\":" + accepted + ",\"ignored\":" + ignored + ",\"skipped\":" + skipped;
            // 503 makes the shipper retry the batch; events already spooled keep their ids, so the retry is harmless.
            respond(ex, refused ? 503 : 200, refused ? "{\"error\":\"spool full\"," + counts + "}" : "{" + counts + "}");
        }
    }

    private static void respond(final HttpExchange ex, final int code, final String body) throws IOException {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public boolean ready() {
        return ready;
    }

    @Override
    public void close() {
        ready = false;
        if (server != null) {
            server.stop(0);
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        }
        if (worker != null) {
            worker.close();
        }
        followers.forEach(LineFollower::close);
    }
}
