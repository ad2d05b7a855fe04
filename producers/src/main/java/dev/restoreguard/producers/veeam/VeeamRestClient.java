package dev.restoreguard.producers.veeam;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreguard.events.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small client of the Veeam Backup &amp; Replication REST API v1 (port 9419), for the three
 * calls RestoreGuard makes:
 *
 * <ul>
 *   <li>{@code POST /api/oauth2/token} (form {@code grant_type=password}, {@code username},
 *       {@code password}; later {@code grant_type=refresh_token}): an access token (60 minutes),
 *       a refresh token and {@code expires_in}. The token is refreshed shortly before it expires
 *       and after any 401; when the refresh token is refused too, the client logs in again;</li>
 *   <li>{@code GET /api/v1/sessions} with {@code typeFilter}, {@code createdAfterFilter},
 *       {@code orderColumn=CreationTime&orderAsc=true} and {@code skip}/{@code limit} paging until
 *       {@code pagination.total} is reached; {@code GET /api/v1/sessions/{id}};</li>
 *   <li>{@code POST /api/v1/sessions/{id}/stop}.</li>
 * </ul>
 *
 * Every request carries {@code x-api-version}. Errors carry Veeam's {@code errorCode} and
 * {@code message} ({@link VeeamApiException}). Thread-safe (the token is guarded).
 */
public final class VeeamRestClient {

    private static final Logger LOGGER = LoggerFactory.getLogger(VeeamRestClient.class);
    private static final Duration EARLY_REFRESH = Duration.ofSeconds(60);

    /** An HTTP error answer of the REST API. */
    public static final class VeeamApiException extends IOException {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final String errorCode;

        VeeamApiException(final String what, final int status, final String body) {
            super(what + " answered HTTP " + status + describe(body));
            this.status = status;
            this.errorCode = errorCode(body);
        }

        /** The HTTP status. */
        public int status() {
            return status;
        }

        /** Veeam's {@code errorCode} ({@code NotFound}, {@code AccessDenied}, ...), or null. */
        public String errorCode() {
            return errorCode;
        }

        private static String errorCode(final String body) {
            try {
                final JsonNode n = Json.MAPPER.readTree(body == null ? "" : body);
                return n == null || n.path("errorCode").isMissingNode() ? null : n.path("errorCode").asText();
            } catch (IOException e) {
                return null;
            }
        }

        private static String describe(final String body) {
            if (body == null || body.isBlank()) {
                return "";
            }
            try {
                final JsonNode n = Json.MAPPER.readTree(body);
                if (n != null && n.has("message")) {
                    return ": " + n.path("errorCode").asText("") + " " + n.path("message").asText("");
                }
            } catch (IOException e) {
                // not JSON: show the start of it
            }
            return ": " + (body.length() > 200 ? body.substring(0, 200) + "..." : body);
        }
    }

    private record Token(String access, String refresh, Instant expires) {
    }

    private final URI base;
    private final String username;
    private final String password;
    private final String apiVersion;
    private final HttpClient http;
    private final Duration timeout;
    private final Clock clock;
    private Token token;

    public VeeamRestClient(final URI base, final String username, final String password, final String apiVersion,
                           final HttpClient http, final Duration timeout, final Clock clock) {
        this.base = base;
        this.username = username;
        this.password = password;
        this.apiVersion = apiVersion;
        this.http = http;
        this.timeout = timeout;
        this.clock = clock;
    }

    /** Every session of {@code type} created after {@code createdAfter}, oldest first, across all pages. */
    public List<JsonNode> sessions(final String type, final Instant createdAfter, final int pageSize)
            throws IOException, InterruptedException {
        final List<JsonNode> all = new ArrayList<>();
        int skip = 0;
        for (int page = 0; page < 100_000; page++) {
            final String query = "/api/v1/sessions?typeFilter=" + enc(type) + "&createdAfterFilter=" + enc(createdAfter.toString())
                    + "&orderColumn=CreationTime&orderAsc=true&skip=" + skip + "&limit=" + pageSize;
            final JsonNode body = Json.MAPPER.readTree(send("GET " + query, () -> get(query)).body());
            final JsonNode data = body.path("data");
            if (!data.isArray()) {
                throw new IOException("GET /api/v1/sessions: answer without a data array");
            }
            data.forEach(all::add);
            skip += data.size();
            final JsonNode total = body.path("pagination").path("total");
            if (data.isEmpty() || (total.isNumber() ? skip >= total.asLong() : data.size() < pageSize)) {
                return all;
            }
        }
        throw new IOException("GET /api/v1/sessions: paging does not end");
    }

    /** One session, or null when Veeam does not know it (404). */
    public JsonNode session(final String id) throws IOException, InterruptedException {
        final String path = "/api/v1/sessions/" + enc(id);
        try {
            return Json.MAPPER.readTree(send("GET " + path, () -> get(path)).body());
        } catch (VeeamApiException e) {
            if (e.status() == 404) {
                return null;
            }
            throw e;
        }
    }

    /** Asks Veeam to stop a session; returns the HTTP status of the success answer. */
    public int stop(final String id) throws IOException, InterruptedException {
        final String path = "/api/v1/sessions/" + enc(id) + "/stop";
        return send("POST " + path, () -> request(path).POST(HttpRequest.BodyPublishers.noBody()).build()).statusCode();
    }

    private HttpRequest get(final String pathAndQuery) {
        return request(pathAndQuery).GET().build();
    }

    private HttpRequest.Builder request(final String pathAndQuery) {
        return HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(timeout).header("x-api-version", apiVersion)
                .header("Accept", "application/json");
    }

    private interface RequestFactory {
        HttpRequest build();
    }

    /** Sends with the current token; after a 401 refreshes (or logs in again) and retries once. */
    private HttpResponse<String> send(final String what, final RequestFactory factory) throws IOException, InterruptedException {
        for (int attempt = 0; ; attempt++) {
            final String access = accessToken(attempt > 0);
            final HttpRequest base = factory.build();
            final HttpRequest request = HttpRequest.newBuilder(base, (n, v) -> true)
                    .header("Authorization", "Bearer " + access).build();
            final HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() == 401 && attempt == 0) {
                LOGGER.atInfo().addKeyValue("request", what).log("Veeam answered 401; refreshing the access token");
                continue;
            }
            if (response.statusCode() / 100 != 2) {
                throw new VeeamApiException(what, response.statusCode(), response.body());
            }
            return response;
        }
    }

    private synchronized String accessToken(final boolean rejected) throws IOException, InterruptedException {
        if (token != null && !rejected && clock.instant().isBefore(token.expires().minus(EARLY_REFRESH))) {
            return token.access();
        }
        if (token != null && token.refresh() != null) {
            try {
                token = tokenRequest("grant_type=refresh_token&refresh_token=" + enc(token.refresh()));
                return token.access();
            } catch (VeeamApiException e) {
                LOGGER.atInfo().addKeyValue("status", e.status()).log("Veeam refused the refresh token; logging in again");
            }
        }
        token = tokenRequest("grant_type=password&username=" + enc(username) + "&password=" + enc(password));
        return token.access();
    }

    private Token tokenRequest(final String form) throws IOException, InterruptedException {
        final HttpRequest request = request("/api/oauth2/token").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8)).build();
        final HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() != 200) {
            throw new VeeamApiException("POST /api/oauth2/token", response.statusCode(), response.body());
        }
        final JsonNode body = Json.MAPPER.readTree(response.body());
        final String access = body.path("access_token").asText(null);
        if (access == null || access.isBlank()) {
            throw new IOException("POST /api/oauth2/token: answer without access_token");
        }
        final long seconds = body.path("expires_in").asLong(900);
        return new Token(access, body.path("refresh_token").asText(null), clock.instant().plusSeconds(seconds));
    }

    private static String enc(final String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
