package dev.restoreguard.bench;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.hosts.HostsSnapshot;
import dev.restoreguard.producers.hosts.HostsDiff;
import dev.restoreguard.producers.hosts.HostsFileParser;
import dev.restoreguard.producers.hosts.HostsSnapshotter;
import dev.restoreguard.producers.hosts.ParsedHostsFile;
import dev.restoreguard.producers.runtime.Spool;
import dev.restoreguard.producers.veeam.VeeamSyslogParser;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The collectors' figures: hosts-file parse+diff of a 100,000-line file, the snapshot a change of it
 * costs, Veeam syslog lines parsed and spooled per second, and an idle collector's CPU and heap (in
 * a child JVM, see {@link IdleCollector}).
 */
public final class CollectorBench {

    /** Parse+diff and snapshot: wall and this thread's CPU time of every measured run, in ms. */
    record Hosts(int lines, int bytes, double[] parseDiffMs, double[] parseDiffCpuMs, double[] parseOnlyMs,
                 double[] snapshotMs) {
    }

    /** Syslog lines parsed and spooled. */
    record Syslog(int lines, int mapped, double[] linesPerSecond) {
    }

    /** The idle collector, as its JVM measured itself. */
    record Idle(int seconds, double cpuPercentOfOneCore, double heapAfterGcMiB, double rssMiB) {
    }

    private static final String OBSERVER = "vbr01.corp.example";

    private CollectorBench() {
    }

    static Hosts hosts(final int warmups, final int runs) {
        final byte[] before = hostsFile(100_000, -1);
        final byte[] after = hostsFile(100_000, 50_000); // one entry changed in the middle
        final HostsFileParser parser = new HostsFileParser();
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < warmups; i++) {
            HostsFileParser.diff(parser.parse(before), parser.parse(after), OBSERVER);
        }
        final double[] wall = new double[runs];
        final double[] cpu = new double[runs];
        final double[] parseOnly = new double[runs];
        final double[] snapshot = new double[runs];
        for (int r = 0; r < runs; r++) {
            final long c0 = threads.getCurrentThreadCpuTime();
            long t = System.nanoTime();
            final ParsedHostsFile a = parser.parse(before);
            final ParsedHostsFile b = parser.parse(after);
            final HostsDiff diff = HostsFileParser.diff(a, b, OBSERVER);
            wall[r] = (System.nanoTime() - t) / 1e6;
            cpu[r] = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
            if (diff.changed().size() != 1) {
                throw new IllegalStateException("expected one changed name, got " + diff);
            }
            t = System.nanoTime();
            parser.parse(after);
            parseOnly[r] = (System.nanoTime() - t) / 1e6;

            final HostsSnapshotter snapshotter = new HostsSnapshotter(parser);
            snapshotter.remember(OBSERVER, "/etc/hosts", before);
            t = System.nanoTime();
            final HostsSnapshot s = snapshotter.next(OBSERVER, "/etc/hosts", after, null).orElseThrow();
            Envelope.of("hosts-file", Instant.now(), OBSERVER, s).eventId();
            snapshot[r] = (System.nanoTime() - t) / 1e6;
        }
        return new Hosts(100_000, before.length, wall, cpu, parseOnly, snapshot);
    }

    /**
     * A Windows-style hosts file of {@code lines} entries (CRLF, the stock header, an inline comment
     * on every tenth line); entry {@code changed} points elsewhere. The same file as session 1's
     * figures, so they compare.
     */
    public static byte[] hostsFile(final int lines, final int changed) {
        final StringBuilder sb = new StringBuilder(lines * 48);
        sb.append("# Copyright (c) 1993-2009 Microsoft Corp.\r\n#\r\n");
        for (int i = 0; i < lines; i++) {
            final int third = i == changed ? 250 : (i >> 8) & 255;
            sb.append("10.").append(20 + (i >> 16)).append('.').append(third).append('.').append(i & 255)
                    .append('\t').append("host-").append(i).append(".corp.example host-").append(i)
                    .append(i % 10 == 0 ? "   # inline comment" : "").append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Veeam syslog lines (RFC 5424, the forwarding format of VBR 12.1+: restore started, task
     * finished, session finished, restore point mounted, an unmapped event) parsed by
     * {@link VeeamSyslogParser}, serialized and appended to the collectors' {@link Spool} with
     * {@code fsync: interval}.
     */
    static Syslog syslog(final int lines, final int runs, final Path dir) throws Exception {
        final List<String> input = veeamLines(lines);
        final VeeamSyslogParser parser = new VeeamSyslogParser();
        final double[] rates = new double[runs];
        int mapped = 0;
        for (int r = -1; r < runs; r++) { // run -1 is the warm-up
            final Path spoolDir = Files.createDirectories(dir.resolve("spool-" + (r + 1)));
            try (Spool spool = Spool.open(spoolDir, 1L << 30, 64L << 20, Spool.FsyncPolicy.INTERVAL, Duration.ofSeconds(1))) {
                mapped = 0;
                final long t0 = System.nanoTime();
                for (final String line : input) {
                    if (parser.parse(line) instanceof VeeamSyslogParser.Mapped m) {
                        final Envelope envelope = m.envelope("veeam-syslog");
                        final byte[] value = m.topic().valueSerde().serializer().serialize(m.topic().name(), envelope);
                        spool.append(m.topic().name(), m.key(), envelope.at().toEpochMilli(), envelope.eventId(), value);
                        mapped++;
                    }
                }
                if (r >= 0) {
                    rates[r] = input.size() / ((System.nanoTime() - t0) / 1e9);
                }
            }
        }
        return new Syslog(lines, mapped, rates);
    }

    private static List<String> veeamLines(final int count) {
        final List<String> out = new ArrayList<>(count);
        final Instant t0 = Instant.parse("2026-11-20T16:00:00Z");
        for (int i = 0; i < count; i++) {
            final String ts = t0.plusMillis(i * 37L).toString();
            final String host = "VBRSRV" + (i % 40);
            final String session = "a1b2c3d4-0000-4000-8000-" + String.format("%012d", i / 4);
            final String head = "<14>1 " + ts + " " + host + " Veeam_MP - - [origin enterpriseId=\"31023\"] ";
            out.add(head + switch (i % 5) {
                case 0 -> "[categoryId=0 instanceId=40210 JobSessionID=\"" + session + "\" RestoreType=\"1\" "
                        + "InitiatorName=\"CORP\\\\op" + (i % 7) + "\" Platform=\"0\" ExtraData=\"Objects to restore: SQL-DEV-"
                        + (i % 50) + "\" VbrHostName=\"" + host + ".corp.example\" VbrVersion=\"12.3.1.1139\" Version=\"1\" "
                        + "Description=\"Restore session has been initiated\"]";
                case 1 -> "[categoryId=0 instanceId=250 JobSessionID=\"" + session + "\" ServerName=\"sql-dev-" + (i % 50)
                        + ".corp.example\" Status=\"Success\" VbrHostName=\"" + host + ".corp.example\"]";
                case 2 -> "[categoryId=0 instanceId=40290 JobSessionID=\"" + session + "\" Result=\"0\" VbrHostName=\""
                        + host + ".corp.example\"]";
                case 3 -> "[categoryId=0 instanceId=41500 Reason=\"File-level restore\" MountServer=\"" + host
                        + ".corp.example\" UserName=\"CORP\\\\op1\" VbrHostName=\"" + host + ".corp.example\"]";
                default -> "[categoryId=0 instanceId=10050 JobName=\"Nightly SQL\" VbrHostName=\"" + host + ".corp.example\"]";
            });
        }
        return out;
    }

    private static final Pattern IDLE = Pattern.compile("idle cpu_ns=(\\d+) wall_ns=(\\d+) heap_after_gc=(\\d+) rss_kb=(-?\\d+)");

    /** Runs {@link IdleCollector} in a child JVM on this JVM's class path and reads its figures. */
    static Idle idle(final String bootstrap, final int seconds, final Path dir) throws Exception {
        final String java = ProcessHandle.current().info().command().orElse("java");
        final ProcessBuilder builder = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), IdleCollector.class.getName(), bootstrap,
                Integer.toString(seconds), dir.toString()).redirectErrorStream(true);
        final Process child = builder.start();
        String found = null;
        final StringBuilder log = new StringBuilder();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("idle ")) {
                    found = line;
                } else if (log.length() < 4000) {
                    log.append(line).append('\n');
                }
            }
        }
        final int exit = child.waitFor();
        final Matcher m = found == null ? null : IDLE.matcher(found);
        if (exit != 0 || m == null || !m.find()) {
            throw new IllegalStateException("idle collector JVM exited " + exit + " without figures:\n" + log);
        }
        final double cpu = Long.parseLong(m.group(1));
        final double wall = Long.parseLong(m.group(2));
        final long rssKb = Long.parseLong(m.group(4));
        return new Idle(seconds, 100.0 * cpu / wall, Long.parseLong(m.group(3)) / 1024.0 / 1024,
                rssKb < 0 ? Double.NaN : rssKb / 1024.0);
    }
}
