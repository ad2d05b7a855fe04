package dev.restoreguard.producers.servicenow;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.restoreguard.events.approval.ApprovalEvent;
import dev.restoreguard.producers.runtime.Metrics;
import dev.restoreguard.producers.testing.ListSink;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code collect servicenow}: the poller run on a schedule with a persisted watermark, against a
 * loopback double of ServiceNow's Table API ("Table API - GET /now/table/{tableName}",
 * servicenow.com/docs, api-reference, rest-apis, c_TableAPI.html: {@code {"result":[...]}},
 * {@code sysparm_query} compared with {@code >=}; 401 {@code {"error":{...},"status":"failure"}}).
 */
class ServiceNowCollectorTest {

    private static final Instant NOW = Instant.parse("2026-11-20T18:00:00Z");

    @TempDir
    Path state;

    private HttpServer server;
    private final List<String> queries = new CopyOnWriteArrayList<>();
    private volatile String updated = "2026-11-20 17:30:00";
    private volatile boolean down;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/now/table/change_request", x -> {
            final String q = URLDecoder.decode(x.getRequestURI().getRawQuery(), StandardCharsets.UTF_8);
            queries.add(q);
            final String body = down ? "{\"error\":{\"message\":\"User Not Authenticated\",\"detail\":\"x\"},\"status\":\"failure\"}"
                    : "{\"result\":[{\"number\":\"CHG0000042\",\"state\":\"-2\",\"approval\":\"approved\",\"cmdb_ci\":\"sql-prod-01\","
                    + "\"start_date\":\"2026-11-20 17:00:00\",\"end_date\":\"2026-11-20 19:00:00\",\"sys_updated_on\":\"" + updated
                    + "\",\"sys_updated_by\":\"carol\"}]}";
            final byte[] b = body.getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(down ? 401 : 200, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private ServiceNowCollector collector(final Metrics metrics) {
        final ServiceNowChangePoller poller = new ServiceNowChangePoller(URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                new ServiceNowChangePoller.Basic("rg-reader", "pw"), 100, HttpClient.newHttpClient(), Duration.ofSeconds(5),
                dev.restoreguard.producers.approval.ApprovalSigner.ephemeral("test-bridge"));
        return new ServiceNowCollector(poller, Duration.ofHours(1), Duration.ofDays(30), state, metrics, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void shouldPublishApprovalsAndResumeFromThePersistedWatermark() throws Exception {
        final ListSink sink = new ListSink();
        final Metrics metrics = new Metrics();
        final ServiceNowCollector first = collector(metrics);
        first.start(sink);
        assertThat(queries.get(0)).contains("sys_updated_on>=2026-10-21 18:00:00"); // 30 days back at first start
        assertThat(sink.events()).extracting(p -> ((ApprovalEvent) p.envelope().payload()).changeId()).containsExactly("CHG0000042");
        assertThat(first.watermark()).isEqualTo(Instant.parse("2026-11-20T17:30:00Z"));
        assertThat(first.ready()).isTrue();
        down = true;
        first.pollNow();
        assertThat(first.ready()).isFalse();
        assertThat(metrics.value(Metrics.ERRORS)).isEqualTo(1);
        first.close();

        down = false;
        updated = "2026-11-20 17:45:00";
        final ServiceNowCollector second = collector(new Metrics());
        second.start(sink);
        assertThat(queries.get(queries.size() - 1)).contains("sys_updated_on>=2026-11-20 17:30:00");
        assertThat(second.watermark()).isEqualTo(Instant.parse("2026-11-20T17:45:00Z"));
        second.close();
    }
}
