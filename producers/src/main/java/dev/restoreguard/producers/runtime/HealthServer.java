package dev.restoreguard.producers.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector's HTTP endpoints on the JDK's built-in server (no web framework on a backup
 * server): {@code GET /health/live} (200 while the process works), {@code GET /health/ready}
 * (200 once the collector took its baseline and the spool has room, else 503 with the reasons),
 * and {@code GET /metrics} (Prometheus text format).
 */
public final class HealthServer implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(HealthServer.class);

    /** A health verdict: healthy or not, and why. */
    public record Status(boolean ok, String detail) {
    }

    private final HttpServer server;

    /**
     * Starts serving on {@code bind:port} (port 0 picks a free one, see {@link #port()}).
     */
    public HealthServer(final String bind, final int port, final Supplier<Status> live, final Supplier<Status> ready,
                        final Metrics metrics) throws IOException {
        server = HttpServer.create(new InetSocketAddress(bind, port), 16);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("health-http").unstarted(r)));
        server.createContext("/health/live", ex -> status(ex, live.get()));
        server.createContext("/health/ready", ex -> status(ex, ready.get()));
        server.createContext("/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.render()));
        server.start();
        LOGGER.atInfo().addKeyValue("address", server.getAddress()).log("Health and metrics endpoints up");
    }

    private static void status(final HttpExchange ex, final Status status) throws IOException {
        final String body = "{\"status\":\"" + (status.ok() ? "UP" : "DOWN") + "\",\"detail\":\""
                + status.detail().replace("\\", "\\\\").replace("\"", "\\\"") + "\"}\n";
        respond(ex, status.ok() ? 200 : 503, "application/json", body);
    }

    private static void respond(final HttpExchange ex, final int code, final String type, final String body)
            throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", type);
            if ("HEAD".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(code, -1); // a HEAD answer has no body
                return;
            }
            ex.sendResponseHeaders(code, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** The port actually bound. */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
