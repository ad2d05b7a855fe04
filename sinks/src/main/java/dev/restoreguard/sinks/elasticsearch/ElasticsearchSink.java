package dev.restoreguard.sinks.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._helpers.bulk.BulkIngester;
import co.elastic.clients.elasticsearch._helpers.bulk.BulkListener;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.ErrorCause;
import co.elastic.clients.elasticsearch._types.VersionType;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.transport.TransportException;
import co.elastic.clients.util.BinaryData;
import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.sinks.DeadLetterPublisher;
import dev.restoreguard.sinks.Sink;
import dev.restoreguard.sinks.SinkException;
import dev.restoreguard.sinks.SinkRecord;
import dev.restoreguard.sinks.retry.RetriableException;
import dev.restoreguard.sinks.retry.RetryExecutor;
import dev.restoreguard.sinks.service.Metrics;
import java.io.IOException;
import java.io.StringReader;
import java.time.Clock;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Indexes normalized events and alerts into Elasticsearch for investigations, through the official
 * client's {@link BulkIngester} and a {@link BulkListener} that reports every item's outcome.
 *
 * <p>Reads (via its {@code SinkRunner}): the normalized event topics ({@code Topics.events()},
 * {@link Envelope} JSON) and {@code restoreguard.alerts} ({@link Alert} JSON), keys are strings.
 * Writes:
 * <ul>
 *   <li>events to the data stream {@code logs-restoreguard.events-<namespace>}: {@code create},
 *       {@code _id} = {@code event_id};</li>
 *   <li>every alert version to {@code logs-restoreguard.alerts-<namespace>}: {@code create},
 *       {@code _id} = {@code alert.id} + a hash of the version, so updates and retractions are all kept;</li>
 *   <li>the latest state of each alert to {@code restoreguard-alerts}: {@code index}, {@code _id} =
 *       {@code alert.id}, external version = source offset + 1, so a retraction replaces the open
 *       alert and a replay of older offsets never overwrites a newer state;</li>
 *   <li>documents Elasticsearch refuses for good (mapping errors) to the dead-letter topic with the reason.</li>
 * </ul>
 * A 409 on {@code create} means the document is already there (a re-run of the same offsets), and
 * counts as written. 429, 5xx, timeouts and connection failures are retried per item with jittered
 * backoff; 401/403/404 are retried too (a revoked key or a missing template is fixed by a person,
 * and dropping documents meanwhile would be worse).
 */
public final class ElasticsearchSink implements Sink<Object> {

    private static final Logger LOGGER = LoggerFactory.getLogger(ElasticsearchSink.class);
    /** The index templates this sink's documents need. */
    public static final List<String> TEMPLATES = List.of("logs-restoreguard.events", "logs-restoreguard.alerts",
            "restoreguard-alerts");

    private final String name;
    private final ElasticsearchSinkConfig config;
    private final ElasticsearchClient client;
    private final DeadLetterPublisher deadLetters;
    private final RetryExecutor retry;
    private final Metrics metrics;
    private final Map<String, String> templatesToInstall;
    private final EcsDocuments documents;
    private final Clock clock;
    private BulkIngester<Op> ingester;

    /**
     * @param templatesToInstall template name to JSON body, installed when missing (needs the
     *                           {@code manage_index_templates} privilege); empty to only check
     */
    public ElasticsearchSink(final ElasticsearchSinkConfig config, final ElasticsearchClient client,
                             final DeadLetterPublisher deadLetters, final RetryExecutor retry, final Metrics metrics,
                             final Map<String, String> templatesToInstall, final Clock clock) {
        this("elasticsearch", config, client, deadLetters, retry, metrics, templatesToInstall, clock);
    }

    /**
     * @param name the sink's name in logs, metrics and health ({@code elasticsearch},
     *             {@code elasticsearch-alerts})
     */
    public ElasticsearchSink(final String name, final ElasticsearchSinkConfig config, final ElasticsearchClient client,
                             final DeadLetterPublisher deadLetters, final RetryExecutor retry, final Metrics metrics,
                             final Map<String, String> templatesToInstall, final Clock clock) {
        this.name = Objects.requireNonNull(name, "name");
        this.config = Objects.requireNonNull(config, "config");
        this.client = Objects.requireNonNull(client, "client");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.retry = Objects.requireNonNull(retry, "retry");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.templatesToInstall = Map.copyOf(templatesToInstall);
        this.documents = new EcsDocuments(config.namespace());
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String name() {
        return name;
    }

    public EcsDocuments documents() {
        return documents;
    }

    @Override
    public boolean probesDuringBackoff() {
        return true; // a _cluster/health read
    }

    @Override
    public void validateConnection() throws SinkException {
        try {
            final var health = client.cluster().health();
            LOGGER.atInfo().addKeyValue("cluster", health.clusterName()).addKeyValue("status", health.status())
                    .addKeyValue("urls", config.urls()).log("Elasticsearch reachable");
        } catch (ElasticsearchException e) {
            throw new SinkException("Elasticsearch at " + config.urls() + " refused _cluster/health (HTTP " + e.status()
                    + ": " + e.getMessage() + "); check the credentials and that the role has the 'monitor' cluster privilege", e);
        } catch (IOException | RuntimeException e) {
            throw new SinkException("Elasticsearch at " + config.urls() + " is unreachable: " + e.getMessage(), e);
        }
        for (final String template : TEMPLATES) {
            checkTemplate(template);
        }
    }

    private void checkTemplate(final String template) throws SinkException {
        try {
            if (client.indices().existsIndexTemplate(r -> r.name(template)).value()) {
                return;
            }
        } catch (ElasticsearchException e) {
            if (e.status() == 401 || e.status() == 403) {
                // least privilege: a writer role cannot read templates; trust the administrator installed them
                LOGGER.atWarn().addKeyValue("template", template)
                        .log("Cannot check the index template (no manage_index_templates privilege); assuming it is installed");
                return;
            }
            throw new SinkException("cannot check index template " + template + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new SinkException("cannot check index template " + template + ": " + e.getMessage(), e);
        }
        final String body = templatesToInstall.get(template);
        if (body == null) {
            throw new SinkException("index template " + template + " is missing in Elasticsearch: install the "
                    + "templates (restoreguard sink elasticsearch --install-templates, or 'stack up' locally) before "
                    + "indexing, or data streams get the built-in logs mappings", null);
        }
        try {
            client.indices().putIndexTemplate(r -> r.name(template).withJson(new StringReader(body)));
            LOGGER.atInfo().addKeyValue("template", template).log("Installed index template");
        } catch (IOException | ElasticsearchException e) {
            throw new SinkException("cannot install index template " + template + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void configure() {
        ingester = BulkIngester.of(b -> b.client(client)
                .maxOperations(config.bulkMaxOperations())
                .maxSize(config.bulkMaxBytes())
                .maxConcurrentRequests(config.bulkConcurrentRequests())
                .flushInterval(config.flushIntervalMs(), TimeUnit.MILLISECONDS)
                .listener(new Listener()));
    }

    @Override
    public void handle(final List<SinkRecord<Object>> batch) throws SinkException {
        if (ingester == null) {
            configure();
        }
        final List<Op> ops = new ArrayList<>(batch.size() + 8);
        final Map<SinkRecord<Object>, String> refused = new IdentityHashMap<>();
        final var ingested = clock.instant();
        for (final SinkRecord<Object> record : batch) {
            try {
                ops.addAll(operations(record, ingested));
            } catch (RuntimeException e) {
                refused.put(record, "cannot build the document: " + e);
            }
        }
        List<Op> pending = ops;
        int attempt = 1;
        while (!pending.isEmpty()) {
            final List<Op> again = submitAndAwait(pending, refused);
            if (again.isEmpty()) {
                break;
            }
            metrics.count("restoreguard_sink_es_item_retries_total", again.size());
            final Op sample = again.getFirst();
            if (attempt >= retry.policy().maxAttempts()) {
                throw new SinkException(again.size() + " documents not acknowledged after " + attempt + " attempts; last: "
                        + sample.describe() + ": " + sample.failure, null);
            }
            LOGGER.atWarn().addKeyValue("items", again.size()).addKeyValue("attempt", attempt)
                    .addKeyValue("error", sample.failure).log("Retrying documents Elasticsearch did not accept");
            try {
                retry.pause(attempt, new RetriableException(sample.failure));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SinkException("interrupted while retrying", e);
            }
            pending = again;
            attempt++;
        }
        // dead letters last: only a batch that is otherwise complete gets committed
        final Map<SinkRecord<Object>, String> ordered = new LinkedHashMap<>();
        batch.stream().filter(refused::containsKey).forEach(r -> ordered.put(r, refused.get(r)));
        for (final Map.Entry<SinkRecord<Object>, String> entry : ordered.entrySet()) {
            final SinkRecord<Object> r = entry.getKey();
            deadLetters.publish(r.topic(), r.partition(), r.offset(), r.rawKey(), r.rawValue(), "sink.elasticsearch.index",
                    null, entry.getValue());
            metrics.count("restoreguard_sink_dead_letters_total", 1, "sink", name(), "stage", "index");
        }
    }

    /** Sends the operations and waits for their outcomes; returns those to retry. */
    private List<Op> submitAndAwait(final List<Op> pending, final Map<SinkRecord<Object>, String> refused)
            throws SinkException {
        for (final Op op : pending) {
            op.reset();
            ingester.add(op.operation, op);
        }
        ingester.flush();
        final CompletableFuture<?>[] futures = pending.stream().map(op -> op.done).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(futures).get(config.requestTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SinkException("interrupted while waiting for Elasticsearch", e);
        } catch (ExecutionException e) {
            throw new SinkException("unexpected failure waiting for Elasticsearch", e);
        } catch (TimeoutException e) {
            pending.stream().filter(op -> !op.done.isDone())
                    .forEach(op -> op.complete(Outcome.RETRY, "no answer within " + config.requestTimeoutMs() + " ms"));
        }
        final List<Op> again = new ArrayList<>();
        for (final Op op : pending) {
            final Outcome outcome = op.done.getNow(Outcome.RETRY);
            switch (outcome) {
                case WRITTEN -> metrics.count("restoreguard_sink_es_documents_total", 1, "target", op.target, "result", "written");
                case DUPLICATE -> metrics.count("restoreguard_sink_es_documents_total", 1, "target", op.target, "result", "duplicate");
                case STALE -> metrics.count("restoreguard_sink_es_documents_total", 1, "target", op.target, "result", "stale");
                case RETRY -> again.add(op);
                case REFUSED -> {
                    metrics.count("restoreguard_sink_es_documents_total", 1, "target", op.target, "result", "refused");
                    refused.merge(op.record, op.describe() + ": " + op.failure, (a, b) -> a + "; " + b);
                }
            }
        }
        return again;
    }

    private List<Op> operations(final SinkRecord<Object> record, final java.time.Instant ingested) {
        return switch (record.value()) {
            case Envelope envelope -> {
                final byte[] doc = EcsDocuments.bytes(documents.event(envelope, ingested));
                final String stream = documents.eventsDataStream();
                yield List.of(new Op(record, stream, envelope.eventId(), false, BulkOperation.of(b -> b.create(c -> c
                        .index(stream).id(envelope.eventId()).document(BinaryData.of(doc, "application/json"))))));
            }
            case Alert alert -> {
                final byte[] doc = EcsDocuments.bytes(documents.alert(alert, ingested));
                final BinaryData data = BinaryData.of(doc, "application/json");
                final String stream = documents.alertsDataStream();
                final String versionId = EcsDocuments.alertVersionId(alert);
                final String latest = config.latestIndex();
                // alerts are keyed by alert.id, so all versions of one alert are in one partition and
                // its offsets order them: offset + 1 as external version keeps the newest state
                final long version = record.offset() + 1;
                yield List.of(
                        new Op(record, stream, versionId, false, BulkOperation.of(b -> b.create(c -> c
                                .index(stream).id(versionId).document(data)))),
                        new Op(record, latest, alert.alert().id(), true, BulkOperation.of(b -> b.index(i -> i
                                .index(latest).id(alert.alert().id()).version(version)
                                .versionType(VersionType.ExternalGte).document(data)))));
            }
            default -> throw new IllegalArgumentException("unexpected value " + record.value().getClass().getName()
                    + " on " + record.topic());
        };
    }

    @Override
    public void close() {
        if (ingester != null) {
            ingester.close();
        }
    }

    /** What became of one bulk item. */
    enum Outcome { WRITTEN, DUPLICATE, STALE, RETRY, REFUSED }

    /** Sorts one item's status: see the class comment. */
    static Outcome classify(final int status, final boolean versioned) {
        if (status >= 200 && status < 300) {
            return Outcome.WRITTEN;
        }
        if (status == 409) {
            return versioned ? Outcome.STALE : Outcome.DUPLICATE;
        }
        if (status == 429 || status >= 500 || status == 401 || status == 403 || status == 404 || status == 408) {
            return Outcome.RETRY;
        }
        return Outcome.REFUSED;
    }

    /** One bulk operation and its future outcome: the BulkIngester's context object. */
    private static final class Op {
        final SinkRecord<Object> record;
        final String target;
        final String id;
        final boolean versioned;
        final BulkOperation operation;
        volatile CompletableFuture<Outcome> done = new CompletableFuture<>();
        volatile String failure;

        Op(final SinkRecord<Object> record, final String target, final String id, final boolean versioned,
           final BulkOperation operation) {
            this.record = record;
            this.target = target;
            this.id = id;
            this.versioned = versioned;
            this.operation = operation;
        }

        void reset() {
            done = new CompletableFuture<>();
            failure = null;
        }

        void complete(final Outcome outcome, final String why) {
            failure = why;
            done.complete(outcome);
        }

        String describe() {
            return target + "/" + id + " (from " + record + ")";
        }
    }

    private final class Listener implements BulkListener<Op> {
        @Override
        public void beforeBulk(final long executionId, final BulkRequest request, final List<Op> contexts) {
            metrics.count("restoreguard_sink_es_bulk_requests_total", 1);
        }

        @Override
        public void afterBulk(final long executionId, final BulkRequest request, final List<Op> contexts,
                              final BulkResponse response) {
            final List<BulkResponseItem> items = response.items();
            for (int i = 0; i < contexts.size(); i++) {
                final Op op = contexts.get(i);
                if (op == null) {
                    continue;
                }
                if (i >= items.size()) {
                    op.complete(Outcome.RETRY, "no item in the bulk response");
                    continue;
                }
                final BulkResponseItem item = items.get(i);
                final Outcome outcome = classify(item.status(), op.versioned);
                op.complete(outcome, outcome == Outcome.WRITTEN ? null : "HTTP " + item.status() + " " + describe(item.error()));
            }
        }

        @Override
        public void afterBulk(final long executionId, final BulkRequest request, final List<Op> contexts,
                              final Throwable failure) {
            // the whole request failed (connection refused, timeout, 5xx without items): every item is retriable,
            // except when the server said the request itself is bad
            final boolean retriable = !(failure instanceof ElasticsearchException es) || classify(es.status(), false) == Outcome.RETRY;
            final String why = failure instanceof TransportException te ? "transport: " + te.getMessage() : failure.toString();
            LOGGER.atWarn().addKeyValue("operations", contexts.size()).addKeyValue("error", why).log("Bulk request failed");
            for (final Op op : contexts) {
                if (op != null) {
                    op.complete(retriable ? Outcome.RETRY : Outcome.REFUSED, why);
                }
            }
        }
    }

    private static String describe(final ErrorCause error) {
        if (error == null) {
            return "";
        }
        final StringBuilder out = new StringBuilder().append(error.type()).append(": ").append(error.reason());
        if (error.causedBy() != null) {
            out.append(" (caused by ").append(error.causedBy().type()).append(": ").append(error.causedBy().reason()).append(')');
        }
        return out.toString();
    }
}
