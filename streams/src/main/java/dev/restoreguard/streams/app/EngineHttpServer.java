package dev.restoreguard.streams.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@link EngineHttpApi} with the JDK's built-in HTTP server: no framework for four
 * endpoints. Bound to the loopback address only, because check-restore answers reveal where
 * names resolve and the endpoint has no authentication; expose it through a reverse proxy if
 * other hosts need it.
 */
final class EngineHttpServer implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(EngineHttpServer.class);

    private final HttpServer server;
    private final ExecutorService executor;

    EngineHttpServer(final InetSocketAddress address, final EngineHttpApi api) {
        try {
            this.server = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + address.getHostString() + ":" + address.getPort()
                    + " for the engine's HTTP endpoint (port in use? set --http-port or "
                    + "RESTOREGUARD_ENGINE_HTTP_PORT, 0 turns it off): " + e.getMessage(), e);
        }
        final AtomicInteger threads = new AtomicInteger();
        // Two threads: check-restore scans a few store ranges; a probe must not wait behind it for long.
        this.executor = Executors.newFixedThreadPool(2, r -> {
            final Thread t = new Thread(r, "restoreguard-http-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> serve(exchange, api));
    }

    /** Starts serving. */
    EngineHttpServer start() {
        server.start();
        LOGGER.atInfo().addKeyValue("address", "http://" + server.getAddress().getHostString() + ":" + port())
                .log("engine HTTP endpoint listening");
        return this;
    }

    /** The bound port (the real one when 0 was asked for). */
    int port() {
        return server.getAddress().getPort();
    }

    private static void serve(final HttpExchange exchange, final EngineHttpApi api) throws IOException {
        try (exchange) {
            final String method = exchange.getRequestMethod();
            final EngineHttpApi.Response response =
                    api.handle(method, exchange.getRequestURI().getRawPath(), exchange.getRequestURI().getRawQuery());
            final byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            for (Map.Entry<String, String> h : response.headers().entrySet()) {
                exchange.getResponseHeaders().set(h.getKey(), h.getValue());
            }
            if ("HEAD".equals(method)) {
                exchange.sendResponseHeaders(response.status(), -1);
                return;
            }
            exchange.sendResponseHeaders(response.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        // a second is enough for an in-flight check to finish; probes retry anyway
        server.stop(1);
        executor.shutdown();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
