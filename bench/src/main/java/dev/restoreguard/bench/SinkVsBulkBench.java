package dev.restoreguard.bench;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.util.BinaryData;
import dev.restoreguard.events.Envelope;
import dev.restoreguard.sinks.DeadLetterPublisher;
import dev.restoreguard.sinks.SinkRecord;
import dev.restoreguard.sinks.elasticsearch.EcsDocuments;
import dev.restoreguard.sinks.elasticsearch.ElasticsearchClients;
import dev.restoreguard.sinks.elasticsearch.ElasticsearchSink;
import dev.restoreguard.sinks.elasticsearch.ElasticsearchSinkConfig;
import dev.restoreguard.sinks.retry.Retriable;
import dev.restoreguard.sinks.retry.RetryExecutor;
import dev.restoreguard.sinks.service.Metrics;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Documents per second into Elasticsearch through the sink ({@link ElasticsearchSink#handle}: ECS
 * rendering, BulkIngester, per-item outcomes and retry classification) beside a plain {@code _bulk}
 * of the same pre-rendered documents ({@code create} ops, sequential requests of the sink's bulk
 * size) by the same client, in the same run. The paths alternate (plain, sink, sink, plain per
 * round) because the node slows as it fills and the machine is shared; every run writes a fresh
 * data stream.
 */
final class SinkVsBulkBench {

    /** Docs/s of every plain and every sink run, in the order run. */
    record Result(int docs, List<Double> plain, List<Double> sink) {
        double ratio() {
            return Stats.median(sink) / Stats.median(plain);
        }
    }

    private static final int BATCH = 1000;

    private SinkVsBulkBench() {
    }

    static Result run(final String esUrl, final String bootstrap, final List<Envelope> events, final int warmupDocs,
                      final int rounds) throws Exception {
        final ElasticsearchSinkConfig base = ElasticsearchSinkConfig.DEFAULT.withUrls(List.of(esUrl));
        final String run = Long.toString(System.currentTimeMillis() % 1_000_000);
        final List<Double> plain = new ArrayList<>();
        final List<Double> sink = new ArrayList<>();
        try (ElasticsearchClient client = ElasticsearchClients.create(base);
             DeadLetterPublisher dlq = new DeadLetterPublisher(Map.of("bootstrap.servers", bootstrap), "restoreguard.dlq")) {
            // warm-up of both paths: JIT, connection pool, data stream creation
            final List<Envelope> warm = events.subList(0, Math.min(warmupDocs, events.size()));
            plainBulk(client, warm, "benchwarmplain" + run);
            sinkHandle(client, dlq, base, warm, "benchwarmsink" + run);
            for (int r = 0; r < rounds; r++) {
                plain.add(plainBulk(client, events, "benchplain" + r + "a" + run));
                sink.add(sinkHandle(client, dlq, base, events, "benchsink" + r + "a" + run));
                sink.add(sinkHandle(client, dlq, base, events, "benchsink" + r + "b" + run));
                plain.add(plainBulk(client, events, "benchplain" + r + "b" + run));
            }
        }
        return new Result(events.size(), plain, sink);
    }

    private static double plainBulk(final ElasticsearchClient client, final List<Envelope> events,
                                    final String namespace) throws Exception {
        final EcsDocuments documents = new EcsDocuments(namespace);
        final List<byte[]> rendered = new ArrayList<>(events.size());
        final Instant now = Instant.now();
        for (final Envelope e : events) {
            rendered.add(EcsDocuments.bytes(documents.event(e, now)));
        }
        final String stream = documents.eventsDataStream();
        final long start = System.nanoTime();
        for (int from = 0; from < events.size(); from += BATCH) {
            final BulkRequest.Builder request = new BulkRequest.Builder();
            for (int i = from; i < Math.min(events.size(), from + BATCH); i++) {
                final String id = events.get(i).eventId();
                final byte[] doc = rendered.get(i);
                request.operations(op -> op.create(c -> c.index(stream).id(id).document(BinaryData.of(doc, "application/json"))));
            }
            final BulkResponse response = client.bulk(request.build());
            if (response.errors()) {
                throw new IllegalStateException("plain bulk had item errors: " + response.items().stream()
                        .filter(it -> it.error() != null).findFirst().map(it -> it.error().reason()).orElse("?"));
            }
        }
        return events.size() / ((System.nanoTime() - start) / 1e9);
    }

    private static double sinkHandle(final ElasticsearchClient client, final DeadLetterPublisher dlq,
                                     final ElasticsearchSinkConfig base, final List<Envelope> events,
                                     final String namespace) throws Exception {
        final ElasticsearchSinkConfig config = base.withTopology("bench", List.of("bench.events"), "bench.alerts",
                "restoreguard.dlq", namespace, "restoreguard-alerts-bench");
        try (ElasticsearchSink sink = new ElasticsearchSink(config, client, dlq,
                new RetryExecutor(config.retry(), Retriable.DEFAULT), new Metrics(), Map.of(), Clock.systemUTC())) {
            sink.configure();
            final long start = System.nanoTime();
            for (int from = 0; from < events.size(); from += BATCH) {
                final List<SinkRecord<Object>> records = new ArrayList<>(BATCH);
                for (int i = from; i < Math.min(events.size(), from + BATCH); i++) {
                    records.add(new SinkRecord<>("bench.events", 0, i, 0L, null, events.get(i), null, null));
                }
                sink.handle(records);
            }
            return events.size() / ((System.nanoTime() - start) / 1e9);
        }
    }
}
