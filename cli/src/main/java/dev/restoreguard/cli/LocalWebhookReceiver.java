package dev.restoreguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.restoreguard.events.Json;
import dev.restoreguard.sinks.alert.WebhookVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alert channel of {@code restoreguard up} when no channel is configured: a webhook receiver on
 * 127.0.0.1 that the alert sink's signed webhook channel posts to, so the local job exercises the
 * real delivery path (signature, retries, delivery log) end to end. Every delivery is appended to
 * {@code webhook-deliveries.jsonl} in the stack home and reported to a listener (the console).
 */
final class LocalWebhookReceiver implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(LocalWebhookReceiver.class);
    static final String PATH = "/restoreguard/webhook";
    private static final int MAX_BODY = 4 * 1024 * 1024;

    /** One delivery as the receiver saw it. */
    record Delivery(String webhookId, String alertId, String ruleId, String subject, String status) {
    }

    private final HttpServer server;
    private final Path log;
    private final String secret;
    private final WebhookVerifier verifier;

    /** A receiver that accepts only deliveries signed with {@code secret} and appends them to {@code log}. */
    LocalWebhookReceiver(final Path log, final String secret, final Consumer<Delivery> listener) throws IOException {
        this.log = log;
        this.secret = secret;
        this.verifier = new WebhookVerifier(secret);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("restoreguard-up-webhook").unstarted(r)));
        server.createContext(PATH, exchange -> handle(exchange, listener));
        server.start();
    }

    /** The Standard Webhooks secret the channel must sign with. */
    String secret() {
        return secret;
    }

    /** The URL to configure in the webhook channel. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    /**
     * The Standard Webhooks secret shared with the channel: kept in {@code file} (mode 0600) so that
     * restarts of {@code up} keep it, created on first use.
     */
    static String secret(final Path file) throws IOException {
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.US_ASCII).strip();
        }
        final byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        final String secret = "whsec_" + Base64.getEncoder().encodeToString(key);
        Files.createDirectories(file.getParent());
        Files.writeString(file, secret + "\n", StandardCharsets.US_ASCII);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system (Windows): the home's ACLs apply
        }
        return secret;
    }

    private void handle(final HttpExchange exchange, final Consumer<Delivery> listener) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            final byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(MAX_BODY + 1);
            }
            if (body.length > MAX_BODY) {
                exchange.sendResponseHeaders(413, -1);
                return;
            }
            final String webhookId;
            try {
                webhookId = verifier.verify(exchange.getRequestHeaders(), body);
            } catch (WebhookVerifier.RejectedException e) {
                LOGGER.atWarn().addKeyValue("reason", e.getMessage()).log("Local webhook receiver refused a delivery");
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            final Delivery delivery;
            try {
                final JsonNode alert = Json.MAPPER.readTree(body).path("data").path("alert");
                delivery = new Delivery(webhookId,
                        alert.path("alert").path("id").asText(null), alert.path("rule").path("id").asText(null),
                        alert.path("alert").path("subject").asText(null), alert.path("alert").path("status").asText(null));
            } catch (IOException e) {
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            Files.write(log, (Json.MAPPER.writeValueAsString(delivery) + "\n").getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            exchange.sendResponseHeaders(204, -1);
            listener.accept(delivery);
        } catch (IOException | RuntimeException e) {
            LOGGER.atWarn().setCause(e).log("Local webhook receiver could not handle a delivery");
            throw e;
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
