package dev.restoreguard.sinks.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The sink services' HTTP endpoint (JDK HttpServer): {@code /health/live} (200 while no loop died),
 * {@code /health/ready} (200 while every loop consumes and its last batch was delivered; 503 with
 * the reason otherwise, for example while a channel is down) and {@code /metrics} (Prometheus text).
 */
public final class HealthServer implements AutoCloseable {

    private final HttpServer server;

    public HealthServer(final String host, final int port, final SinkService service) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("restoreguard-sink-http").unstarted(r)));
        server.createContext("/health/live", exchange -> health(exchange, service::live, service::describe));
        server.createContext("/health/ready", exchange -> health(exchange, service::ready, service::describe));
        server.createContext("/metrics", exchange -> respond(exchange, 200, "text/plain; version=0.0.4", service.metrics().render()));
        server.start();
    }

    /** The bound port (useful when started on port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void health(final HttpExchange exchange, final BooleanSupplier ok, final Supplier<String> detail) throws IOException {
        final boolean healthy = ok.getAsBoolean();
        respond(exchange, healthy ? 200 : 503, "text/plain", (healthy ? "UP\n" : "DOWN\n") + detail.get());
    }

    private static void respond(final HttpExchange exchange, final int status, final String type, final String body) throws IOException {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
