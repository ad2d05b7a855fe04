package dev.restoreguard.sinks.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreguard.events.Json;
import dev.restoreguard.testkit.TestStack;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Plain REST calls to the test node, independent of the client under test. */
final class Es {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final TestStack stack;

    Es(final TestStack stack) {
        this.stack = stack;
    }

    JsonNode call(final String method, final String path, final String body) throws Exception {
        final HttpRequest request = HttpRequest.newBuilder(stack.elasticsearch(path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        final HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        return Json.MAPPER.readTree(response.body().isEmpty() ? "{}" : response.body());
    }

    /** Refreshes and counts the documents matching {@code query} (a JSON query, or null for all). */
    long count(final String index, final String query) throws Exception {
        call("POST", "/" + index + "/_refresh", null);
        final JsonNode result = call("POST", "/" + index + "/_count", query == null ? null : "{\"query\":" + query + "}");
        return result.path("count").asLong(-1);
    }

    JsonNode search(final String index, final String query) throws Exception {
        call("POST", "/" + index + "/_refresh", null);
        return call("POST", "/" + index + "/_search", "{\"size\":100,\"query\":" + query + "}").path("hits").path("hits");
    }

    /** The mapped type of each field ({@code _mapping/field}), for example {@code related.ip -> ip}. */
    String type(final String index, final String field) throws Exception {
        final JsonNode mappings = call("GET", "/" + index + "/_mapping/field/" + field, null);
        final JsonNode first = mappings.elements().next().path("mappings").path(field).path("mapping");
        return first.elements().hasNext() ? first.elements().next().path("type").asText() : "<unmapped>";
    }
}
