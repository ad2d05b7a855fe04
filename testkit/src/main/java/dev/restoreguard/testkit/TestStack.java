package dev.restoreguard.testkit;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Addresses of the local stack a test runs against.
 *
 * @param bootstrapServers Kafka's {@code bootstrap.servers}, for example {@code 127.0.0.1:19092}
 * @param elasticsearchUrl Elasticsearch's HTTP base URL, for example {@code http://127.0.0.1:19200}
 * @param home             the stack's home folder (logs are under {@code kafka/logs} and {@code elasticsearch/logs})
 */
public record TestStack(String bootstrapServers, URI elasticsearchUrl, Path home) {

    public TestStack {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(elasticsearchUrl, "elasticsearchUrl");
        Objects.requireNonNull(home, "home");
    }

    /** A new, mutable client configuration holding {@code bootstrap.servers}; add the rest. */
    public Map<String, Object> kafkaConfig() {
        final Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrapServers);
        return config;
    }

    /** {@code elasticsearchUrl} resolved against {@code path}, for example {@code "/_search"}. */
    public URI elasticsearch(final String path) {
        return elasticsearchUrl.resolve(path);
    }
}
