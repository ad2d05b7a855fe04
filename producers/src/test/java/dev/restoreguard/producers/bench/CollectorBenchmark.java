package dev.restoreguard.producers.bench;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.hosts.HostsSnapshot;
import dev.restoreguard.producers.hosts.HostsDiff;
import dev.restoreguard.producers.hosts.HostsFileCollector;
import dev.restoreguard.producers.hosts.HostsFileParser;
import dev.restoreguard.producers.hosts.HostsSnapshotter;
import dev.restoreguard.producers.hosts.ParsedHostsFile;
import dev.restoreguard.producers.runtime.Metrics;
import dev.restoreguard.producers.runtime.Spool;
import dev.restoreguard.producers.testing.ListSink;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collector benchmark, a plain main so it prints numbers and can append them to
 * {@code docs/benchmarks.md}: parse + diff of a 100,000-line hosts file (median of several runs),
 * a full snapshot of it (parse, diff, payload, deterministic id), and an idle hosts-file collector's
 * heap and CPU over a quiet period.
 *
 * <p>Run: {@code mvn -pl producers test-compile} then
 * {@code java -cp producers/target/test-classes:producers/target/classes:$(cat cp.txt)
 * dev.restoreguard.producers.bench.CollectorBenchmark [--append docs/benchmarks.md] [--idle-seconds 30]}.
 */
public final class CollectorBenchmark {

    private CollectorBenchmark() {
    }

    public static void main(final String[] args) throws Exception {
        Path append = null;
        int idleSeconds = 30;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--append")) {
                append = Path.of(args[++i]);
            } else if (args[i].equals("--idle-seconds")) {
                idleSeconds = Integer.parseInt(args[++i]);
            }
        }
        final PrintStream out = System.out;
        final String observer = "vbr01.corp.example";
        final double[] parse = parseAndDiff(out, observer);
        final double parseDiffMs = parse[0];
        final double snapshotMs = parse[1];
        final double[] spool = spoolAppends(out);

        // Idle collector: one watched file, nothing changes.
        final Path dir = Files.createTempDirectory("rg-bench");
        final Path hosts = Files.write(dir.resolve("hosts"), "127.0.0.1 localhost\n10.20.1.15 sql-dev-01\n".getBytes(StandardCharsets.UTF_8));
        final ListSink sink = new ListSink();
        final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        final com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double idleCpuPercent;
        long heapAfterGc;
        try (HostsFileCollector collector = new HostsFileCollector(observer, List.of(hosts), Duration.ofSeconds(30),
                Duration.ofMillis(500), 64L * 1024 * 1024, dir.resolve("state"), null, new Metrics(), Clock.systemUTC())) {
            collector.start(sink);
            System.gc();
            final long cpu0 = os.getProcessCpuTime();
            final long wall0 = System.nanoTime();
            Thread.sleep(Duration.ofSeconds(idleSeconds));
            final long cpu1 = os.getProcessCpuTime();
            final long wall1 = System.nanoTime();
            idleCpuPercent = 100.0 * (cpu1 - cpu0) / (wall1 - wall0);
            System.gc();
            heapAfterGc = memory.getHeapMemoryUsage().getUsed();
        }
        out.printf("idle hosts-file collector: %.2f%% of one core over %d s (whole JVM), heap after GC %.1f MiB%n",
                idleCpuPercent, idleSeconds, heapAfterGc / 1024.0 / 1024.0);

        if (append != null) {
            final String row = String.format("| %s | %d | %s | %.1f ms | %.1f ms | %.0f / %.0f us | %.2f %% (%d s) | %.1f MiB |%n",
                    java.time.LocalDate.now(), Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"), parseDiffMs, snapshotMs, spool[0], spool[1], idleCpuPercent,
                    idleSeconds, heapAfterGc / 1024.0 / 1024.0);
            Files.writeString(append, row, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            out.println("appended to " + append);
        }
    }

    /** Median parse+diff and snapshot times in ms; its data is garbage afterwards (idle heap is measured later). */
    private static double[] parseAndDiff(final PrintStream out, final String observer) {
        final byte[] before = hostsFile(100_000, -1);
        final byte[] after = hostsFile(100_000, 50_000); // one entry changed in the middle
        final HostsFileParser parser = new HostsFileParser();

        final int runs = 11;
        final long[] parseDiff = new long[runs];
        final long[] snapshot = new long[runs];
        for (int warm = 0; warm < 5; warm++) {
            HostsFileParser.diff(parser.parse(before), parser.parse(after), observer);
        }
        HostsDiff diff = null;
        for (int r = 0; r < runs; r++) {
            long t = System.nanoTime();
            final ParsedHostsFile a = parser.parse(before);
            final ParsedHostsFile b = parser.parse(after);
            diff = HostsFileParser.diff(a, b, observer);
            parseDiff[r] = System.nanoTime() - t;

            final HostsSnapshotter snapshotter = new HostsSnapshotter(parser);
            snapshotter.remember(observer, "/etc/hosts", before);
            t = System.nanoTime();
            final HostsSnapshot s = snapshotter.next(observer, "/etc/hosts", after, null).orElseThrow();
            Envelope.of("hosts-file", Instant.now(), observer, s).eventId();
            snapshot[r] = System.nanoTime() - t;
        }
        final double parseDiffMs = median(parseDiff) / 1e6;
        final double snapshotMs = median(snapshot) / 1e6;
        out.printf("hosts parse+diff, 100,000 lines (%d bytes), two parses and one diff: median %.1f ms over %d runs (changed=%d)%n",
                before.length, parseDiffMs, runs, diff.changed().size());
        out.printf("hosts snapshot of a changed 100,000-line file (parse, diff, payload, event id): median %.1f ms%n", snapshotMs);

        return new double[] {parseDiffMs, snapshotMs};
    }

    /** Median microseconds per spool append with fsync always and interval. */
    private static double[] spoolAppends(final PrintStream out) throws Exception {
        final double[] result = new double[2];
        final byte[] value = new byte[700]; // about a DNS change or heartbeat envelope
        int k = 0;
        for (Spool.FsyncPolicy policy : Spool.FsyncPolicy.values()) {
            final Path dir = Files.createTempDirectory("rg-spool-bench");
            try (Spool spool = Spool.open(dir, 1L << 30, 8L << 20, policy, Duration.ofSeconds(1))) {
                final int n = 2000;
                final long[] t = new long[n];
                for (int i = 0; i < n; i++) {
                    final long t0 = System.nanoTime();
                    spool.append("restoreguard.audit", "k", i, "id-" + i, value);
                    t[i] = System.nanoTime() - t0;
                }
                result[k++] = median(t) / 1e3;
            }
        }
        out.printf("spool append of a 700-byte event: median %.1f us with fsync always, %.1f us with fsync interval%n",
                result[0], result[1]);
        return result;
    }

    /** A Windows-style hosts file of {@code lines} entries; entry {@code changed} points elsewhere. */
    static byte[] hostsFile(final int lines, final int changed) {
        final StringBuilder sb = new StringBuilder(lines * 48);
        sb.append("# Copyright (c) 1993-2009 Microsoft Corp.\r\n#\r\n");
        final List<String> parts = new ArrayList<>();
        for (int i = 0; i < lines; i++) {
            final int third = i == changed ? 250 : (i >> 8) & 255;
            sb.append("10.").append(20 + (i >> 16)).append('.').append(third).append('.').append(i & 255)
                    .append('\t').append("host-").append(i).append(".corp.example host-").append(i)
                    .append(i % 10 == 0 ? "   # inline comment" : "").append("\r\n");
        }
        parts.clear();
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static long median(final long[] values) {
        final long[] copy = values.clone();
        Arrays.sort(copy);
        return copy[copy.length / 2];
    }
}
