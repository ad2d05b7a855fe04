package dev.restoreguard.producers.testing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.restoreguard.events.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback test double of the Veeam Backup &amp; Replication REST API v1, written from Veeam's
 * published reference, nothing else:
 *
 * <ul>
 *   <li>"Login - Get Access Token",
 *       https://helpcenter.veeam.com/references/vbr/13/rest/1.3-rev0/tag/Login : {@code POST /api/oauth2/token},
 *       header {@code x-api-version} required, body {@code application/x-www-form-urlencoded} with
 *       {@code grant_type} {@code password} ({@code username}, {@code password}) or
 *       {@code refresh_token} ({@code refresh_token}); answer {@code access_token}, {@code token_type},
 *       {@code refresh_token}, {@code expires_in}, {@code .issued}, {@code .expires};</li>
 *   <li>"Requesting Authorization" and "Authorization and Security",
 *       https://helpcenter.veeam.com/docs/backup/vbr_rest/requesting_authorization.html and
 *       https://helpcenter.veeam.com/docs/backup/vbr_rest/authorization_security.html : access
 *       token lifetime 60 minutes, refresh token 14 days, {@code Authorization: Bearer} on every request;</li>
 *   <li>"Sessions - Get All Sessions", https://helpcenter.veeam.com/references/vbr/13/rest/1.3-rev0/tag/Sessions
 *       (and the 1.1-rev0 page of the same tag, where {@code typeFilter} is one ESessionType):
 *       {@code GET /api/v1/sessions} with {@code skip}, {@code limit} (default 200), {@code orderColumn}
 *       ({@code CreationTime}, ...), {@code orderAsc}, {@code createdAfterFilter} ("created after"),
 *       {@code typeFilter} (ESessionType: {@code RestoreVm}, {@code InstantRecovery},
 *       {@code FirstClassDiskInstantRestore}, {@code QuickMigration}, ...); answer
 *       {@code {"data":[SessionModel...],"pagination":{"total","count","skip","limit"}}};
 *       SessionModel {@code id}, {@code name}, {@code activityId}, {@code sessionType},
 *       {@code creationTime}, {@code endTime}, {@code state} (ESessionState {@code Stopped},
 *       {@code Starting}, {@code Working}, ...), {@code progressPercent}, {@code result}
 *       ({@code result} None/Success/Warning/Failed, {@code message}, {@code isCanceled}),
 *       {@code usn}; "Get Session" {@code GET /api/v1/sessions/{id}}; "Stop Session"
 *       {@code POST /api/v1/sessions/{id}/stop};</li>
 *   <li>errors: 401 "the authorization header has been expected but not found (or found but is
 *       expired)", 403, 404 "no object was found with the path parameter", 500, each with the
 *       Error body {@code {"errorCode","message","resourceId"}} (errorCode {@code AccessDenied},
 *       {@code ExpiredToken}, {@code InvalidToken}, {@code NotFound}, ...).</li>
 * </ul>
 */
public final class VeeamRestDouble implements AutoCloseable {

    public static final String USER = "CORP\\svc-restoreguard";
    public static final String PASSWORD = "s3cret";

    private final HttpServer server;
    private final Map<String, ObjectNode> sessions = new ConcurrentHashMap<>();
    private final Set<String> accessTokens = ConcurrentHashMap.newKeySet();
    private final Set<String> refreshTokens = ConcurrentHashMap.newKeySet();
    /** Every request as {@code METHOD path?query}. */
    public final List<String> requests = new CopyOnWriteArrayList<>();
    /** Token requests by grant type. */
    public final Map<String, AtomicInteger> grants = new ConcurrentHashMap<>();
    private volatile int failNextSessionsWith;

    public VeeamRestDouble() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/", this::handle);
        server.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Adds (or replaces) a session. */
    public ObjectNode session(final String id, final String type, final Instant created, final String state,
                              final Instant ended, final String result, final boolean canceled) {
        final ObjectNode s = Json.MAPPER.createObjectNode();
        s.put("id", id);
        s.put("name", "Restore " + id);
        s.put("activityId", UUID.randomUUID().toString());
        s.put("sessionType", type);
        s.put("creationTime", OffsetDateTime.ofInstant(created, java.time.ZoneOffset.ofHours(1)).toString());
        if (ended != null) {
            s.put("endTime", ended.toString());
        }
        s.put("state", state);
        s.put("progressPercent", "Stopped".equals(state) ? 100 : 40);
        final ObjectNode r = s.putObject("result");
        r.put("result", result);
        r.put("message", "");
        r.put("isCanceled", canceled);
        s.put("usn", sessions.size() + 1);
        sessions.put(id, s);
        return s;
    }

    /** Marks a session stopped with a result. */
    public void finish(final String id, final Instant ended, final String result) {
        final ObjectNode s = sessions.get(id);
        s.put("state", "Stopped");
        s.put("endTime", ended.toString());
        ((ObjectNode) s.get("result")).put("result", result);
    }

    /** Forgets every access token: the next API call gets 401 (the refresh token stays valid). */
    public void expireAccessTokens() {
        accessTokens.clear();
    }

    /** Forgets every token: the client must log in with its password again. */
    public void revokeAllTokens() {
        accessTokens.clear();
        refreshTokens.clear();
    }

    /** The next {@code GET /api/v1/sessions} answers this status (500, 403...). */
    public void failNextSessionsWith(final int status) {
        failNextSessionsWith = status;
    }

    private void handle(final HttpExchange ex) throws IOException {
        try (ex) {
            final String path = ex.getRequestURI().getPath();
            final Map<String, List<String>> query = query(ex.getRequestURI().getRawQuery());
            requests.add(ex.getRequestMethod() + " " + path + (ex.getRequestURI().getRawQuery() == null ? ""
                    : "?" + ex.getRequestURI().getRawQuery()));
            if (ex.getRequestHeaders().getFirst("x-api-version") == null) {
                error(ex, 400, "UnexpectedContent", "x-api-version header is required");
                return;
            }
            if ("POST".equals(ex.getRequestMethod()) && path.equals("/api/oauth2/token")) {
                token(ex);
                return;
            }
            final String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !auth.startsWith("Bearer ") || !accessTokens.contains(auth.substring(7))) {
                error(ex, 401, auth == null ? "AccessDenied" : "ExpiredToken",
                        "The authorization header has been expected but not found (or found but is expired)");
                return;
            }
            if ("GET".equals(ex.getRequestMethod()) && path.equals("/api/v1/sessions")) {
                if (failNextSessionsWith != 0) {
                    final int status = failNextSessionsWith;
                    failNextSessionsWith = 0;
                    error(ex, status, status == 403 ? "AccessDenied" : "UnknownError", "failure injected by the test");
                    return;
                }
                list(ex, query);
                return;
            }
            final String[] parts = path.split("/");
            // /api/v1/sessions/{id}[/stop]
            if (parts.length >= 5 && parts[3].equals("sessions")) {
                final ObjectNode s = sessions.get(parts[4]);
                if (s == null) {
                    error(ex, 404, "NotFound", "Session " + parts[4] + " was not found");
                    return;
                }
                if (parts.length == 5 && "GET".equals(ex.getRequestMethod())) {
                    json(ex, 200, s.toString());
                    return;
                }
                if (parts.length == 6 && parts[5].equals("stop") && "POST".equals(ex.getRequestMethod())) {
                    s.put("state", "Stopped");
                    s.put("endTime", Instant.now().toString());
                    ((ObjectNode) s.get("result")).put("isCanceled", true);
                    json(ex, 200, "{}");
                    return;
                }
            }
            error(ex, 404, "NotFound", "no such path: " + path);
        }
    }

    private void token(final HttpExchange ex) throws IOException {
        final Map<String, List<String>> form = query(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        final String grant = first(form, "grant_type");
        grants.computeIfAbsent(String.valueOf(grant), g -> new AtomicInteger()).incrementAndGet();
        final boolean ok = switch (String.valueOf(grant)) {
            case "password" -> USER.equals(first(form, "username")) && PASSWORD.equals(first(form, "password"));
            case "refresh_token" -> refreshTokens.remove(String.valueOf(first(form, "refresh_token")));
            default -> false;
        };
        if (!ok) {
            error(ex, 401, "AccessDenied", "Invalid credentials or refresh token");
            return;
        }
        final String access = UUID.randomUUID().toString();
        final String refresh = UUID.randomUUID().toString();
        accessTokens.add(access);
        refreshTokens.add(refresh);
        final Instant now = Instant.now();
        final ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("access_token", access);
        body.put("token_type", "bearer");
        body.put("refresh_token", refresh);
        body.put("expires_in", 3600);
        body.put(".issued", now.toString());
        body.put(".expires", now.plusSeconds(3600).toString());
        json(ex, 200, body.toString());
    }

    private void list(final HttpExchange ex, final Map<String, List<String>> query) throws IOException {
        final List<String> types = query.getOrDefault("typeFilter", List.of());
        final String after = first(query, "createdAfterFilter");
        final Instant createdAfter = after == null ? null : OffsetDateTime.parse(after).toInstant();
        final int skip = Integer.parseInt(String.valueOf(first(query, "skip") == null ? "0" : first(query, "skip")));
        final int limit = Integer.parseInt(String.valueOf(first(query, "limit") == null ? "200" : first(query, "limit")));
        final List<ObjectNode> matching = new ArrayList<>();
        for (ObjectNode s : sessions.values()) {
            final Instant created = OffsetDateTime.parse(s.get("creationTime").asText()).toInstant();
            if ((types.isEmpty() || types.contains(s.get("sessionType").asText()))
                    && (createdAfter == null || created.isAfter(createdAfter))) {
                matching.add(s);
            }
        }
        Comparator<ObjectNode> order = Comparator.comparing(s -> OffsetDateTime.parse(s.get("creationTime").asText()).toInstant());
        if ("CreationTime".equals(first(query, "orderColumn")) && "false".equals(first(query, "orderAsc"))) {
            order = order.reversed();
        }
        matching.sort(order);
        final ObjectNode body = Json.MAPPER.createObjectNode();
        final ArrayNode data = body.putArray("data");
        matching.stream().skip(skip).limit(limit).forEach(data::add);
        final ObjectNode pagination = body.putObject("pagination");
        pagination.put("total", matching.size());
        pagination.put("count", data.size());
        pagination.put("skip", skip);
        pagination.put("limit", limit);
        json(ex, 200, body.toString());
    }

    private static String first(final Map<String, List<String>> m, final String k) {
        final List<String> v = m.get(k);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static Map<String, List<String>> query(final String raw) {
        final Map<String, List<String>> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            final int eq = pair.indexOf('=');
            final String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            final String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    private static void error(final HttpExchange ex, final int status, final String code, final String message) throws IOException {
        final ObjectNode e = Json.MAPPER.createObjectNode();
        e.put("errorCode", code);
        e.put("message", message);
        json(ex, status, e.toString());
    }

    private static void json(final HttpExchange ex, final int status, final String body) throws IOException {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
