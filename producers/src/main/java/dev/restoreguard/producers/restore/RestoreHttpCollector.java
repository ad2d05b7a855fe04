package dev.restoreguard.producers.restore;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.EventValidationException;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.config.ConfigException;
import dev.restoreguard.producers.config.CollectorConfig;
import dev.restoreguard.producers.runtime.Collector;
import dev.restoreguard.producers.runtime.EventSink;
import dev.restoreguard.producers.runtime.Metrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An authenticated HTTP endpoint for restore records from scripts, other backup products and
 * pre-job/post-job hooks: {@code POST /v1/restores} with a {@link RestoreRequest} JSON body and
 * {@code Authorization: Bearer <token>}.
 *
 * <p>Topic written: {@code restoreguard.restores}, key the normalized observer, value an
 * {@link Envelope} of kind {@code restore} (source {@code restore-http}).
 *
 * <p>Answers: {@code 202} with the event id once the record is in the durable spool (so a script
 * that got 202 may exit: the event will reach Kafka); {@code 400} naming the field that is wrong;
 * {@code 401} without a valid bearer token; {@code 403} when the token is limited to other
 * observers; {@code 404}/{@code 405} for other paths and methods; {@code 413} over the body limit;
 * {@code 415} for a body that is not JSON; {@code 503} when the spool refused the record (retry).
 * Tokens are compared in constant time (SHA-256 of each, {@link MessageDigest#isEqual}) and never
 * logged. TLS is optional (a PKCS#12 key store).
 */
public final class RestoreHttpCollector implements Collector {

    private static final Logger LOGGER = LoggerFactory.getLogger(RestoreHttpCollector.class);
    /** The collector kind. */
    public static final String KIND = "restore-http";
    /** The one resource. */
    public static final String PATH = "/v1/restores";

    /** A token, optionally limited to some observers (empty: any observer). */
    public record Token(String name, byte[] sha256, List<String> observers) {
    }

    /** TLS settings: a PKCS#12 key store. */
    public record Tls(Path keyStore, char[] password) {
    }

    private final String bind;
    private final int port;
    private final List<Token> tokens;
    private final Tls tls;
    private final int maxBodyBytes;
    private final Metrics metrics;
    private final Clock clock;
    private HttpServer server;
    private ExecutorService executor;
    private EventSink sink;
    private volatile boolean ready;

    public RestoreHttpCollector(final String bind, final int port, final List<Token> tokens, final Tls tls,
                                final int maxBodyBytes, final Metrics metrics, final Clock clock) {
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("at least one token is required");
        }
        this.bind = bind;
        this.port = port;
        this.tokens = List.copyOf(tokens);
        this.tls = tls;
        this.maxBodyBytes = maxBodyBytes;
        this.metrics = metrics;
        this.clock = clock;
        metrics.counter("restoreguard_restore_http_accepted_total", "Restore records accepted over HTTP (spooled)");
        metrics.counter("restoreguard_restore_http_rejected_total", "Restore requests refused (auth, validation, size)");
    }

    /** SHA-256 of a token, the only form in which tokens are kept. */
    public static byte[] sha256(final String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void start(final EventSink eventSink) throws Exception {
        this.sink = eventSink;
        final InetSocketAddress address = new InetSocketAddress(bind, port);
        if (tls != null) {
            final HttpsServer https = HttpsServer.create(address, 64);
            https.setHttpsConfigurator(new HttpsConfigurator(sslContext(tls)));
            server = https;
        } else {
            server = HttpServer.create(address, 64);
        }
        executor = Executors.newFixedThreadPool(4, r -> Thread.ofPlatform().name("restore-http").daemon().unstarted(r));
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        ready = true;
        LOGGER.atInfo().addKeyValue("address", server.getAddress()).addKeyValue("tls", tls != null)
                .addKeyValue("tokens", tokens.size()).log("Restore HTTP endpoint up");
    }

    /** The bound port (after {@link #start}). */
    public int port() {
        return server.getAddress().getPort();
    }

    private static SSLContext sslContext(final Tls tls) throws Exception {
        final KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(tls.keyStore())) {
            store.load(in, tls.password());
        }
        final KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, tls.password());
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    private void handle(final HttpExchange ex) throws IOException {
        try (ex) {
            if (!PATH.equals(ex.getRequestURI().getPath())) {
                reject(ex, 404, "not_found", "POST restore records to " + PATH);
                return;
            }
            if (!"POST".equals(ex.getRequestMethod())) {
                ex.getResponseHeaders().set("Allow", "POST");
                reject(ex, 405, "method_not_allowed", "POST a JSON restore record");
                return;
            }
            final Token token = authenticate(ex.getRequestHeaders().getFirst("Authorization"));
            if (token == null) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"restoreguard\"");
                LOGGER.atWarn().addKeyValue("remote", ex.getRemoteAddress().getAddress().getHostAddress())
                        .log("Restore request without a valid bearer token refused");
                reject(ex, 401, "unauthorized", "send Authorization: Bearer <token>");
                return;
            }
            final String type = ex.getRequestHeaders().getFirst("Content-Type");
            if (type != null && !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
                reject(ex, 415, "unsupported_media_type", "Content-Type must be application/json");
                return;
            }
            final String length = ex.getRequestHeaders().getFirst("Content-Length");
            if (length != null && length.chars().allMatch(Character::isDigit) && length.length() < 19
                    && Long.parseLong(length) > maxBodyBytes) {
                reject(ex, 413, "too_large", "body over " + maxBodyBytes + " bytes");
                return;
            }
            final byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readNBytes(maxBodyBytes + 1);
            }
            if (body.length > maxBodyBytes) {
                reject(ex, 413, "too_large", "body over " + maxBodyBytes + " bytes");
                return;
            }
            final Envelope envelope;
            try {
                envelope = RestoreRequest.parse(body, clock.instant());
            } catch (EventValidationException e) {
                reject(ex, 400, "invalid", e.getMessage());
                return;
            }
            if (!token.observers().isEmpty() && !token.observers().contains(envelope.observer())) {
                LOGGER.atWarn().addKeyValue("token", token.name()).addKeyValue("observer", envelope.observer())
                        .log("Restore request for an observer outside the token's scope refused");
                reject(ex, 403, "forbidden", "this token may not report restores for observer '" + envelope.observer() + "'");
                return;
            }
            if (!sink.publish(Topics.RESTORES, envelope.observer(), envelope)) {
                respond(ex, 503, Map.of("error", "unavailable", "message", "spool full; retry later"));
                return;
            }
            metrics.increment("restoreguard_restore_http_accepted_total");
            LOGGER.atInfo().addKeyValue("token", token.name()).addKeyValue("observer", envelope.observer())
                    .addKeyValue("event_id", envelope.eventId()).log("Restore record accepted");
            respond(ex, 202, Map.of("event_id", envelope.eventId(), "status", "spooled"));
        }
    }

    /** The token presented, or null. Every configured token is compared, so timing tells nothing. */
    private Token authenticate(final String header) {
        if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        final byte[] presented = sha256(header.substring(7).strip());
        Token match = null;
        for (Token t : tokens) {
            if (MessageDigest.isEqual(t.sha256(), presented) && match == null) {
                match = t;
            }
        }
        return match;
    }

    private void reject(final HttpExchange ex, final int code, final String error, final String message) throws IOException {
        metrics.increment("restoreguard_restore_http_rejected_total");
        respond(ex, code, Map.of("error", error, "message", message));
    }

    private static void respond(final HttpExchange ex, final int code, final Map<String, String> body) throws IOException {
        final byte[] bytes = Json.MAPPER.writeValueAsBytes(body);
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
        }
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    /**
     * Builds the endpoint from its configuration: each {@code tokens} entry, then one token per
     * line of {@code token_file} (blank lines and {@code #} comments skipped; any observer).
     *
     * @throws ConfigException naming the key when the token file cannot be read or holds a short token
     */
    public static RestoreHttpCollector create(final CollectorConfig.RestoreHttp c, final Metrics metrics) {
        final List<Token> out = new ArrayList<>();
        for (CollectorConfig.HttpToken t : c.tokens()) {
            out.add(new Token(t.name(), sha256(t.token()), t.observers()));
        }
        if (c.tokenFile() != null) {
            final List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(c.tokenFile()), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ConfigException("collectors.restore_http.token_file: cannot read " + c.tokenFile() + ": " + e);
            }
            for (int i = 0; i < lines.size(); i++) {
                final String token = lines.get(i).strip();
                if (token.isEmpty() || token.startsWith("#")) {
                    continue;
                }
                ConfigException.check(token.length() >= CollectorConfig.HttpToken.MIN_LENGTH,
                        "collectors.restore_http.token_file", "line " + (i + 1) + ": token shorter than "
                                + CollectorConfig.HttpToken.MIN_LENGTH + " characters");
                out.add(new Token("token_file:" + (i + 1), sha256(token), List.of()));
            }
        }
        ConfigException.check(!out.isEmpty(), "collectors.restore_http.tokens", "configure at least one token (or token_file)");
        final Tls tls = c.tls() == null ? null : new Tls(Path.of(c.tls().keyStore()), c.tls().keyStorePassword().toCharArray());
        return new RestoreHttpCollector(c.bind(), c.port(), out, tls, c.maxBodyBytes(), metrics, Clock.systemUTC());
    }
}
