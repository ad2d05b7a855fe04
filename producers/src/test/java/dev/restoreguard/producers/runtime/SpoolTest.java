package dev.restoreguard.producers.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {

    @TempDir
    Path dir;

    private Spool open(final long max, final long segment) throws IOException {
        return Spool.open(dir, max, segment, Spool.FsyncPolicy.ALWAYS, Duration.ofSeconds(1));
    }

    private static byte[] value(final int i) {
        return ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldReturnAppendedRecordsInOrderWithTheirIds() throws IOException {
        try (Spool spool = open(1 << 20, 4096)) {
            for (int i = 0; i < 100; i++) {
                assertThat(spool.append("t", "k" + i, 1000L + i, "id-" + i, value(i))).hasValue(i);
            }
            final List<SpoolRecord> all = spool.readAll(0);
            assertThat(all).hasSize(100);
            assertThat(all.get(42).eventId()).isEqualTo("id-42");
            assertThat(all.get(42).key()).isEqualTo("k42");
            assertThat(all.get(42).timestamp()).isEqualTo(1042L);
            assertThat(new String(all.get(42).value(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":42}");
            assertThat(segments()).hasSizeGreaterThan(1);
        }
    }

    @Test
    void shouldResumeAfterReopenFromTheCheckpoint() throws IOException {
        try (Spool spool = open(1 << 20, 4096)) {
            for (int i = 0; i < 50; i++) {
                spool.append("t", null, i, "id-" + i, value(i));
            }
            spool.acknowledgeUpTo(30);
        }
        // What a kill -9 leaves is the same files: reopen and find exactly the unacknowledged ones.
        try (Spool spool = open(1 << 20, 4096)) {
            assertThat(spool.checkpoint()).isEqualTo(30);
            assertThat(spool.pendingEvents()).isEqualTo(20);
            assertThat(spool.readAll(spool.checkpoint())).extracting(SpoolRecord::eventId)
                    .containsExactlyElementsOf(Stream.iterate(30, i -> i + 1).limit(20).map(i -> "id-" + i).toList());
            assertThat(spool.append("t", null, 0, "id-50", value(50))).hasValue(50);
        }
    }

    @Test
    void shouldDeleteSegmentsOnceAcknowledged() throws IOException {
        try (Spool spool = open(1 << 20, 2048)) {
            for (int i = 0; i < 200; i++) {
                spool.append("t", null, i, "id-" + i, value(i));
            }
            final int before = segments().size();
            spool.acknowledgeUpTo(200);
            assertThat(segments().size()).isLessThan(before).isLessThanOrEqualTo(2);
            assertThat(spool.pendingEvents()).isZero();
            assertThat(spool.sizeBytes()).isLessThanOrEqualTo(2048);
        }
    }

    @Test
    void shouldRefuseWhenFullAndAcceptAgainOnceDrained() throws IOException {
        try (Spool spool = open(4096, 2048)) {
            int accepted = 0;
            OptionalLong seq;
            while ((seq = spool.append("t", null, 0, "id-" + accepted, new byte[100])).isPresent()) {
                accepted++;
            }
            assertThat(accepted).isBetween(20, 40);
            assertThat(spool.nearlyFull()).isTrue();
            spool.acknowledgeUpTo(spool.nextSeq());
            assertThat(spool.append("t", null, 0, "again", new byte[100])).isPresent();
        }
    }

    @Test
    void shouldTruncateATornFrameLeftByACrashDuringAWrite() throws IOException {
        try (Spool spool = open(1 << 20, 1 << 16)) {
            for (int i = 0; i < 10; i++) {
                spool.append("t", null, i, "id-" + i, value(i));
            }
        }
        final Path segment = segments().get(0);
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            f.seek(f.length());
            f.write(new byte[] {0, 0, 0, 50, 1, 2, 3}); // a frame header whose body never made it
        }
        try (Spool spool = open(1 << 20, 1 << 16)) {
            assertThat(spool.corruptFrames()).isEqualTo(1);
            assertThat(spool.readAll(0)).hasSize(10);
            assertThat(spool.append("t", null, 0, "id-10", value(10))).hasValue(10);
            assertThat(spool.readAll(0)).hasSize(11);
        }
    }

    @Test
    void shouldDetectADamagedRecordByItsCrc() throws IOException {
        try (Spool spool = open(1 << 20, 1 << 16)) {
            for (int i = 0; i < 10; i++) {
                spool.append("t", null, i, "id-" + i, value(i));
            }
        }
        final Path segment = segments().get(0);
        final byte[] bytes = Files.readAllBytes(segment);
        bytes[bytes.length - 3] ^= 0x55; // flip bits in the last record's body
        Files.write(segment, bytes);
        try (Spool spool = open(1 << 20, 1 << 16)) {
            assertThat(spool.corruptFrames()).isEqualTo(1);
            assertThat(spool.readAll(0)).extracting(SpoolRecord::eventId).hasSize(9).doesNotContain("id-9");
        }
    }

    @Test
    void shouldRefuseASecondProcessOnTheSameSpool() throws IOException {
        try (Spool spool = open(1 << 20, 4096)) {
            assertThatThrownBy(() -> open(1 << 20, 4096)).isInstanceOf(IOException.class).hasMessageContaining("in use");
        }
    }

    @Test
    void shouldKeepRejectedEventsInTheirOwnFile() throws IOException {
        try (Spool spool = open(1 << 20, 4096)) {
            spool.reject(new SpoolRecord(7, "t", "k", 0, "bad", new byte[10]), "too large");
        }
        assertThat(dir.resolve("rejected.log")).exists();
        assertThat(Files.size(dir.resolve("rejected.log"))).isGreaterThan(10);
    }

    @Test
    void shouldSeeAppendsOfAnotherThreadThroughAnOpenCursor() throws Exception {
        try (Spool spool = open(1 << 20, 2048); Spool.Cursor cursor = spool.cursor(0)) {
            assertThat(cursor.next()).isNull();
            final Thread writer = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 300; i++) {
                    spool.append("t", null, i, "id-" + i, value(i));
                }
            });
            int read = 0;
            final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (read < 300 && System.nanoTime() < deadline) {
                final SpoolRecord r = cursor.next();
                if (r == null) {
                    spool.awaitAppend(read, Duration.ofMillis(100));
                    continue;
                }
                assertThat(r.seq()).isEqualTo(read);
                read++;
            }
            writer.join();
            assertThat(read).isEqualTo(300);
        }
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("segment-")
                    && p.getFileName().toString().endsWith(".log")).sorted().toList();
        }
    }
}
