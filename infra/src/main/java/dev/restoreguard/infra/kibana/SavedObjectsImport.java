package dev.restoreguard.infra.kibana;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreguard.events.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts saved objects to Kibana's import API, {@code POST [/s/<space>]/api/saved_objects/_import?overwrite=true}
 * (https://www.elastic.co/docs/api/doc/kibana/operation/operation-post-saved-objects-import): a
 * {@code multipart/form-data} body whose part {@code file} is the NDJSON, the {@code kbn-xsrf}
 * header Kibana requires, and API-key or basic authentication. The answer lists per object what
 * was imported ({@code successResults}) and what was not ({@code errors[]}).
 */
public final class SavedObjectsImport {

    private static final Logger LOGGER = LoggerFactory.getLogger(SavedObjectsImport.class);
    // Kibana space ids: lower-case letters, digits, '_' and '-'
    private static final Pattern SPACE_ID = Pattern.compile("[a-z0-9_-]+");
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(2);

    private final HttpClient http;
    private final URI kibana;
    private final Credentials credentials;

    /**
     * @param http        the client (its SSL context decides which CA is trusted)
     * @param kibana      Kibana's base URL, with its base path if it has one ({@code https://host:5601/kibana})
     * @param credentials how to authenticate
     */
    public SavedObjectsImport(final HttpClient http, final URI kibana, final Credentials credentials) {
        this.http = Objects.requireNonNull(http, "http");
        final String scheme = kibana.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme) || kibana.getHost() == null) {
            throw new IllegalArgumentException("--url: not an http(s) URL: " + kibana);
        }
        this.kibana = kibana;
        this.credentials = Objects.requireNonNull(credentials, "credentials");
    }

    /** How the import authenticates. */
    public sealed interface Credentials {
        /** The {@code Authorization} header value, or null for none. */
        String authorization();

        /** An Elasticsearch API key as Kibana takes it: base64 of {@code id:key} (the {@code encoded} value). */
        record ApiKey(String encoded) implements Credentials {
            public ApiKey {
                if (encoded == null || encoded.isBlank()) {
                    throw new IllegalArgumentException("--api-key: empty");
                }
            }

            @Override
            public String authorization() {
                return "ApiKey " + encoded.strip();
            }

            @Override
            public String toString() {
                return "ApiKey[***]";
            }
        }

        /** A native or file-realm user. */
        record Basic(String user, String password) implements Credentials {
            public Basic {
                if (user == null || user.isBlank()) {
                    throw new IllegalArgumentException("--user: empty");
                }
                if (password == null) {
                    throw new IllegalArgumentException("--password-env: no password");
                }
            }

            @Override
            public String authorization() {
                return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public String toString() {
                return "Basic[" + user + ", ***]";
            }
        }

        /** No authentication (Kibana with security off). */
        record None() implements Credentials {
            @Override
            public String authorization() {
                return null;
            }
        }
    }

    /** The import endpoint for a space ({@code null} or {@code default}: the default space). */
    public URI endpoint(final String spaceId) {
        String base = kibana.toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        final String space;
        if (spaceId == null || spaceId.equals("default")) {
            space = "";
        } else if (SPACE_ID.matcher(spaceId).matches()) {
            space = "/s/" + spaceId;
        } else {
            throw new IllegalArgumentException("--space: a Kibana space id has only a-z, 0-9, '_' and '-': " + spaceId);
        }
        return URI.create(base + space + "/api/saved_objects/_import?overwrite=true");
    }

    /**
     * Imports the NDJSON into the space, overwriting objects with the same ids. Connection failures
     * and 503 (Kibana starting) are retried until {@code wait} has passed; everything else is
     * reported as it came.
     */
    public Result importObjects(final byte[] ndjson, final String fileName, final String spaceId, final Duration wait)
            throws IOException, InterruptedException {
        final URI uri = endpoint(spaceId);
        final String boundary = "restoreguard-" + UUID.randomUUID();
        final HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(REQUEST_TIMEOUT)
                .header("kbn-xsrf", "restoreguard")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(boundary, fileName, ndjson)));
        if (credentials.authorization() != null) {
            request.header("Authorization", credentials.authorization());
        }
        final Instant deadline = Instant.now().plus(wait);
        while (true) {
            try {
                final HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 503 && Instant.now().isBefore(deadline)) {
                    LOGGER.atInfo().addKeyValue("url", uri).log("Kibana answers 503 (not ready yet); retrying");
                } else {
                    return Result.of(response.statusCode(), response.body());
                }
            } catch (IOException e) {
                if (!Instant.now().isBefore(deadline)) {
                    throw new IOException("cannot reach Kibana at " + uri + ": " + e, e);
                }
                LOGGER.atInfo().addKeyValue("url", uri).addKeyValue("error", e.toString()).log("Kibana not reachable yet; retrying");
            }
            Thread.sleep(RETRY_PAUSE.toMillis());
        }
    }

    /** One {@code multipart/form-data} body (RFC 7578) with the single part {@code file}. */
    static byte[] multipart(final String boundary, final String fileName, final byte[] content) {
        if (!fileName.endsWith(".ndjson") || fileName.contains("\"") || fileName.contains("\r") || fileName.contains("\n")) {
            throw new IllegalArgumentException("file name must end with .ndjson and have no quotes or line breaks: " + fileName);
        }
        final ByteArrayOutputStream body = new ByteArrayOutputStream(content.length + 256);
        body.writeBytes(("--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"" + fileName + "\"\r\n"
                + "Content-Type: application/ndjson\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    /**
     * Kibana's answer.
     *
     * @param status       HTTP status
     * @param success      the response's {@code success} (false for any non-200 answer)
     * @param successCount the response's {@code successCount}
     * @param imported     {@code type/id} of each object in {@code successResults}
     * @param failures     one entry per element of {@code errors[]}
     * @param message      for a non-200 answer, Kibana's {@code error: message} (or the raw body)
     */
    public record Result(int status, boolean success, int successCount, List<String> imported, List<Failure> failures,
                         String message) {

        public Result {
            imported = List.copyOf(imported);
            failures = List.copyOf(failures);
        }

        /** Whether every object was imported. */
        public boolean ok() {
            return status == 200 && success && failures.isEmpty();
        }

        static Result of(final int status, final String body) {
            JsonNode json = null;
            try {
                json = body == null || body.isBlank() ? null : Json.MAPPER.readTree(body);
            } catch (JsonProcessingException e) {
                // not JSON (a proxy's HTML page): reported as the raw body below
            }
            final List<Failure> failures = new ArrayList<>();
            final List<String> imported = new ArrayList<>();
            if (json != null) {
                json.path("errors").forEach(error -> failures.add(Failure.of(error)));
                json.path("successResults").forEach(ok -> imported.add(ok.path("type").asText() + "/" + ok.path("id").asText()));
            }
            if (status == 200 && json != null && json.has("success")) {
                return new Result(status, json.path("success").asBoolean(false), json.path("successCount").asInt(0),
                        imported, failures, null);
            }
            final String message;
            if (json != null && json.has("message")) {
                message = (json.has("error") ? json.path("error").asText() + ": " : "") + json.path("message").asText();
            } else {
                final String raw = body == null ? "" : body.strip();
                message = raw.length() > 500 ? raw.substring(0, 500) + "…" : raw;
            }
            return new Result(status, false, json == null ? 0 : json.path("successCount").asInt(0), imported, failures, message);
        }
    }

    /**
     * One element of {@code errors[]}: the object and why Kibana refused it ({@code conflict},
     * {@code ambiguous_conflict}, {@code missing_references}, {@code unsupported_type}, {@code unknown}).
     */
    public record Failure(String type, String id, String title, String reason, String detail) {

        static Failure of(final JsonNode error) {
            final JsonNode cause = error.path("error");
            final String title = error.hasNonNull("title") ? error.path("title").asText()
                    : error.path("meta").path("title").asText(null);
            final StringBuilder detail = new StringBuilder();
            cause.path("references").forEach(ref -> detail.append(detail.isEmpty() ? "missing " : ", ")
                    .append(ref.path("type").asText()).append('/').append(ref.path("id").asText()));
            if (cause.hasNonNull("message")) {
                detail.append(detail.isEmpty() ? "" : "; ").append(cause.path("message").asText());
            }
            return new Failure(error.path("type").asText(), error.path("id").asText(), title,
                    cause.path("type").asText("unknown"), detail.toString());
        }

        @Override
        public String toString() {
            return type + "/" + id + (title == null ? "" : " (" + title + ")") + ": " + reason
                    + (detail.isEmpty() ? "" : " — " + detail);
        }
    }
}
