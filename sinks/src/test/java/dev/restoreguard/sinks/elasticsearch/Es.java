package dev.restoreguard.sinks.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreguard.events.Json;
import dev.restoreguard.testkit.TestStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/** Plain REST calls to the test node, independent of the client under test. */
final class Es {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Base URL ending in {@code /}. */
    private final URI base;

    Es(final TestStack stack) {
        this(stack.elasticsearchUrl());
    }

    /** A node of its own, for example {@code http://127.0.0.1:43123/}. */
    Es(final URI base) {
        this.base = base;
    }

    JsonNode call(final String method, final String path, final String body) throws Exception {
        final HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
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

    /** Refreshes and returns every document (up to 10,000, the default result window) with its source. */
    JsonNode all(final String index) throws Exception {
        call("POST", "/" + index + "/_refresh", null);
        return call("POST", "/" + index + "/_search", "{\"size\":10000,\"query\":{\"match_all\":{}}}")
                .path("hits").path("hits");
    }

    /** Refreshes and returns the {@code _id} of every document (up to 10,000), repeats included. */
    List<String> ids(final String index) throws Exception {
        call("POST", "/" + index + "/_refresh", null);
        final JsonNode hits = call("POST", "/" + index + "/_search",
                "{\"size\":10000,\"_source\":false,\"query\":{\"match_all\":{}}}").path("hits").path("hits");
        final List<String> ids = new ArrayList<>();
        hits.forEach(hit -> ids.add(hit.path("_id").asText()));
        return ids;
    }

    /** The mapped type of each field ({@code _mapping/field}), for example {@code related.ip -> ip}. */
    String type(final String index, final String field) throws Exception {
        final JsonNode mappings = call("GET", "/" + index + "/_mapping/field/" + field, null);
        final JsonNode first = mappings.elements().next().path("mappings").path(field).path("mapping");
        return first.elements().hasNext() ? first.elements().next().path("type").asText() : "<unmapped>";
    }
}
