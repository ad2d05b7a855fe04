package dev.restoreguard.bench;

import dev.restoreguard.producers.hosts.HostsFileCollector;
import dev.restoreguard.producers.runtime.EventPublisher;
import dev.restoreguard.producers.runtime.Metrics;
import dev.restoreguard.producers.runtime.Spool;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The idle collector of the benchmark, run in a JVM of its own so that its heap and CPU are its
 * own: a hosts-file collector watching one file that does not change, publishing through the
 * durable spool and the Kafka publisher to the bench's broker, as deployed. After its first
 * snapshot is published it idles for the given seconds; then it prints one line,
 * {@code idle cpu_ns=<n> wall_ns=<n> heap_after_gc=<bytes> rss_kb=<n>}, and exits.
 *
 * <p>Usage: {@code IdleCollector <bootstrap> <seconds> <work dir>}.
 */
public final class IdleCollector {

    private IdleCollector() {
    }

    public static void main(final String[] args) throws Exception {
        final String bootstrap = args[0];
        final int seconds = Integer.parseInt(args[1]);
        final Path dir = Files.createDirectories(Path.of(args[2]));
        final Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost\n10.20.1.15 sql-dev-01\n",
                StandardCharsets.UTF_8);
        final Metrics metrics = new Metrics();
        final var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (Spool spool = Spool.open(dir.resolve("spool"), 64L << 20, 8L << 20, Spool.FsyncPolicy.INTERVAL,
                Duration.ofSeconds(1));
             EventPublisher publisher = new EventPublisher(Map.of("bootstrap.servers", bootstrap), spool, metrics);
             HostsFileCollector collector = new HostsFileCollector("vbr-idle.corp.example", List.of(hosts),
                     Duration.ofSeconds(30), Duration.ofMillis(500), 64L << 20, dir.resolve("state"), null, metrics,
                     Clock.systemUTC())) {
            collector.start(publisher);
            // idle from the moment the baseline is out of the spool: start-up is not idling
            final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            Thread.sleep(1000); // the collector reads the file and spools its baseline on start
            while (spool.pendingEvents() > 0) {
                if (System.nanoTime() > deadline) {
                    break;
                }
                Thread.sleep(50);
            }
            System.gc();
            final long cpu0 = os.getProcessCpuTime();
            final long wall0 = System.nanoTime();
            Thread.sleep(Duration.ofSeconds(seconds));
            final long cpu = os.getProcessCpuTime() - cpu0;
            final long wall = System.nanoTime() - wall0;
            System.gc();
            final long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            System.out.println("idle cpu_ns=" + cpu + " wall_ns=" + wall + " heap_after_gc=" + heap + " rss_kb=" + rss());
        }
    }

    private static long rss() {
        try {
            for (final String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) {
            // not Linux: no RSS figure
        }
        return -1;
    }
}
