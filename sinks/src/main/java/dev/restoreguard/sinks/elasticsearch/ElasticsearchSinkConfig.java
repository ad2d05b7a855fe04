package dev.restoreguard.sinks.elasticsearch;

import static dev.restoreguard.events.config.ConfigException.check;

import dev.restoreguard.events.Topic;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.config.ConfigException;
import dev.restoreguard.sinks.retry.RetryPolicy;
import java.net.URI;
import java.util.List;

/**
 * Configuration of the Elasticsearch sink ({@code sinks.elasticsearch} in the YAML file). Every
 * key is optional; the defaults fit the local stack.
 *
 * @param urls                    cluster HTTP(S) URLs (default {@code http://127.0.0.1:9200})
 * @param apiKey                  encoded API key ({@code base64(id:key)}, as Kibana shows it); or
 * @param username                basic-auth user (with {@code password})
 * @param password                basic-auth password
 * @param caFile                  PEM file of the CA(s) that signed the cluster's certificate
 * @param namespace               data stream namespace: {@code logs-restoreguard.events-<namespace>}
 * @param latestIndex             the latest-state alert index (default {@code restoreguard-alerts})
 * @param bulkMaxOperations       operations per bulk request
 * @param bulkMaxBytes            bytes per bulk request
 * @param bulkConcurrentRequests  bulk requests in flight
 * @param flushIntervalMs         how long a partial bulk may wait
 * @param requestTimeoutMs        how long to wait for one batch's acknowledgements before retrying it
 * @param retry                   per-item retry of 429/5xx/timeouts
 * @param groupId                 consumer group of the events ({@link #alertsGroupId()}: the alerts')
 * @param eventTopics             normalized event topics to index
 * @param alertsTopic             the alerts topic
 * @param dlqTopic                the dead-letter topic
 */
public record ElasticsearchSinkConfig(
        List<String> urls,
        String apiKey,
        String username,
        String password,
        String caFile,
        String namespace,
        String latestIndex,
        Integer bulkMaxOperations,
        Long bulkMaxBytes,
        Integer bulkConcurrentRequests,
        Long flushIntervalMs,
        Long requestTimeoutMs,
        RetryPolicy retry,
        String groupId,
        List<String> eventTopics,
        String alertsTopic,
        String dlqTopic) {

    /** All defaults: the local stack on 127.0.0.1:9200 without security. */
    public static final ElasticsearchSinkConfig DEFAULT = new ElasticsearchSinkConfig(null, null, null, null, null,
            null, null, null, null, null, null, null, null, null, null, null, null);

    public ElasticsearchSinkConfig {
        urls = urls == null || urls.isEmpty() ? List.of("http://127.0.0.1:9200") : List.copyOf(urls);
        for (int i = 0; i < urls.size(); i++) {
            final String url = urls.get(i);
            final String scheme = scheme(url, i);
            check("http".equals(scheme) || "https".equals(scheme), "urls[" + i + "]",
                    "must be http:// or https://, was " + url);
        }
        check(apiKey == null || username == null, "api_key", "set either api_key or username/password, not both");
        check(username == null || password != null, "password", "required with username");
        check(caFile == null || urls.stream().allMatch(u -> u.startsWith("https:")), "ca_file",
                "only makes sense with https:// urls");
        namespace = namespace == null ? "default" : namespace;
        // data stream naming rules: lower case, no '-' (it separates type-dataset-namespace), short
        check(namespace.matches("[a-z0-9_.]{1,100}"), "namespace", "lower-case letters, digits, '_' or '.', was " + namespace);
        latestIndex = latestIndex == null ? "restoreguard-alerts" : latestIndex;
        check(latestIndex.matches("[a-z0-9][a-z0-9_.-]*"), "latest_index", "not a valid index name: " + latestIndex);
        bulkMaxOperations = bulkMaxOperations == null ? 1000 : bulkMaxOperations;
        check(bulkMaxOperations >= 1 && bulkMaxOperations <= 100_000, "bulk_max_operations", "must be 1..100000");
        bulkMaxBytes = bulkMaxBytes == null ? 5L * 1024 * 1024 : bulkMaxBytes;
        check(bulkMaxBytes >= 1024, "bulk_max_bytes", "must be at least 1024");
        bulkConcurrentRequests = bulkConcurrentRequests == null ? 2 : bulkConcurrentRequests;
        check(bulkConcurrentRequests >= 1 && bulkConcurrentRequests <= 64, "bulk_concurrent_requests", "must be 1..64");
        flushIntervalMs = flushIntervalMs == null ? 1000L : flushIntervalMs;
        check(flushIntervalMs >= 1, "flush_interval_ms", "must be positive");
        requestTimeoutMs = requestTimeoutMs == null ? 120_000L : requestTimeoutMs;
        check(requestTimeoutMs >= 100, "request_timeout_ms", "must be at least 100");
        retry = retry == null ? RetryPolicy.DEFAULT : retry;
        groupId = groupId == null ? "restoreguard-sink-elasticsearch" : groupId;
        eventTopics = eventTopics == null ? Topics.events().stream().map(Topic::name).toList() : List.copyOf(eventTopics);
        alertsTopic = alertsTopic == null ? Topics.ALERTS.name() : alertsTopic;
        dlqTopic = dlqTopic == null ? Topics.DLQ.name() : dlqTopic;
    }

    private static String scheme(final String url, final int index) {
        try {
            return URI.create(url).getScheme();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("urls[" + index + "]: not a URL: " + url);
        }
    }

    /** This configuration pointing at other URLs (the CLI's {@code --es-url}). */
    public ElasticsearchSinkConfig withUrls(final List<String> newUrls) {
        return new ElasticsearchSinkConfig(newUrls, apiKey, username, password, caFile, namespace, latestIndex,
                bulkMaxOperations, bulkMaxBytes, bulkConcurrentRequests, flushIntervalMs, requestTimeoutMs, retry,
                groupId, eventTopics, alertsTopic, dlqTopic);
    }

    /** This configuration with other topics, group and names (tests isolate themselves this way). */
    public ElasticsearchSinkConfig withTopology(final String newGroupId, final List<String> newEventTopics,
                                                final String newAlertsTopic, final String newDlqTopic,
                                                final String newNamespace, final String newLatestIndex) {
        return new ElasticsearchSinkConfig(urls, apiKey, username, password, caFile, newNamespace, newLatestIndex,
                bulkMaxOperations, bulkMaxBytes, bulkConcurrentRequests, flushIntervalMs, requestTimeoutMs, retry,
                newGroupId, newEventTopics, newAlertsTopic, newDlqTopic);
    }

    /** The alerts' consumer group: apart from the events', so that no alert waits behind them. */
    public String alertsGroupId() {
        return groupId + "-alerts";
    }

    /** This configuration with another retry policy. */
    public ElasticsearchSinkConfig withRetry(final RetryPolicy newRetry) {
        return new ElasticsearchSinkConfig(urls, apiKey, username, password, caFile, namespace, latestIndex,
                bulkMaxOperations, bulkMaxBytes, bulkConcurrentRequests, flushIntervalMs, requestTimeoutMs, newRetry,
                groupId, eventTopics, alertsTopic, dlqTopic);
    }

    @Override
    public String toString() {
        // never print secrets into logs
        return "ElasticsearchSinkConfig[urls=" + urls + ", auth=" + (apiKey != null ? "api_key" : username != null
                ? "basic(" + username + ")" : "none") + ", ca_file=" + caFile + ", namespace=" + namespace
                + ", latest_index=" + latestIndex + ", group_id=" + groupId + "]";
    }
}
