package dev.restoreguard.producers.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.hosts.HostsSnapshot;
import dev.restoreguard.producers.runtime.Metrics;
import dev.restoreguard.producers.testing.ListSink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostsFileCollectorTest {

    private static final String OBSERVER = "vbr01.corp.example";
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path tmp;

    private HostsFileCollector collector(final Path hosts, final Metrics metrics, final Duration recheck) {
        return new HostsFileCollector(OBSERVER, List.of(hosts), recheck, Duration.ofMillis(50), 64L * 1024 * 1024,
                tmp.resolve("state"), null, metrics, Clock.systemUTC());
    }

    private static HostsSnapshot snapshot(final ListSink.Published p) {
        return (HostsSnapshot) p.envelope().payload();
    }

    @Test
    void shouldPublishTheBaselineAtStartAndNothingForIdenticalContent() throws Exception {
        final Path hosts = Files.writeString(tmp.resolve("hosts"), "127.0.0.1 localhost\n10.20.1.15 sql-dev-01\n");
        final ListSink sink = new ListSink();
        try (HostsFileCollector c = collector(hosts, new Metrics(), Duration.ofHours(1))) {
            c.start(sink);
            assertThat(c.ready()).isTrue();
            assertThat(sink.events()).hasSize(1);
            final ListSink.Published first = sink.events().get(0);
            assertThat(first.topic()).isEqualTo("restoreguard.hosts.snapshots");
            assertThat(first.key()).isEqualTo(OBSERVER);
            assertThat(first.envelope().source()).isEqualTo("hosts-file");
            assertThat(snapshot(first).baseline()).isTrue();
            assertThat(snapshot(first).writer()).isEqualTo("unknown");
            assertThat(snapshot(first).entries()).hasSize(2);
            Files.writeString(hosts, "127.0.0.1 localhost\n10.20.1.15 sql-dev-01\n"); // same bytes, new mtime
            c.checkNow();
            assertThat(sink.events()).hasSize(1);
        }
    }

    @Test
    void shouldPublishTheDiffWhenAWatchedFileIsEdited() throws Exception {
        final Path hosts = Files.writeString(tmp.resolve("hosts"), "127.0.0.1 localhost\n");
        final ListSink sink = new ListSink();
        try (HostsFileCollector c = collector(hosts, new Metrics(), Duration.ofHours(1))) {
            c.start(sink);
            Files.writeString(hosts, "127.0.0.1 localhost\n10.99.0.5 sql-dev-01.corp.example\n");
            final List<ListSink.Published> events = sink.await(2, p -> true, WAIT);
            assertThat(events).hasSize(2);
            final HostsSnapshot change = snapshot(events.get(1));
            assertThat(change.baseline()).isFalse();
            assertThat(change.diff().added()).extracting(HostsSnapshot.Change::name, HostsSnapshot.Change::afterAddress)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("sql-dev-01.corp.example", "10.99.0.5"));
            assertThat(change.diff().sha256Before()).isEqualTo(snapshot(events.get(0)).sha256());
        }
    }

    @Test
    void shouldSeeAFileReplacedByRenameAsEditorsDo() throws Exception {
        final Path hosts = Files.writeString(tmp.resolve("hosts"), "10.0.0.1 a\n");
        final ListSink sink = new ListSink();
        try (HostsFileCollector c = collector(hosts, new Metrics(), Duration.ofHours(1))) {
            c.start(sink);
            final Path swap = Files.writeString(tmp.resolve(".hosts.swp"), "10.0.0.2 a\n");
            Files.move(swap, hosts, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            final List<ListSink.Published> events = sink.await(2, p -> true, WAIT);
            assertThat(events).hasSize(2);
            assertThat(snapshot(events.get(1)).diff().changed()).extracting(HostsSnapshot.Change::afterAddress)
                    .containsExactly("10.0.0.2");
        }
    }

    @Test
    void shouldFindChangesByPeriodicRecheckWithoutFileSystemEvents() throws Exception {
        final Path hosts = Files.writeString(tmp.resolve("hosts"), "10.0.0.1 a\n");
        final ListSink sink = new ListSink();
        final HostsFileCollector c = new HostsFileCollector(OBSERVER, List.of(hosts), Duration.ofMillis(200),
                Duration.ofHours(1), 1 << 20, tmp.resolve("state"), null, new Metrics(), Clock.systemUTC());
        try (c) {
            // A debounce of an hour means only the periodic re-check can report this change.
            c.start(sink);
            Files.writeString(hosts, "10.0.0.1 a\n10.0.0.3 b\n");
            assertThat(sink.await(2, p -> true, WAIT)).hasSize(2);
        }
    }

    @Test
    void shouldNotRealertTheBaselineAfterARestartButReportChangesMadeWhileDown() throws Exception {
        final Path hosts = Files.writeString(tmp.resolve("hosts"), "10.0.0.1 a\n");
        final ListSink first = new ListSink();
        try (HostsFileCollector c = collector(hosts, new Metrics(), Duration.ofHours(1))) {
            c.start(first);
        }
        assertThat(first.events()).hasSize(1);

        final ListSink second = new ListSink();
        try (HostsFileCollector c = collector(hosts, new Metrics(), Duration.ofHours(1))) {
            c.start(second);
        }
        assertThat(second.events()).as("unchanged file after restart").isEmpty();

        Files.writeString(hosts, "10.0.0.1 a\n10.20.1.15 sql-dev-01.corp.example\n"); // while it is down
        final ListSink third = new ListSink();
        try (HostsFileCollector c = collector(hosts, new Metrics(), Duration.ofHours(1))) {
            c.start(third);
        }
        assertThat(third.events()).hasSize(1);
        final HostsSnapshot caught = snapshot(third.events().get(0));
        assertThat(caught.baseline()).isFalse();
        assertThat(caught.diff().added()).extracting(HostsSnapshot.Change::name).containsExactly("sql-dev-01.corp.example");
    }

    @Test
    void shouldReportARefusedSnapshotAgainOnceTheSpoolHasRoom() throws Exception {
        final Path hosts = Files.writeString(tmp.resolve("hosts"), "10.0.0.1 a\n");
        final ListSink sink = new ListSink();
        try (HostsFileCollector c = collector(hosts, new Metrics(), Duration.ofHours(1))) {
            c.start(sink);
            sink.refuse(true);
            Files.writeString(hosts, "10.0.0.2 a\n");
            c.checkNow();
            sink.refuse(false);
            c.checkNow();
            assertThat(sink.events()).hasSize(2);
            assertThat(snapshot(sink.events().get(1)).diff().changed()).hasSize(1);
        }
    }

    @Test
    void shouldKeepRunningOnBadInputAndReportWhatItSkipped() throws Exception {
        final Path hosts = tmp.resolve("hosts");
        final byte[] random = new byte[64 * 1024];
        new Random(42).nextBytes(random);
        Files.write(hosts, random);
        final Metrics metrics = new Metrics();
        final ListSink sink = new ListSink();
        // Only checkNow() reads the file here (debounce and re-check of an hour), so a read never
        // catches a file half written by the test itself.
        try (HostsFileCollector c = new HostsFileCollector(OBSERVER, List.of(hosts), Duration.ofHours(1),
                Duration.ofHours(1), 64L * 1024 * 1024, tmp.resolve("state"), null, metrics, Clock.systemUTC())) {
            c.start(sink);
            // invalid UTF-8 around a valid entry
            Files.write(hosts, concat(new byte[] {(byte) 0xC3, (byte) 0x28, '\n'},
                    "10.0.0.9 good\n".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xFF, (byte) 0xFE, '\n'}));
            c.checkNow();
            // one line of 100 kB
            Files.writeString(hosts, "10.0.0.1 " + "x".repeat(100_000) + "\n10.0.0.2 ok\n");
            c.checkNow();
            // 50 MB
            final StringBuilder big = new StringBuilder(50 * 1024 * 1024 + 64);
            for (int i = 0; big.length() < 50 * 1024 * 1024; i++) {
                big.append("10.").append((i >> 16) & 255).append('.').append((i >> 8) & 255).append('.').append(i & 255)
                        .append(" host-").append(i).append(".big.example\n");
            }
            Files.writeString(hosts, big);
            c.checkNow();
            Files.writeString(hosts, "10.0.0.1 a\n");
            c.checkNow();
            assertThat(c.ready()).isTrue();
        }
        final List<HostsSnapshot> snapshots = sink.events().stream().map(HostsFileCollectorTest::snapshot).toList();
        assertThat(snapshots.size()).isEqualTo(5);
        assertThat(snapshots.get(0).ignored()).isNotEmpty();
        assertThat(snapshots.get(1).entries()).extracting(HostsSnapshot.Entry::address).containsExactly("10.0.0.9");
        assertThat(snapshots.get(2).entries()).extracting(HostsSnapshot.Entry::address).containsExactly("10.0.0.2");
        assertThat(snapshots.get(2).ignored()).hasSize(1);
        assertThat(snapshots.get(3).truncated()).isTrue();
        assertThat(snapshots.get(3).sizeBytes()).isGreaterThanOrEqualTo(50L * 1024 * 1024);
        assertThat(snapshots.get(4).entries()).hasSize(1);
        assertThat(metrics.skippedCount("hosts-line-ignored")).isPositive();
        assertThat(metrics.skippedCount("hosts-file-truncated")).isEqualTo(1);
        assertThat(metrics.value(Metrics.ERRORS)).isZero();
    }

    @Test
    void shouldShedForensicTextFromSnapshotsTooBigForKafka() {
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < 30_000; i++) {
            text.append("junk line number ").append(i).append('\n');
        }
        final HostsSnapshot s = new HostsSnapshotter(new HostsFileParser())
                .next(OBSERVER, "/etc/hosts", text.toString().getBytes(StandardCharsets.UTF_8), null).orElseThrow();
        final HostsSnapshot fit = HostsFileCollector.fitForKafka(s);
        assertThat(fit.content()).isNull();
        assertThat(fit.ignored()).hasSizeLessThanOrEqualTo(200);
        assertThat(fit.sha256()).isEqualTo(s.sha256());
    }

    private static byte[] concat(final byte[]... parts) {
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
