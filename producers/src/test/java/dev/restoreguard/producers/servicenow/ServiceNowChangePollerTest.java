package dev.restoreguard.producers.servicenow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.approval.ApprovalEvent;
import dev.restoreguard.events.approval.ApprovalSignatures;
import dev.restoreguard.producers.approval.ApprovalSigner;
import dev.restoreguard.producers.testing.ListSink;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Against a loopback test double of ServiceNow's Table API, built from ServiceNow's published
 * reference "Table API - GET /now/table/{tableName}" (servicenow.com/docs, api-reference,
 * rest-apis, c_TableAPI.html): query parameters {@code sysparm_query} (encoded query,
 * {@code ^ORDERBY<field>}), {@code sysparm_display_value} ({@code true|false|all}; {@code all}
 * gives {@code {"display_value","value"}} per field), {@code sysparm_exclude_reference_link},
 * {@code sysparm_limit}, {@code sysparm_offset}; response {@code {"result":[...]}} with headers
 * {@code X-Total-Count} and {@code Link} ({@code <url>;rel="first"}, {@code "prev"},
 * {@code "next"}, {@code "last"}); HTTP 401 with {@code {"error":{"message","detail"},"status":"failure"}}
 * when authentication is missing or wrong. Basic auth and OAuth bearer tokens both go in the
 * {@code Authorization} header.
 */
class ServiceNowChangePollerTest {

    private static final ApprovalSigner SIGNER = ApprovalSigner.ephemeral("bridge-test");

    private HttpServer server;
    private URI base;
    private final List<ObjectNode> table = new ArrayList<>();
    private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
    private volatile boolean sendLink = true;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/now/table/change_request", this::handle);
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        for (int i = 1; i <= 5; i++) {
            table.add(change("CHG000000" + i, "2026-11-20 1" + i + ":00:00", i % 2 == 0 ? "-2" : "4"));
        }
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static ObjectNode field(final String value, final String display) {
        final ObjectNode f = Json.MAPPER.createObjectNode();
        f.put("display_value", display);
        f.put("value", value);
        return f;
    }

    private static ObjectNode change(final String number, final String updated, final String state) {
        final ObjectNode r = Json.MAPPER.createObjectNode();
        r.set("number", field(number, number));
        r.set("state", field(state, "-2".equals(state) ? "Scheduled" : "Canceled"));
        r.set("approval", field("approved", "Approved"));
        r.set("cmdb_ci", field("7f3c", "sql-prod-01"));
        r.set("start_date", field("2026-11-21 10:00:00", "2026-11-21 11:00:00"));
        r.set("end_date", field("2026-11-21 12:00:00", "2026-11-21 13:00:00"));
        r.set("sys_updated_on", field(updated, updated));
        r.set("sys_updated_by", field("carol.cab", "carol.cab"));
        return r;
    }

    private static Map<String, String> params(final String rawQuery) {
        final Map<String, String> p = new HashMap<>();
        for (String pair : rawQuery.split("&")) {
            final int eq = pair.indexOf('=');
            p.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return p;
    }

    private void handle(final HttpExchange x) throws IOException {
        final Map<String, String> p = params(x.getRequestURI().getRawQuery());
        final String authz = x.getRequestHeaders().getFirst("Authorization");
        p.put("Authorization", authz);
        requests.add(p);
        final String basic = "Basic " + Base64.getEncoder().encodeToString("rg-reader:s3cret".getBytes(StandardCharsets.UTF_8));
        if (!basic.equals(authz) && !"Bearer token-123".equals(authz)) {
            send(x, 401, "{\"error\":{\"message\":\"User Not Authenticated\",\"detail\":\"Required to provide Auth information\"},\"status\":\"failure\"}");
            return;
        }
        final String query = p.get("sysparm_query");
        final String since = query.substring("sys_updated_on>=".length(), query.indexOf('^'));
        assertThat(query).endsWith("^ORDERBYsys_updated_on");
        final List<ObjectNode> matching = table.stream()
                .filter(r -> r.path("sys_updated_on").path("value").asText().compareTo(since) >= 0).toList();
        final int limit = Integer.parseInt(p.getOrDefault("sysparm_limit", "10000"));
        final int offset = Integer.parseInt(p.getOrDefault("sysparm_offset", "0"));
        final ObjectNode body = Json.MAPPER.createObjectNode();
        final ArrayNode result = body.putArray("result");
        matching.stream().skip(offset).limit(limit).forEach(result::add);
        x.getResponseHeaders().add("X-Total-Count", Integer.toString(matching.size()));
        if (sendLink) {
            final String self = base + "/api/now/table/change_request?sysparm_query="
                    + java.net.URLEncoder.encode(query, StandardCharsets.UTF_8) + "&sysparm_limit=" + limit + "&sysparm_offset=";
            final List<String> links = new ArrayList<>();
            links.add("<" + self + "0>;rel=\"first\"");
            if (offset > 0) {
                links.add("<" + self + Math.max(0, offset - limit) + ">;rel=\"prev\"");
            }
            if (offset + limit < matching.size()) {
                links.add("<" + self + (offset + limit) + ">;rel=\"next\"");
            }
            links.add("<" + self + (Math.max(0, matching.size() - 1) / limit * limit) + ">;rel=\"last\"");
            x.getResponseHeaders().add("Link", String.join(",", links));
        }
        send(x, 200, body.toString());
    }

    private static void send(final HttpExchange x, final int status, final String body) throws IOException {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json;charset=UTF-8");
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }

    private ServiceNowChangePoller poller(final ServiceNowChangePoller.Auth auth, final int pageSize) {
        return new ServiceNowChangePoller(base, auth, pageSize, HttpClient.newHttpClient(), Duration.ofSeconds(5),
                SIGNER);
    }

    @Test
    void shouldFollowLinkHeaderPagesAndPublishApprovalsAndRevocations() throws Exception {
        final ListSink sink = new ListSink();
        final var result = poller(new ServiceNowChangePoller.Basic("rg-reader", "s3cret"), 2)
                .poll(Instant.parse("2026-11-20T12:00:00Z"), sink);
        assertThat(result.records()).isEqualTo(4);
        assertThat(result.published()).isEqualTo(4);
        assertThat(result.watermark()).isEqualTo(Instant.parse("2026-11-20T15:00:00Z"));
        assertThat(requests).extracting(r -> r.get("sysparm_offset")).containsExactly("0", "2");
        assertThat(requests.get(0)).containsEntry("sysparm_display_value", "all")
                .containsEntry("sysparm_query", "sys_updated_on>=2026-11-20 12:00:00^ORDERBYsys_updated_on");
        assertThat(sink.events()).extracting(e -> e.topic()).containsOnly("restoreguard.approvals");
        assertThat(sink.events()).extracting(e -> e.key())
                .containsExactly("CHG0000002", "CHG0000003", "CHG0000004", "CHG0000005");
        assertThat(sink.events()).extracting(e -> ((ApprovalEvent) e.envelope().payload()).state())
                .containsExactly("approved", "revoked", "approved", "revoked");
        assertThat(sink.events().get(0).envelope().source()).isEqualTo("servicenow");
        // the poller is the approval bridge's ServiceNow side: everything it publishes is signed
        assertThat(sink.events()).allSatisfy(e -> assertThat(ApprovalSignatures.verify(SIGNER.publicKey().orElseThrow(),
                e.envelope().at(), (ApprovalEvent) e.envelope().payload())).isTrue());
    }

    @Test
    void shouldPageByOffsetWhenTheServerSendsNoLinkHeader() throws Exception {
        sendLink = false;
        final List<?> records = poller(new ServiceNowChangePoller.Bearer(() -> "token-123"), 2)
                .fetchSince(Instant.parse("2026-11-20T00:00:00Z"));
        assertThat(records).hasSize(5);
        assertThat(requests).extracting(r -> r.get("sysparm_offset")).containsExactly("0", "2", "4");
        assertThat(requests.get(0)).containsEntry("Authorization", "Bearer token-123");
    }

    @Test
    void shouldFailWithTheStatusOnWrongCredentials() {
        assertThatThrownBy(() -> poller(new ServiceNowChangePoller.Basic("rg-reader", "wrong"), 2)
                .fetchSince(Instant.EPOCH)).isInstanceOf(IOException.class).hasMessageContaining("401")
                .hasMessageContaining("User Not Authenticated");
    }

    @Test
    void shouldNotMoveTheWatermarkPastWhatTheSpoolRefused() throws Exception {
        final ListSink sink = new ListSink();
        sink.refuse(true);
        final var result = poller(new ServiceNowChangePoller.Basic("rg-reader", "s3cret"), 10)
                .poll(Instant.parse("2026-11-20T12:00:00Z"), sink);
        assertThat(result.published()).isZero();
        assertThat(result.watermark()).isEqualTo(Instant.parse("2026-11-20T12:00:00Z"));
    }
}
