package dev.restoreguard.sinks.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.util.BinaryData;
import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.dns.DnsRecordChange;
import dev.restoreguard.events.restore.RestoreEvent;
import dev.restoreguard.sinks.DeadLetterPublisher;
import dev.restoreguard.sinks.Fixtures;
import dev.restoreguard.sinks.Kafka;
import dev.restoreguard.sinks.SinkRecord;
import dev.restoreguard.sinks.retry.Retriable;
import dev.restoreguard.sinks.retry.RetryExecutor;
import dev.restoreguard.sinks.service.Metrics;
import dev.restoreguard.sinks.service.SinkService;
import dev.restoreguard.testkit.TestStack;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Not a test: documents per second into a running Elasticsearch through the sink, beside a plain
 * {@code _bulk} of the same documents with the same client in the same run. Three figures:
 * <ol>
 *   <li>plain {@code _bulk}: pre-rendered ECS documents, {@code create} ops, sequential requests of {@code batch} docs;</li>
 *   <li>sink {@code handle()}: the same envelopes as {@link SinkRecord}s through {@link ElasticsearchSink}
 *       (ECS rendering + BulkIngester + per-item outcome tracking), batches of {@code batch};</li>
 *   <li>end to end: the envelopes on a Kafka topic, consumed by the sink service (read_committed,
 *       commit after ack) until the group caught up.</li>
 * </ol>
 * Usage: {@code ElasticsearchSinkBenchmark [es-url] [bootstrap] [docs] [batch]}; defaults
 * {@code http://127.0.0.1:9200 127.0.0.1:9092 50000 1000}. Each run writes to fresh data streams.
 */
public final class ElasticsearchSinkBenchmark {

    private ElasticsearchSinkBenchmark() {
    }

    public static void main(final String[] args) throws Exception {
        final String esUrl = args.length > 0 ? args[0] : "http://127.0.0.1:9200";
        final String bootstrap = args.length > 1 ? args[1] : "127.0.0.1:9092";
        final int docs = args.length > 2 ? Integer.parseInt(args[2]) : 50_000;
        final int batch = args.length > 3 ? Integer.parseInt(args[3]) : 1000;
        final ElasticsearchSinkConfig base = ElasticsearchSinkConfig.DEFAULT.withUrls(List.of(esUrl));
        final String run = Long.toString(System.currentTimeMillis() % 1_000_000);
        final List<Envelope> events = events(docs, run);
        try (ElasticsearchClient client = ElasticsearchClients.create(base);
             DeadLetterPublisher dlq = new DeadLetterPublisher(Map.of("bootstrap.servers", bootstrap), "restoreguard.dlq")) {
            // warm-up: JIT, connection pool, data stream creation paths
            plainBulk(client, events.subList(0, Math.min(10_000, docs)), batch, "benchwarmplain" + run);
            sinkHandle(client, dlq, base, events.subList(0, Math.min(10_000, docs)), batch, "benchwarmsink" + run);

            // alternate the order (plain, sink, sink, plain) so that a node slowing down as it fills
            // does not favour whichever runs first; each run writes its own fresh data stream
            final double plain1 = plainBulk(client, events, batch, "benchplaina" + run);
            final double sink1 = sinkHandle(client, dlq, base, events, batch, "benchsinka" + run);
            final double sink2 = sinkHandle(client, dlq, base, events, batch, "benchsinkb" + run);
            final double plain2 = plainBulk(client, events, batch, "benchplainb" + run);
            final double endToEnd = endToEnd(esUrl, bootstrap, events, "benche2e" + run, base);
            final double render = renderOnly(events);
            final double plain = (plain1 + plain2) / 2;
            final double sink = (sink1 + sink2) / 2;
            System.out.printf("docs=%d batch=%d cores=%d jdk=%s%n", docs, batch, Runtime.getRuntime().availableProcessors(),
                    Runtime.version());
            System.out.printf("plain _bulk:           %8.0f docs/s  (runs %.0f, %.0f)%n", plain, plain1, plain2);
            System.out.printf("sink handle():         %8.0f docs/s  (runs %.0f, %.0f)  ratio %.2f%n", sink, sink1, sink2, sink / plain);
            System.out.printf("kafka -> sink -> es:   %8.0f docs/s  ratio %.2f (from the first consumed batch)%n",
                    endToEnd, endToEnd / plain);
            System.out.printf("ECS rendering alone:   %8.0f docs/s%n", render);
        }
    }

    private static List<Envelope> events(final int count, final String run) {
        final List<Envelope> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            final Instant at = Fixtures.T0.plusMillis(i);
            events.add(switch (i % 3) {
                case 0 -> Envelope.of("bench", at, "vbr" + (i % 20) + ".corp.example", new RestoreEvent("veeam", run + "-" + i,
                        "started", "sql-dev-" + (i % 50) + ".corp.example", "Sales", "SQL nightly", "CORP\\op" + (i % 7),
                        "refresh dev", null, null));
                case 1 -> Envelope.of("bench", at, null, new DnsRecordChange("corp.example", "app" + i, "A", "add",
                        "10.20." + (i % 250) + "." + (i % 200 + 1), "dc01.corp.example", "CORP\\admin", (long) i));
                default -> Fixtures.hostsChange().payload() instanceof dev.restoreguard.events.hosts.HostsSnapshot h
                        ? Envelope.of("bench", at, "vbr" + (i % 20) + ".corp.example", h) : null;
            });
        }
        return events;
    }

    private static double renderOnly(final List<Envelope> events) {
        final EcsDocuments documents = new EcsDocuments("render");
        final long start = System.nanoTime();
        long bytes = 0;
        for (final Envelope e : events) {
            bytes += EcsDocuments.bytes(documents.event(e, Instant.now())).length;
        }
        if (bytes == 0) {
            throw new IllegalStateException("nothing rendered");
        }
        return events.size() / ((System.nanoTime() - start) / 1e9);
    }

    private static double plainBulk(final ElasticsearchClient client, final List<Envelope> events, final int batch,
                                     final String namespace) throws Exception {
        final EcsDocuments documents = new EcsDocuments(namespace);
        final List<byte[]> rendered = new ArrayList<>(events.size());
        final Instant now = Instant.now();
        for (final Envelope e : events) {
            rendered.add(EcsDocuments.bytes(documents.event(e, now)));
        }
        final String stream = documents.eventsDataStream();
        final long start = System.nanoTime();
        for (int from = 0; from < events.size(); from += batch) {
            final BulkRequest.Builder request = new BulkRequest.Builder();
            for (int i = from; i < Math.min(events.size(), from + batch); i++) {
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
                                     final ElasticsearchSinkConfig base, final List<Envelope> events, final int batch,
                                     final String namespace) throws Exception {
        final ElasticsearchSinkConfig config = base.withTopology("bench", List.of("bench.events"), "bench.alerts",
                "restoreguard.dlq", namespace, "restoreguard-alerts-bench");
        try (ElasticsearchSink sink = new ElasticsearchSink(config, client, dlq,
                new RetryExecutor(config.retry(), Retriable.DEFAULT), new Metrics(), Map.of(), Clock.systemUTC())) {
            sink.configure();
            final long start = System.nanoTime();
            for (int from = 0; from < events.size(); from += batch) {
                final List<SinkRecord<Object>> records = new ArrayList<>(batch);
                for (int i = from; i < Math.min(events.size(), from + batch); i++) {
                    records.add(new SinkRecord<>("bench.events", 0, i, 0L, null, events.get(i), null, null));
                }
                sink.handle(records);
            }
            return events.size() / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static double endToEnd(final String esUrl, final String bootstrap, final List<Envelope> events,
                                   final String namespace, final ElasticsearchSinkConfig base) throws Exception {
        final TestStack stack = new TestStack(bootstrap, URI.create(esUrl + "/"), Path.of("."));
        final String topic = "bench.events." + namespace;
        Kafka.createTopics(stack, 6, topic);
        final List<Map.Entry<String, Object>> records = new ArrayList<>(events.size());
        events.forEach(e -> records.add(Map.entry(e.observer() == null ? e.kind() : e.observer(), e)));
        Kafka.produce(stack, topic, records);
        final String group = "bench-" + namespace;
        final ElasticsearchSinkConfig config = base.withTopology(group, List.of(topic), topic + ".alerts",
                "restoreguard.dlq", namespace, "restoreguard-alerts-bench");
        Kafka.createTopics(stack, 1, topic + ".alerts");
        final Metrics metrics = new Metrics();
        try (SinkService service = ElasticsearchSinkService.create(config, stack.kafkaConfig(), Map.of(), metrics)) {
            service.start();
            // the clock starts at the first consumed batch: the consumer group join is not indexing
            while (metrics.counter("restoreguard_sink_records_consumed_total", "sink", "elasticsearch") == 0) {
                Thread.sleep(5);
            }
            final long start = System.nanoTime();
            final String stream = new EcsDocuments(namespace).eventsDataStream();
            while (metrics.counter("restoreguard_sink_es_documents_total", "target", stream, "result", "written") < events.size()) {
                Thread.sleep(5);
            }
            return events.size() / ((System.nanoTime() - start) / 1e9);
        }
    }
}
