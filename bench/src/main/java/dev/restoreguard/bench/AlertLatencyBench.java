package dev.restoreguard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.restore.RestoreEvent;
import dev.restoreguard.producers.scenario.Routed;
import dev.restoreguard.sinks.alert.AlertsService;
import dev.restoreguard.sinks.alert.WebhookVerifier;
import dev.restoreguard.sinks.alert.config.AlertsConfig;
import dev.restoreguard.sinks.alert.config.WebhookConfig;
import dev.restoreguard.sinks.elasticsearch.ElasticsearchSinkConfig;
import dev.restoreguard.sinks.elasticsearch.ElasticsearchSinkService;
import dev.restoreguard.sinks.service.Metrics;
import dev.restoreguard.sinks.service.SinkService;
import dev.restoreguard.streams.app.CorrelationApp;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Alert latency under a steady background load, on the stack as deployed: the engine
 * ({@link CorrelationApp}, exactly-once), the Elasticsearch sink and the alert sink with a webhook
 * channel, all with their production defaults. A paced producer sends the mixed stream at
 * {@code rate} events/s with event time now (restores there never target production, so alerts
 * stay the exception) and, in between, probe restores into a production asset without approval,
 * each an RG-001 alert. For each probe: the time from its produce to (a) its alert on
 * {@code restoreguard.alerts} (a {@code read_committed} consumer), (b) the Standard-Webhooks-signed
 * POST arriving at a loopback receiver (signature verified), (c) the alert being returned by a
 * search of {@code restoreguard-alerts} (polled every 50 ms). The first probes are a warm-up and
 * not counted.
 */
final class AlertLatencyBench {

    /** Latencies in ms of the counted probes, per stage, and how many never arrived. */
    record Result(int probes, int warmup, double[] topicMs, double[] webhookMs, double[] searchMs, int lostTopic,
                  int lostWebhook, int lostSearch, int badSignatures, double backgroundRate, long backgroundEvents,
                  double[] topicMsInOrder, boolean warmedUp, double warmupSeconds, Backlog backlog) {
    }

    /**
     * The engine's input not yet committed when the counted probes started and when the last was
     * sent, and the input it committed per second in between: a probe waits behind the backlog,
     * so a backlog that grows is an engine slower than the load, and the latency measures that.
     */
    record Backlog(long atStart, long atEnd, double engineRate) {
    }

    /** The records on the engine's input topics and those of them the engine has committed. */
    private static long[] progress(final BenchKafka kafka, final String applicationId) throws Exception {
        final Map<org.apache.kafka.common.TopicPartition, Long> end = kafka.endOffsets(BrokerEngineBench.EVENT_TOPICS);
        return new long[] {end.values().stream().mapToLong(Long::longValue).sum(),
                kafka.committedRecords(applicationId, end)};
    }

    private static final String PROBE_OBSERVER = "vbr-probe.corp.example";

    private AlertLatencyBench() {
    }

    static Result run(final BenchKafka kafka, final String esUrl, final Routed inventory, final int assets,
                      final int observers, final int probes, final int warmup, final double probeRate,
                      final double backgroundRate, final Duration commitInterval, final Path stateRoot,
                      final Duration startTimeout,
                      final Duration warmupWait, final Duration stragglerWait) throws Exception {
        kafka.resetCatalogTopics();
        final String runId = Long.toString(System.currentTimeMillis());
        final String applicationId = "restoreguard-bench-latency-" + runId;
        final Path stateDir = Files.createDirectories(stateRoot.resolve(applicationId));
        final Map<String, Long> sent = new ConcurrentHashMap<>();      // session id -> produce nanos
        final Map<String, Long> onTopic = new ConcurrentHashMap<>();   // session id -> arrival nanos
        final Map<String, String> alertIds = new ConcurrentHashMap<>(); // alert id -> session id
        final Map<String, Long> onWebhook = new ConcurrentHashMap<>();
        final Map<String, Long> searchable = new ConcurrentHashMap<>();
        final AtomicInteger badSignatures = new AtomicInteger();
        final AtomicBoolean stop = new AtomicBoolean();
        final String prefix = "restore:veeam:";

        final byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        final String secret = "whsec_" + Base64.getEncoder().encodeToString(key);
        final WebhookVerifier verifier = new WebhookVerifier(secret);
        final HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            final long now = System.nanoTime();
            final String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (verified(verifier, exchange.getRequestHeaders(), body)) {
                final String subject = Json.MAPPER.readTree(body).path("data").path("alert").path("alert")
                        .path("subject").asText("");
                if (subject.startsWith(prefix)) {
                    onWebhook.putIfAbsent(subject.substring(prefix.length()), now);
                }
            } else {
                badSignatures.incrementAndGet();
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        final List<AutoCloseable> open = new ArrayList<>();
        try (Producer<String, byte[]> producer = kafka.producer()) {
            BenchKafka.sendAll(producer, BenchKafka.records(List.of(inventory), null));
            final CorrelationApp app = new CorrelationApp(
                    BrokerEngineBench.config(kafka.bootstrap(), applicationId, stateDir, 1, commitInterval),
                    Duration.ofSeconds(60));
            open.add(app);
            app.start();
            if (!app.awaitRunning(startTimeout)) {
                throw new IllegalStateException("engine did not reach RUNNING within " + startTimeout.toSeconds()
                        + " s (state " + app.state() + ")");
            }
            BrokerEngineBench.awaitInventory(kafka, applicationId, startTimeout);

            final Map<String, Object> kafkaConfig = Map.of("bootstrap.servers", kafka.bootstrap());
            final ElasticsearchSinkConfig es = ElasticsearchSinkConfig.DEFAULT.withUrls(List.of(esUrl)).withTopology(
                    "restoreguard-bench-es-" + runId, null, null, null, "bench", null);
            final SinkService esSink = ElasticsearchSinkService.create(es, kafkaConfig, Map.of(), new Metrics());
            open.add(esSink);
            esSink.start();
            final AlertsConfig alerts = new AlertsConfig(null, null, null, null, "restoreguard-bench-alerts-" + runId + "-",
                    List.of(new WebhookConfig("bench-webhook", null, null, null, null,
                            "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook", secret)));
            final SinkService alertSink = AlertsService.create(alerts, kafkaConfig, new Metrics());
            open.add(alertSink);
            alertSink.start();

            final Thread topicReader = Thread.ofPlatform().name("bench-alerts-reader").start(() ->
                    readAlerts(kafka.bootstrap(), prefix, onTopic, alertIds, stop));
            final Thread searcher = Thread.ofPlatform().name("bench-es-poller").start(() ->
                    pollSearch(esUrl, alertIds, searchable, stop));

            final String probePrefix = "probe-" + runId + "-";
            final Pacer pacer = new Pacer(producer, new MixedStream.Generator(observers, assets, 7L, true),
                    backgroundRate, probeRate, probePrefix, sent);
            // Warm-up: the first probes over the background, then the background alone until the
            // engine has judged every one of them (alert on the topic, the webhook and in
            // Elasticsearch), so the counted probes meet a warm pipeline that has caught up, not
            // the JIT's first minutes and a backlog of the start; bounded, and said when missed.
            pacer.run(warmup, () -> true, 0);
            final List<String> warm = IntStream.range(0, warmup).mapToObj(i -> probePrefix + i).toList();
            final long w0 = System.nanoTime();
            final boolean warmedUp = pacer.run(warmup, () -> onTopic.keySet().containsAll(warm)
                    && onWebhook.keySet().containsAll(warm) && searchable.keySet().containsAll(warm),
                    warmupWait.toNanos());
            final double warmupSeconds = (System.nanoTime() - w0) / 1e9;
            final int total = warmup + probes;
            final long counted0 = pacer.backgroundSent;
            final long[] before = progress(kafka, applicationId);
            final long start = System.nanoTime();
            pacer.run(total, () -> true, 0);
            final long backgroundSent = pacer.backgroundSent - counted0;
            final double backgroundSeconds = (System.nanoTime() - start) / 1e9;
            final long[] after = progress(kafka, applicationId);
            final Backlog backlog = new Backlog(before[0] - before[1], after[0] - after[1],
                    (after[1] - before[1]) / backgroundSeconds);
            producer.flush();
            final Map<String, Long> counted = new HashMap<>(sent);
            counted.keySet().removeAll(warm);
            // wait for the stragglers (bounded): every counted probe through all three stages
            final long deadline = System.nanoTime() + stragglerWait.toNanos();
            while (System.nanoTime() < deadline && !(onTopic.keySet().containsAll(counted.keySet())
                    && onWebhook.keySet().containsAll(counted.keySet())
                    && searchable.keySet().containsAll(counted.keySet()))) {
                Thread.sleep(50);
            }
            stop.set(true);
            topicReader.join();
            searcher.join();
            return new Result(probes, warmup, latencies(counted, onTopic), latencies(counted, onWebhook),
                    latencies(counted, searchable), missing(counted, onTopic), missing(counted, onWebhook),
                    missing(counted, searchable), badSignatures.get(), backgroundSent / backgroundSeconds, backgroundSent,
                    inOrder(counted, onTopic, probePrefix, warmup, total), warmedUp, warmupSeconds, backlog);
        } finally {
            stop.set(true);
            for (int i = open.size() - 1; i >= 0; i--) {
                open.get(i).close();
            }
            receiver.stop(0);
            Files.walk(stateDir).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * Sends the background at its rate with probe restores into production (each an RG-001
     * alert) at theirs, from the bench's own thread.
     */
    private static final class Pacer {
        private final Producer<String, byte[]> producer;
        private final MixedStream.Generator background;
        private final double backgroundRate;
        private final double probeRate;
        private final String sessionPrefix;
        private final Map<String, Long> sent;
        private final long start = System.nanoTime();
        private long backgroundSent;
        private int probesSent;

        Pacer(final Producer<String, byte[]> producer, final MixedStream.Generator background, final double backgroundRate,
              final double probeRate, final String sessionPrefix, final Map<String, Long> sent) {
            this.producer = producer;
            this.background = background;
            this.backgroundRate = backgroundRate;
            this.probeRate = probeRate;
            this.sessionPrefix = sessionPrefix;
            this.sent = sent;
        }

        /**
         * Sends the next probes up to {@code to} on their schedule, the
         * background beside them, then the background alone until {@code done} or {@code boundNanos}.
         *
         * @return whether {@code done} held before the bound
         */
        boolean run(final int to, final BooleanSupplier done, final long boundNanos) throws InterruptedException {
            // the probe schedule runs from the first probe of this call
            final int from = probesSent;
            final long probesStart = System.nanoTime();
            // At most one probe interval's worth of background per pass: when generating and sending
            // the background is slower than its rate (a loaded machine), an unbounded catch-up loop
            // grew longer every pass and held the probes back for minutes; this way the probes keep
            // their schedule and the background falls behind instead (its achieved rate is reported).
            final long backgroundPerPass = Math.max(1, (long) (backgroundRate / probeRate));
            long deadline = Long.MAX_VALUE;
            while (true) {
                if (probesSent >= to) {
                    if (deadline == Long.MAX_VALUE) {
                        deadline = System.nanoTime() + boundNanos;
                    }
                    if (done.getAsBoolean()) {
                        return true;
                    }
                    if (System.nanoTime() >= deadline) {
                        return false;
                    }
                }
                final double elapsed = (System.nanoTime() - start) / 1e9;
                long passBudget = backgroundPerPass;
                while (backgroundSent < (long) (elapsed * backgroundRate) && passBudget-- > 0) {
                    final var routed = background.next(Instant.now(), false);
                    backgroundSent++;
                    if (routed.isPresent()) {
                        final Routed r = routed.get();
                        producer.send(new ProducerRecord<>(r.topic(), r.key(), BenchKafka.serialize(r)));
                    }
                }
                // while, not if: a slow iteration (generation under load) must not slow the probes down
                final double probeElapsed = (System.nanoTime() - probesStart) / 1e9;
                while (probesSent < to && probesSent - from < (long) (probeElapsed * probeRate)) {
                    final String session = sessionPrefix + probesSent;
                    final int asset = 1 + probesSent % 255; // 1..255: production
                    final Routed probe = new Routed(Topics.RESTORES.name(), PROBE_OBSERVER,
                            Envelope.of("bench", Instant.now(), PROBE_OBSERVER, new RestoreEvent("veeam", session,
                                    "started", MixedStream.assetName(asset), null, null, "CORP\\bench", null, null, null)));
                    final byte[] value = BenchKafka.serialize(probe);
                    sent.put(session, System.nanoTime());
                    producer.send(new ProducerRecord<>(probe.topic(), probe.key(), value));
                    probesSent++;
                }
                Thread.sleep(1); // pacing: both rates are far below what one send costs
            }
        }
    }

    private static double[] latencies(final Map<String, Long> sent, final Map<String, Long> arrived) {
        return sent.entrySet().stream().filter(e -> arrived.containsKey(e.getKey()))
                .mapToDouble(e -> (arrived.get(e.getKey()) - e.getValue()) / 1e6).toArray();
    }

    /** Each counted probe's latency in the order sent (NaN: lost), to tell a growing backlog from a floor. */
    private static double[] inOrder(final Map<String, Long> sent, final Map<String, Long> arrived, final String prefix,
                                    final int from, final int to) {
        final double[] out = new double[to - from];
        for (int i = from; i < to; i++) {
            final Long s = sent.get(prefix + i);
            final Long a = arrived.get(prefix + i);
            out[i - from] = s == null || a == null ? Double.NaN : (a - s) / 1e6;
        }
        return out;
    }

    private static int missing(final Map<String, Long> sent, final Map<String, Long> arrived) {
        return (int) sent.keySet().stream().filter(k -> !arrived.containsKey(k)).count();
    }

    private static void readAlerts(final String bootstrap, final String prefix, final Map<String, Long> onTopic,
                                   final Map<String, String> alertIds, final AtomicBoolean stop) {
        final Map<String, Object> config = Map.of("bootstrap.servers", bootstrap, "isolation.level", "read_committed",
                "enable.auto.commit", false, "key.deserializer", StringDeserializer.class,
                "value.deserializer", StringDeserializer.class);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            final List<TopicPartition> partitions = consumer.partitionsFor(Topics.ALERTS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!stop.get()) {
                for (final ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(20))) {
                    final long now = System.nanoTime();
                    final String subject = subjectOf(r.value());
                    if (subject.startsWith(prefix)) {
                        final String session = subject.substring(prefix.length());
                        onTopic.putIfAbsent(session, now);
                        alertIds.putIfAbsent(r.key(), session);
                    }
                }
            }
        }
    }

    private static String subjectOf(final String json) {
        try {
            return Json.MAPPER.readTree(json).path("alert").path("subject").asText("");
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** Searches the latest-state alert index for alerts already on the topic but not yet found. */
    private static void pollSearch(final String esUrl, final Map<String, String> alertIds,
                                   final Map<String, Long> searchable,
                                   final AtomicBoolean stop) {
        final HttpClient http = HttpClient.newHttpClient();
        while (!stop.get()) {
            try {
                final List<String> pending = alertIds.entrySet().stream()
                        .filter(e -> !searchable.containsKey(e.getValue())).map(Map.Entry::getKey).limit(500).toList();
                if (!pending.isEmpty()) {
                    final String body = Json.MAPPER.writeValueAsString(Map.of("size", pending.size(), "_source", false,
                            "query", Map.of("ids", Map.of("values", pending))));
                    final HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                                    URI.create(esUrl + "/restoreguard-alerts/_search"))
                            .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                    final long now = System.nanoTime();
                    if (response.statusCode() == 200) {
                        for (final JsonNode hit : Json.MAPPER.readTree(response.body()).path("hits").path("hits")) {
                            final String session = alertIds.get(hit.path("_id").asText());
                            if (session != null) {
                                searchable.putIfAbsent(session, now);
                            }
                        }
                    }
                }
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                // the index may not exist before the first alert is written: try again
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static boolean verified(final WebhookVerifier verifier, final Map<String, ?> headers, final String body) {
        try {
            verifier.verify(headers, body);
            return true;
        } catch (WebhookVerifier.RejectedException e) {
            return false;
        }
    }
}
