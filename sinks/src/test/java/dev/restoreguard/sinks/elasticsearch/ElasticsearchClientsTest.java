package dev.restoreguard.sinks.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The authentication the sink's client sends, seen by a real HTTP server on loopback (the local
 * Elasticsearch cannot create API keys: see local-stack.md). Elasticsearch's API key scheme is
 * {@code Authorization: ApiKey <base64(id:api_key)>}, the "encoded" value the create-API-key call
 * returns (Elasticsearch reference, "Create an API key", response field {@code encoded}).
 */
class ElasticsearchClientsTest {

    // An answer to GET /_cluster/health as the local Elasticsearch 9.2 gives it.
    private static final String HEALTH = """
            {"cluster_name":"restoreguard","status":"green","timed_out":false,"number_of_nodes":1,
             "number_of_data_nodes":1,"active_primary_shards":1,"active_shards":1,"relocating_shards":0,
             "initializing_shards":0,"unassigned_shards":0,"unassigned_primary_shards":0,"delayed_unassigned_shards":0,
             "number_of_pending_tasks":0,"number_of_in_flight_fetch":0,"task_max_waiting_in_queue_millis":0,
             "active_shards_percent_as_number":100.0}""";

    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            final byte[] body = HEALTH.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("X-Elastic-Product", "Elasticsearch");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private ElasticsearchSinkConfig config(final String apiKey, final String user, final String password) {
        return new ElasticsearchSinkConfig(List.of("http://127.0.0.1:" + server.getAddress().getPort()), apiKey, user,
                password, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    @Test
    void shouldSendTheEncodedApiKeyInTheApiKeyAuthorizationHeader() throws Exception {
        final String encoded = Base64.getEncoder().encodeToString("VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw"
                .getBytes(StandardCharsets.UTF_8));
        try (ElasticsearchClient client = ElasticsearchClients.create(config(encoded, null, null))) {
            assertThat(client.cluster().health().clusterName()).isEqualTo("restoreguard");
        }
        assertThat(authorizations).containsExactly("ApiKey " + encoded);
    }

    @Test
    void shouldSendBasicCredentialsForAUser() throws Exception {
        try (ElasticsearchClient client = ElasticsearchClients.create(config(null, "restoreguard-sink", "s3cret"))) {
            client.cluster().health();
        }
        assertThat(authorizations).containsExactly("Basic " + Base64.getEncoder()
                .encodeToString("restoreguard-sink:s3cret".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void shouldNeverPrintTheApiKeyOrPasswordInTheConfigurationsText() {
        assertThat(config("c2VjcmV0LWFwaS1rZXk=", null, null).toString()).doesNotContain("c2VjcmV0LWFwaS1rZXk=")
                .contains("auth=api_key");
        assertThat(config(null, "restoreguard-sink", "s3cret").toString()).doesNotContain("s3cret");
    }
}
