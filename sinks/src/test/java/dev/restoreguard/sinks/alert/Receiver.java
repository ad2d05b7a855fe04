package dev.restoreguard.sinks.alert;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A real HTTP receiver on loopback: records every request, answers with what the test's handler decides. */
final class Receiver implements AutoCloseable {

    /** One received request. */
    record Request(String path, Map<String, List<String>> headers, String body, int answeredWith) {
        String header(final String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst()).findFirst().orElse(null);
        }
    }

    /** The answer to a request. */
    record Answer(int status, String body) {
    }

    private final HttpServer server;
    final List<Request> requests = new CopyOnWriteArrayList<>();

    Receiver(final Function<Request, Answer> handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> handle(exchange, handler));
        server.start();
    }

    private void handle(final HttpExchange exchange, final Function<Request, Answer> handler) throws IOException {
        final String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        final Request incoming = new Request(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()), body, 0);
        final Answer answer = handler.apply(incoming);
        requests.add(new Request(incoming.path(), incoming.headers(), body, answer.status()));
        final byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
        if (out.length > 0) {
            exchange.getResponseBody().write(out);
        }
        exchange.close();
    }

    String url(final String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    List<Request> accepted(final String path) {
        return requests.stream().filter(r -> r.path().equals(path) && r.answeredWith() / 100 == 2).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
