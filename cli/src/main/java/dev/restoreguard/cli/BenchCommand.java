package dev.restoreguard.cli;

import dev.restoreguard.bench.EngineThroughputBench;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code restoreguard bench}: benchmarks that print numbers (never part of the test command). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks that print numbers.",
        subcommands = {BenchCommand.Engine.class})
public final class BenchCommand {

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
