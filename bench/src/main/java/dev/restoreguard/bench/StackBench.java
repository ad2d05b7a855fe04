package dev.restoreguard.bench;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.infra.stack.ComponentStatus;
import dev.restoreguard.infra.stack.LocalStack;
import dev.restoreguard.infra.stack.StackSettings;
import dev.restoreguard.infra.stack.StackStatus;
import dev.restoreguard.producers.scenario.Routed;
import dev.restoreguard.streams.app.EngineConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code restoreguard bench}: every figure of the benchmark issue in one run on this machine,
 * against the real local stack it starts itself (its own home and ports) and stops again:
 * (1) the Kafka limit, (2) the engine on the broker with 1 and 2 stream threads and its ratio to
 * (1), (3) alert latency to the topic, the webhook and Elasticsearch under a steady load, (4) the
 * Elasticsearch sink against plain {@code _bulk}, (5) the collectors, (6) replay in-process. A
 * section that fails is reported as a note and the others still run.
 */
public final class StackBench {

    /**
     * What to run.
     *
     * @param quick        the small variant (under 3 minutes)
     * @param settings     the stack's home and ports
     * @param engineEvents events of the engine's mixed stream per run
     * @param observers    backup servers in the mixed stream
     * @param assets       inventory assets
     * @param work         scratch folder (engine state, spools)
     * @param backgroundRate events/s of the latency section's background load (the 1,000)
     * @param commitInterval the engine's commit interval in the engine and latency sections
     *                       ({@link EngineConfig#commitInterval()}; the engine's default unless set)
     */
    public record Options(boolean quick, StackSettings settings, int engineEvents, int observers, int assets,
                          Path work, int backgroundRate, Duration commitInterval) {

        public Options {
            if (backgroundRate < 1) {
                throw new IllegalArgumentException("--background-rate must be at least 1 event/s, was " + backgroundRate);
            }
            commitInterval = commitInterval == null ? EngineConfig.DEFAULT_COMMIT_INTERVAL : commitInterval;
            // the engine's own rule, reported with the option's name
            EngineConfig.commitIntervalProblem(commitInterval).ifPresent(problem -> {
                throw new IllegalArgumentException("--commit-interval: " + problem);
            });
        }

        public int kafkaRecords() {
            return quick ? 30_000 : 200_000;
        }

        public int probes() {
            return quick ? 200 : 1_000;
        }

        public int esDocs() {
            return quick ? 5_000 : 50_000;
        }

        /** Documents of each path's Elasticsearch warm-up (JIT, connections, data stream creation). */
        public int esWarmupDocs() {
            return quick ? 1_000 : 5_000;
        }

        /**
         * How long an engine may take to reach RUNNING and to read the inventory (not timed). A
         * healthy engine needs seconds; the bound only turns a broken one into a failed run.
         */
        public Duration engineStartTimeout() {
            return quick ? Duration.ofSeconds(90) : Duration.ofMinutes(3);
        }

        /**
         * How long the engine may take to commit the whole mixed stream once produced: a run that
         * takes longer fails with the progress it made, so that {@code --quick} cannot hang behind
         * a slow engine. The full run waits as long as 1M events may take.
         */
        public Duration engineCatchUpTimeout() {
            return quick ? Duration.ofSeconds(75) : Duration.ofMinutes(60);
        }

        /**
         * How long the latency section's warm-up may wait, with the background still running, for
         * its probes to be through the pipeline before the counted probes start.
         */
        public Duration latencyWarmupWait() {
            return quick ? Duration.ofSeconds(15) : Duration.ofSeconds(120);
        }

        /** How long the latency section waits for the last probes after the last one was sent. */
        public Duration latencyStragglerWait() {
            return quick ? Duration.ofSeconds(15) : Duration.ofSeconds(60);
        }
    }

    private final Options options;
    private final PrintWriter out;
    private final List<Figure> figures = new ArrayList<>();
    private final Map<String, Object> raw = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    /** Wall time of the stack's start and of every section, in the order run. */
    private final Map<String, Double> sectionSeconds = new LinkedHashMap<>();

    public StackBench(final Options options, final PrintWriter out) {
        this.options = options;
        this.out = out;
    }

    /** Runs everything and returns the report (the stack is stopped again if this run started it). */
    public Report run() throws Exception {
        final Machine machine = Machine.current();
        final long started = System.nanoTime();
        say("machine: %d cores, %.1f GiB, JDK %s, load average %.1f", machine.cores(),
                machine.memoryBytes() / 1024.0 / 1024 / 1024, machine.jdk(), machine.loadAverage());
        Files.createDirectories(options.work());
        section("generation", () -> generate());
        // The verdicts the engine runs are checked against need no stack: replay computes them
        // while the stack starts (mostly waiting for two JVMs), and is done before anything is timed.
        final CompletableFuture<VerdictCheck.Verdicts> expected = !selected("engine") ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(() -> {
            final long r0 = System.nanoTime();
            final VerdictCheck.Verdicts verdicts = VerdictCheck.replay(inventory, mixed);
            say("replay of the mixed stream (the verdicts engine runs are checked against): %,d open alerts, %,d ms",
                    verdicts.open().size(), (System.nanoTime() - r0) / 1_000_000);
            return verdicts;
        }, runnable -> new Thread(runnable, "bench-verdicts").start());
        final LocalStack stack = new LocalStack(options.settings(), line -> say("  stack: %s", line));
        final StackStatus before = stack.status();
        final boolean wasRunning = before.kafka().state() != ComponentStatus.State.STOPPED
                || before.elasticsearch().state() != ComponentStatus.State.STOPPED;
        if (!wasRunning) {
            stack.deleteData(); // a fresh stack: no data of earlier runs in the topics or indices
        }
        final long stackStart = System.nanoTime();
        final StackStatus status = stack.up();
        sectionSeconds.put("stack", (System.nanoTime() - stackStart) / 1e9);
        say("stack ready after %.1f s%s", sectionSeconds.get("stack"), wasRunning ? " (already running: reused)" : "");
        raw.put("stack", Map.of("home", options.settings().home().toString(), "kafka", options.settings().bootstrapServers(),
                "elasticsearch", options.settings().elasticsearchUrl(), "started_by_bench", !wasRunning,
                "status", status.toString()));
        try (BenchKafka kafka = new BenchKafka(options.settings().bootstrapServers())) {
            final long w0 = System.nanoTime();
            try {
                this.expected = expected.join();
            } catch (CompletionException e) {
                notes.add("Replay of the mixed stream failed, so no engine run's verdicts are checked: " + e.getCause());
                say("replay of the mixed stream failed: %s", e.getCause());
            }
            sectionSeconds.put("verdicts (waited after the stack)", (System.nanoTime() - w0) / 1e9);
            section("kafka", () -> kafkaLimit(kafka));
            section("engine", () -> engine(kafka));
            section("latency", () -> latency(kafka));
            section("elasticsearch", () -> sink());
            section("collectors", () -> collectors());
            section("replay", () -> replay());
        } finally {
            if (!wasRunning) {
                say("stopping the stack it started");
                stack.down();
            }
        }
        raw.put("section_seconds", sectionSeconds);
        return new Report(machine, options.quick(), Duration.ofNanos(System.nanoTime() - started), Machine.loadNow(),
                figures, raw, notes);
    }

    // ------------------------------------------------------------------------------------------

    private Routed inventory;
    private List<Routed> mixed;
    private List<ProducerRecord<String, byte[]>> mixedRecords;
    private double kafkaLimit = Double.NaN;
    /** What replay gives for the mixed stream: the open alerts every engine run must end with. */
    private VerdictCheck.Verdicts expected;

    private void generate() {
        final long t0 = System.nanoTime();
        final List<Routed> all = MixedStream.generate(options.engineEvents(), options.observers(), options.assets(), 42L);
        inventory = all.get(0);
        mixed = all.subList(1, all.size());
        mixedRecords = BenchKafka.records(mixed, null);
        final long bytes = mixedRecords.stream().mapToLong(r -> r.value().length).sum();
        final Map<String, Long> kinds = new LinkedHashMap<>();
        mixed.forEach(r -> kinds.merge(r.topic(), 1L, Long::sum));
        raw.put("mixed_stream", Map.of("events", mixed.size(), "observers", options.observers(), "assets",
                options.assets(), "mean_bytes", bytes / (double) mixed.size(), "per_topic", kinds,
                "inventory_bytes", BenchKafka.serialize(inventory).length,
                "generation_ms", (System.nanoTime() - t0) / 1_000_000));
        say("mixed stream: %,d events (%.0f bytes each on average), inventory %,d assets", mixed.size(),
                bytes / (double) mixed.size(), options.assets());
    }

    private void kafkaLimit(final BenchKafka kafka) throws Exception {
        final List<ProducerRecord<String, byte[]>> records = mixedRecords.subList(0,
                Math.min(options.kafkaRecords(), mixedRecords.size()));
        final List<ProducerRecord<String, byte[]>> input = records.size() < options.kafkaRecords()
                ? repeat(records, options.kafkaRecords()) : records;
        final List<KafkaLimitBench.Run> runs = KafkaLimitBench.run(kafka, input, 3);
        final double[] produce = runs.stream().mapToDouble(KafkaLimitBench.Run::producePerSecond).toArray();
        final double[] consume = runs.stream().mapToDouble(KafkaLimitBench.Run::consumePerSecond).toArray();
        final double[] limit = runs.stream().mapToDouble(KafkaLimitBench.Run::limitPerSecond).toArray();
        kafkaLimit = Stats.median(limit);
        final String how = String.format(Locale.ROOT, "%,d records of the mixed stream (%.0f B mean), idempotent acks=all lz4,"
                        + " 6 partitions; median of 3 runs %s", input.size(),
                runs.get(0).bytes() / (double) runs.get(0).records(), list(limit));
        figures.add(Figure.of("kafka", "produce", Stats.median(produce), "records/s", "median of 3: " + list(produce)));
        figures.add(Figure.of("kafka", "consume (read_committed)", Stats.median(consume), "records/s", "median of 3: " + list(consume)));
        figures.add(Figure.of("kafka", "limit: produce then consume", kafkaLimit, "records/s", how));
        raw.put("kafka", runs);
        say("kafka: produce %,.0f/s, consume %,.0f/s, limit %,.0f records/s", Stats.median(produce),
                Stats.median(consume), kafkaLimit);
    }

    private static <T> List<T> repeat(final List<T> items, final int count) {
        final List<T> out = new ArrayList<>(count);
        while (out.size() < count) {
            out.addAll(items.subList(0, Math.min(items.size(), count - out.size())));
        }
        return out;
    }

    private void engine(final BenchKafka kafka) throws Exception {
        final Map<String, Object> runs = new LinkedHashMap<>();
        for (final int threads : new int[] {1, 2}) {
            final String word = threads > 1 ? "threads" : "thread";
            final BrokerEngineBench.Run run;
            try {
                run = BrokerEngineBench.run(kafka, inventory, mixedRecords, threads, options.commitInterval(),
                        options.work().resolve("engine-state"),
                        options.engineStartTimeout(), options.engineCatchUpTimeout(), expected);
            } catch (BrokerEngineBench.TooSlowException e) {
                // one run failing must not cost the other its figure
                notes.add("Engine run with " + threads + " stream " + word
                        + " failed: " + e.getMessage());
                say("engine, %d thread(s): %s", threads, e.getMessage());
                runs.put(threads + "_threads", Map.of("failed", e.getMessage()));
                continue;
            }
            runs.put(threads + "_threads", run);
            final double rate = run.eventsPerSecond();
            figures.add(Figure.of("engine", "exactly_once_v2, " + threads + " stream " + word,
                    rate, "events/s", String.format(Locale.ROOT, "%,d events, %,d observers, %,d assets; commit every %,d ms;"
                                    + " producing took %,d ms; engine start + inventory %,d ms (not timed)", run.events(),
                            options.observers(), options.assets(), options.commitInterval().toMillis(), run.produceNanos() / 1_000_000, run.startNanos() / 1_000_000)));
            figures.add(new Figure("engine", "ratio to the Kafka limit, " + threads + " " + word,
                    rate / kafkaLimit, "ratio", Figure.Target.atLeast(0.5), "same run"));
            final long late = run.tooLate().values().stream().mapToLong(Long::longValue).sum();
            figures.add(Figure.of("engine", "records too late to revise, " + threads + " " + word,
                    late, "records", run.tooLate().isEmpty() ? "none" : "by kind " + run.tooLate()
                            + ": read beyond the allowed lateness, so verdicts were given without them"));
            if (run.verdicts() != null) {
                figures.add(new Figure("engine", "open alerts differing from replay, " + threads + " " + word,
                        run.verdicts().differing(), "alerts", Figure.Target.atMost(0), run.verdicts().summary()));
                figures.add(Figure.of("engine", "alerts raised and retracted while catching up, " + threads + " " + word,
                        run.verdicts().retractedExtras(), "alerts", "retracted on the alerts topic, never raised by replay:"
                                + " judged before a record the engine read later, revised when it came"));
            }
            say("engine, %d thread(s): %,.0f events/s (%.2f of the Kafka limit); %,d records too late to revise %s;"
                    + " verdicts: %s", threads, rate, rate / kafkaLimit, late, run.tooLate(),
                    run.verdicts() == null ? "not checked" : run.verdicts().summary());
        }
        floor(kafka, runs);
        raw.put("engine", runs);
    }

    /**
     * The Kafka Streams floor ({@link StreamsFloorBench}) on the same events: how much of the
     * engine's distance to the Kafka limit is Kafka Streams' own per-record cost on this machine.
     */
    private void floor(final BenchKafka kafka, final Map<String, Object> runs) throws Exception {
        final StreamsFloorBench.Run floor;
        try {
            floor = StreamsFloorBench.run(kafka, mixedRecords, options.commitInterval(), options.work().resolve("floor-state"),
                    options.engineStartTimeout(), options.engineCatchUpTimeout());
        } catch (BrokerEngineBench.TooSlowException e) {
            notes.add("Kafka Streams floor failed: " + e.getMessage());
            runs.put("floor", Map.of("failed", e.getMessage()));
            return;
        }
        runs.put("floor", floor);
        final double rate = floor.eventsPerSecond();
        figures.add(Figure.of("engine", "Kafka Streams floor: read, store, write; exactly_once_v2, 1 thread", rate,
                "events/s", String.format(Locale.ROOT, "the same %,d events and Kafka Streams settings (commit every %,d ms),"
                        + " no engine: each record deserialized, put in a cached RocksDB store, written to one topic",
                        floor.events(), options.commitInterval().toMillis())));
        figures.add(Figure.of("engine", "Kafka Streams floor: ratio to the Kafka limit", rate / kafkaLimit, "ratio",
                "what a minimal exactly-once Streams application that stores each record reaches here"));
        final Object oneThread = runs.get("1_threads");
        if (oneThread instanceof BrokerEngineBench.Run run) {
            figures.add(Figure.of("engine", "engine, 1 thread: ratio to the floor", run.eventsPerSecond() / rate, "ratio",
                    "the engine's own work per event, beyond Kafka Streams'"));
        }
        say("Kafka Streams floor: %,.0f events/s (%.2f of the Kafka limit)", rate, rate / kafkaLimit);
    }

    private void latency(final BenchKafka kafka) throws Exception {
        final int warmup = options.quick() ? 20 : 50;
        final AlertLatencyBench.Result r = AlertLatencyBench.run(kafka, options.settings().elasticsearchUrl(), inventory,
                options.assets(), options.observers(), options.probes(), warmup, 20, options.backgroundRate(), options.commitInterval(),
                options.work().resolve("latency-state"),
                options.engineStartTimeout(), options.latencyWarmupWait(), options.latencyStragglerWait());
        final String how = String.format(Locale.ROOT, "%,d alerts at 20/s over %,.0f ev/s background, engine committing"
                        + " every %,d ms, after %d warm-up probes %s", r.probes(), r.backgroundRate(),
                options.commitInterval().toMillis(), r.warmup(), r.warmedUp()
                        ? String.format(Locale.ROOT, "all through in %.1f s", r.warmupSeconds())
                        : String.format(Locale.ROOT, "NOT all through within %.0f s (a backlog)", r.warmupSeconds()));

        final long wait = options.latencyStragglerWait().toSeconds();
        addLatency("topic", "produce → alerts topic", r.topicMs(), r.lostTopic(), 300, how, wait);
        figures.add(Figure.of("latency", "engine input committed while probing", r.backlog().engineRate(), "events/s",
                String.format(Locale.ROOT, "offered %,.0f ev/s and 20 probes/s; input not yet committed: %,d events when"
                        + " the counted probes started, %,d when the last was sent", r.backgroundRate(),
                        r.backlog().atStart(), r.backlog().atEnd())));
        addLatency("webhook", "produce → signed webhook received", r.webhookMs(), r.lostWebhook(), 500,
                how + (r.badSignatures() > 0 ? ", " + r.badSignatures() + " bad signatures" : ", signatures verified"), wait);
        addLatency("search", "produce → searchable in Elasticsearch", r.searchMs(), r.lostSearch(), 2000,
                how + ", searched every 50 ms", wait);
        final Map<String, Object> rawLatency = new LinkedHashMap<>();
        rawLatency.put("probes", r.probes());
        rawLatency.put("warmup", r.warmup());
        rawLatency.put("warmed_up", r.warmedUp());
        rawLatency.put("engine_backlog", Map.of("at_start", r.backlog().atStart(), "at_end", r.backlog().atEnd(),
                "engine_events_per_second", r.backlog().engineRate()));
        rawLatency.put("warmup_seconds", r.warmupSeconds());
        rawLatency.put("background_events", r.backgroundEvents());
        rawLatency.put("background_rate", r.backgroundRate());
        rawLatency.put("lost", Map.of("topic", r.lostTopic(), "webhook", r.lostWebhook(), "search", r.lostSearch()));
        rawLatency.put("bad_signatures", r.badSignatures());
        rawLatency.put("topic_ms", summary(r.topicMs()));
        rawLatency.put("webhook_ms", summary(r.webhookMs()));
        rawLatency.put("search_ms", summary(r.searchMs()));
        // in the order sent, rounded: a latency that grows probe after probe is a backlog, a flat one a floor
        rawLatency.put("topic_ms_in_order", Arrays.stream(r.topicMsInOrder())
                .mapToObj(ms -> Double.isNaN(ms) ? null : Math.round(ms)).toList());
        raw.put("latency", rawLatency);
    }

    private void addLatency(final String stage, final String name, final double[] ms, final int lost, final double p99Target,
                            final String how, final long waitSeconds) {
        final String detail = how + (lost > 0 ? "; " + lost + " not arrived " + waitSeconds + " s after the last was sent" : "");
        if (ms.length == 0) {
            figures.add(new Figure("latency", name + " p99", Double.NaN, "ms", Figure.Target.atMost(p99Target), detail));
            return;
        }
        figures.add(Figure.of("latency", name + " p50", Stats.percentile(ms, 50), "ms", detail));
        figures.add(new Figure("latency", name + " p99", Stats.percentile(ms, 99), "ms", Figure.Target.atMost(p99Target),
                detail));
        figures.add(Figure.of("latency", name + " max", Stats.max(ms), "ms", detail));
        say("latency %s: p50 %.0f ms, p99 %.0f ms, max %.0f ms (%d lost)", stage, Stats.percentile(ms, 50),
                Stats.percentile(ms, 99), Stats.max(ms), lost);
    }

    private static Map<String, Object> summary(final double[] ms) {
        if (ms.length == 0) {
            return Map.of("count", 0);
        }
        return Map.of("count", ms.length, "p50", Stats.percentile(ms, 50), "p90", Stats.percentile(ms, 90),
                "p99", Stats.percentile(ms, 99), "max", Stats.max(ms), "min", Arrays.stream(ms).min().orElse(0));
    }

    private void sink() throws Exception {
        final List<Envelope> docs = new ArrayList<>();
        for (final Routed r : repeat(mixed, Math.min(options.esDocs(), mixed.size()))) {
            docs.add(r.envelope());
        }
        final SinkVsBulkBench.Result r = SinkVsBulkBench.run(options.settings().elasticsearchUrl(),
                options.settings().bootstrapServers(), docs, options.esWarmupDocs(), options.quick() ? 1 : 2);
        final double plain = Stats.median(r.plain());
        final double sink = Stats.median(r.sink());
        figures.add(Figure.of("elasticsearch", "plain _bulk", plain, "docs/s", String.format(Locale.ROOT,
                "%,d mixed-stream documents, requests of 1,000; runs %s", r.docs(), list(r.plain()))));
        figures.add(Figure.of("elasticsearch", "sink handle()", sink, "docs/s", "same docs and client; runs " + list(r.sink())));
        figures.add(new Figure("elasticsearch", "sink / plain _bulk", r.ratio(), "ratio", Figure.Target.atLeast(0.8),
                "medians of alternating runs (plain, sink, sink, plain)"));
        raw.put("elasticsearch", r);
        say("elasticsearch: plain %,.0f docs/s, sink %,.0f docs/s, ratio %.2f", plain, sink, r.ratio());
    }

    private void collectors() throws Exception {
        final CollectorBench.Hosts h = CollectorBench.hosts(options.quick() ? 3 : 5, options.quick() ? 7 : 11);
        figures.add(new Figure("collectors", "hosts parse+diff, 100,000 lines", Stats.median(h.parseDiffMs()), "ms",
                Figure.Target.atMost(100), String.format(Locale.ROOT, "two parses of a %.1f MB CRLF file and their diff; median"
                        + " of %d (CPU time of the thread: median %.1f ms)", h.bytes() / 1e6, h.parseDiffMs().length,
                        Stats.median(h.parseDiffCpuMs()))));
        figures.add(Figure.of("collectors", "hosts parse alone, 100,000 lines", Stats.median(h.parseOnlyMs()), "ms",
                "one parse; median"));
        figures.add(Figure.of("collectors", "hosts snapshot of a changed 100,000-line file", Stats.median(h.snapshotMs()),
                "ms", "sha256, parse, diff against the previous parse, payload, event id; median"));
        raw.put("hosts", h);
        say("hosts: parse+diff %.1f ms (CPU %.1f ms), snapshot %.1f ms", Stats.median(h.parseDiffMs()),
                Stats.median(h.parseDiffCpuMs()), Stats.median(h.snapshotMs()));

        final CollectorBench.Syslog s = CollectorBench.syslog(options.quick() ? 20_000 : 100_000, options.quick() ? 3 : 5,
                options.work().resolve("syslog"));
        figures.add(Figure.of("collectors", "Veeam syslog parsed and spooled", Stats.median(s.linesPerSecond()), "lines/s",
                String.format(Locale.ROOT, "%,d RFC 5424 lines, fsync interval; median of %d: %s", s.lines(),
                        s.linesPerSecond().length, list(s.linesPerSecond()))));
        raw.put("syslog", s);
        say("syslog: %,.0f lines/s", Stats.median(s.linesPerSecond()));

        final CollectorBench.Idle idle = CollectorBench.idle(options.settings().bootstrapServers(),
                options.quick() ? 5 : 60, options.work().resolve("idle"));
        figures.add(new Figure("collectors", "idle collector heap after GC", idle.heapAfterGcMiB(), "MiB",
                Figure.Target.atMost(64), String.format(Locale.ROOT, "child JVM: hosts-file collector, spool, Kafka publisher;"
                        + " RSS %.0f MiB", idle.rssMiB())));
        figures.add(Figure.of("collectors", "idle collector CPU", idle.cpuPercentOfOneCore(), "%",
                "of one core over " + idle.seconds() + " s idle"));
        raw.put("idle", idle);
        say("idle collector: heap %.1f MiB, CPU %.2f%%", idle.heapAfterGcMiB(), idle.cpuPercentOfOneCore());
    }

    private void replay() {
        final int events = options.quick() ? 2_000 : 10_000;
        final EngineThroughputBench.Result r = EngineThroughputBench.run(events, options.observers(), options.assets(), 3);
        figures.add(Figure.of("replay", "replay in-process (ReplayDriver)", r.medianEventsPerSecond(), "records/s",
                String.format(Locale.ROOT, "%,d mixed records, one task, TopologyTestDriver; median of 3: %s", events,
                        list(r.runs().stream().mapToDouble(EngineThroughputBench.Run::eventsPerSecond).toArray()))));
        raw.put("replay", r);
        say("replay: %,.0f records/s", r.medianEventsPerSecond());
    }

    // ------------------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Section {
        void run() throws Exception;
    }

    /** -Drestoreguard.bench.sections=kafka,engine runs only those (and the stream generation): for profiling one. */
    private static boolean selected(final String name) {
        final String only = System.getProperty("restoreguard.bench.sections");
        return only == null || "generation".equals(name) || List.of(only.split(",")).contains(name);
    }

    private void section(final String name, final Section section) {
        if (!selected(name)) {
            return;
        }
        say("== %s (load average %.1f)", name, Machine.loadNow());
        final long t0 = System.nanoTime();
        try {
            section.run();
        } catch (Exception | Error e) {
            notes.add("Section " + name + " failed: " + e);
            say("section %s failed: %s", name, e);
            e.printStackTrace(out);
        }
        final double seconds = (System.nanoTime() - t0) / 1e9;
        sectionSeconds.put(name, seconds);
        say("== %s took %.1f s", name, seconds);
    }

    private static String list(final List<Double> values) {
        return list(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static String list(final double[] values) {
        final StringBuilder sb = new StringBuilder();
        for (final double v : values) {
            sb.append(sb.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%,.0f", v));
        }
        return sb.toString();
    }

    private void say(final String format, final Object... args) {
        out.printf(Locale.ROOT, format + "%n", args);
        out.flush();
    }
}
