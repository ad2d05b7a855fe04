package dev.restoreguard.cli;

import dev.restoreguard.bench.EngineThroughputBench;
import dev.restoreguard.bench.Report;
import dev.restoreguard.bench.StackBench;
import dev.restoreguard.infra.stack.StackSettings;
import java.nio.file.Path;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code restoreguard bench [--quick]}: the whole benchmark against a local stack it starts itself
 * (its own home and ports, see the options), printed as a table, the raw JSON under
 * {@code target/bench/} and the generated block of {@code docs/benchmarks.md}. Never part of the
 * test command.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks that print numbers: without a subcommand, every figure of docs/benchmarks.md in one run",
                "against a local stack the bench starts (and stops) in its own home on its own ports."},
        subcommands = {BenchCommand.Engine.class, BenchCommand.Jmh.class})
public final class BenchCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--quick", description = "the small variant: under 3 minutes on 2 cores")
    private boolean quick;

    @Option(names = "--home", description = "the bench stack's home (default: ${DEFAULT-VALUE})",
            defaultValue = "${sys:java.io.tmpdir}/restoreguard-bench")
    private Path home;

    @Option(names = "--kafka-port", defaultValue = "29092", description = "the bench stack's Kafka port (default ${DEFAULT-VALUE})")
    private int kafkaPort;

    @Option(names = "--controller-port", defaultValue = "29093", description = "its KRaft controller port (default ${DEFAULT-VALUE})")
    private int controllerPort;

    @Option(names = "--es-port", defaultValue = "29200", description = "its Elasticsearch port (default ${DEFAULT-VALUE})")
    private int esPort;

    @Option(names = "--engine-events", description = "events of the engine's mixed stream (default 1,000,000; 10,000 with --quick)")
    private Integer engineEvents;

    @Option(names = "--observers", description = "backup servers in the mixed stream (default 10,000; 2,000 with --quick)")
    private Integer observers;

    @Option(names = "--assets", defaultValue = "100000", description = "inventory assets (default ${DEFAULT-VALUE})")
    private int assets;

    @Option(names = "--background-rate", defaultValue = "1000",
            description = "events/s of the latency section's background load (default ${DEFAULT-VALUE})")
    private int backgroundRate;

    @Option(names = "--commit-interval",
            description = "the engine's commit interval in the engine and latency sections, an ISO-8601 duration"
                    + " (default PT0.1S, the engine's default, which RESTOREGUARD_ENGINE_COMMIT_INTERVAL changes"
                    + " for a deployed engine)")
    private java.time.Duration commitInterval;

    @Option(names = "--out", defaultValue = "target/bench", description = "folder of the raw JSON (default ${DEFAULT-VALUE})")
    private Path outDir;

    @Option(names = "--docs", defaultValue = "docs/benchmarks.md",
            description = "Markdown file whose generated block is rewritten; 'none' to leave docs alone (default ${DEFAULT-VALUE})")
    private String docs;

    @Override
    public Integer call() throws Exception {
        final PrintWriter out = spec.commandLine().getOut();
        // a shared, loaded machine starts Elasticsearch slowly: wait longer than 'stack up' does
        final StackSettings settings = StackSettings.forHome(home).withPorts(kafkaPort, controllerPort, esPort)
                .withStartTimeout(java.time.Duration.ofMinutes(6));
        final StackBench.Options options;
        try {
            options = new StackBench.Options(quick, settings,
                    engineEvents != null ? engineEvents : quick ? 10_000 : 1_000_000,
                    observers != null ? observers : quick ? 2_000 : 10_000, assets, home.resolve("work"), backgroundRate,
                    commitInterval);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        final Report report = new StackBench(options, out).run();
        out.println();
        out.print(report.table());
        out.println("wall time: " + report.sectionTimes());
        final Path json = report.writeJson(outDir);
        out.println("raw figures: " + json);
        if (!"none".equals(docs)) {
            report.writeDocs(Path.of(docs));
            out.println("regenerated the measured block of " + docs);
        }
        return report.notes().isEmpty() ? 0 : 1;
    }

    /** {@code restoreguard bench jmh}: the JMH microbenchmarks of the hot paths. */
    @Command(name = "jmh", mixinStandardHelpOptions = true,
            description = "JMH microbenchmarks: hosts parsing, name normalization, CIDR lookup in 100k networks, alert serialization, envelope reading.")
    static final class Jmh implements Callable<Integer> {

        @Parameters(arity = "0..1", defaultValue = ".*", description = "regular expression of the benchmarks to run (default all)")
        private String include;

        @Option(names = "--forks", defaultValue = "1", description = "forked JVMs per benchmark (default ${DEFAULT-VALUE})")
        private int forks;

        @Option(names = "--quick", description = "1 warm-up and 2 measurement iterations of 1 s (default 3 and 5)")
        private boolean quick;

        @Override
        public Integer call() throws Exception {
            final var options = new org.openjdk.jmh.runner.options.OptionsBuilder().include(include).forks(forks)
                    .jvmArgsAppend("--enable-native-access=ALL-UNNAMED")
                    .warmupIterations(quick ? 1 : 3).measurementIterations(quick ? 2 : 5)
                    .warmupTime(org.openjdk.jmh.runner.options.TimeValue.seconds(1))
                    .measurementTime(org.openjdk.jmh.runner.options.TimeValue.seconds(quick ? 1 : 2)).build();
            new org.openjdk.jmh.runner.Runner(options).run();
            return 0;
        }
    }

    /** {@code restoreguard bench engine}: events/second through the topology in-process. */
    @Command(name = "engine", mixinStandardHelpOptions = true,
            description = "Events per second through the real topology in-process (mixed stream: hosts snapshots, DNS, restores, approvals).")
    static final class Engine implements Callable<Integer> {

        @Spec
        private CommandSpec spec;

        @Option(names = "--events", defaultValue = "100000", description = "events per run (default ${DEFAULT-VALUE})")
        private int events;

        @Option(names = "--observers", defaultValue = "10000", description = "backup servers (default ${DEFAULT-VALUE})")
        private int observers;

        @Option(names = "--assets", defaultValue = "100000", description = "inventory assets (default ${DEFAULT-VALUE})")
        private int assets;

        @Option(names = "--runs", defaultValue = "3", description = "runs; the median is reported (default ${DEFAULT-VALUE})")
        private int runs;

        @Override
        public Integer call() {
            final PrintWriter out = spec.commandLine().getOut();
            out.printf("engine in-process: %,d events, %,d observers, %,d assets, %d runs (%d cores, JDK %s)%n",
                    events, observers, assets, runs, Runtime.getRuntime().availableProcessors(),
                    Runtime.version());
            out.flush();
            final EngineThroughputBench.Result result = EngineThroughputBench.run(events, observers, assets, runs);
            int i = 1;
            for (EngineThroughputBench.Run run : result.runs()) {
                out.printf("  run %d: %,.0f events/s (%,d ms, %,d alert versions)%n", i++, run.eventsPerSecond(),
                        run.nanos() / 1_000_000, run.alerts());
            }
            out.printf("median: %,.0f events/s%n", result.medianEventsPerSecond());
            return 0;
        }
    }
}
