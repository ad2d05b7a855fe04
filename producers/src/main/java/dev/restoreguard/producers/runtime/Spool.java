package dev.restoreguard.producers.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable outbox: an append-only spool of events on local disk. Every event is appended here
 * before it is sent, and only the {@link #acknowledgeUpTo checkpoint} written after Kafka
 * acknowledged it lets it go. A collector that is killed ({@code kill -9}), restarted, or cut off
 * from the broker for hours re-sends exactly what was not acknowledged, byte for byte (so with the
 * same deterministic event id).
 *
 * <h2>On disk</h2>
 * A folder of segment files {@code segment-<first seq>.log}, each a sequence of frames
 * {@code [int length][int CRC-32C of body][body]} (big-endian; the body is a {@link SpoolRecord}),
 * a {@code checkpoint} file holding the first sequence number not yet acknowledged (written to a
 * temporary file, forced, and renamed over the old one), a {@code rejected.log} in the same
 * framing for events Kafka can never accept, and a {@code spool.lock} that keeps two processes
 * from sharing one spool.
 *
 * <h2>Durability (fsync policy)</h2>
 * <ul>
 *   <li>{@code always} (default): each append is forced to the device before {@link #append}
 *       returns, so an event survives a power cut from the moment its collector was told it was
 *       spooled. Collectors emit few events (a hosts change, a DNS change), so this costs little.</li>
 *   <li>{@code interval}: appends are forced every {@code fsync_interval}. A process crash or
 *       {@code kill -9} still loses nothing (the data is in the OS page cache); a power cut or a
 *       kernel crash may lose up to one interval.</li>
 * </ul>
 *
 * <h2>Recovery</h2>
 * At open every segment is scanned and each frame's CRC checked. A torn frame at the end of the
 * last segment (a crash during the write) is truncated away; a bad frame anywhere else means the
 * disk damaged data, so the rest of that segment is moved aside as {@code *.corrupt} and counted,
 * never silently skipped.
 *
 * <h2>Size cap</h2>
 * The spool never grows past {@code maxBytes}. When it is full, {@link #append} refuses the new
 * event (it returns empty): the caller counts it on {@code restoreguard_collector_events_dropped_total},
 * logs it at ERROR with its event id, and readiness reports the spool full. Refusing the newest
 * keeps the oldest evidence, which is what an investigation of the outage needs; collectors that
 * hold state (hosts files, zones) do not advance it on a refusal, so they report the change again
 * once there is room.
 */
public final class Spool implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(Spool.class);

    /** No single record may exceed this (Kafka's default message limit is far below it). */
    public static final int MAX_RECORD_BYTES = 64 * 1024 * 1024;
    private static final int HEADER = 8;
    private static final String SEGMENT_PREFIX = "segment-";
    private static final String SEGMENT_SUFFIX = ".log";

    /** When appends reach the disk. */
    public enum FsyncPolicy { ALWAYS, INTERVAL }

    private static final class Segment {
        final Path path;
        final long firstSeq;
        volatile long size;

        Segment(final Path path, final long firstSeq, final long size) {
            this.path = path;
            this.firstSeq = firstSeq;
            this.size = size;
        }
    }

    private final Path dir;
    private final long maxBytes;
    private final long segmentBytes;
    private final FsyncPolicy fsync;
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition appended = lock.newCondition();
    private final FileChannel lockChannel;
    private final FileLock fileLock;
    private final ScheduledExecutorService flusher;
    private FileChannel active;
    private boolean dirty;
    private long nextSeq;
    private volatile long checkpoint;
    private long totalBytes;
    private long corruptFrames;
    private boolean closed;

    private Spool(final Path dir, final long maxBytes, final long segmentBytes, final FsyncPolicy fsync,
                  final Duration fsyncInterval) throws IOException {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.segmentBytes = segmentBytes;
        this.fsync = fsync;
        Files.createDirectories(dir);
        this.lockChannel = FileChannel.open(dir.resolve("spool.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            lockChannel.close();
            throw new IOException("spool " + dir + " is in use by another collector process");
        }
        this.fileLock = l;
        recover();
        if (fsync == FsyncPolicy.INTERVAL) {
            flusher = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("spool-fsync").unstarted(r));
            final long ms = Math.max(1, fsyncInterval.toMillis());
            flusher.scheduleWithFixedDelay(this::forceQuietly, ms, ms, TimeUnit.MILLISECONDS);
        } else {
            flusher = null;
        }
    }

    /**
     * Opens (and recovers) the spool in {@code dir}.
     *
     * @param maxBytes     cap on the total size of the segment files
     * @param segmentBytes a segment is closed and a new one started past this size
     */
    public static Spool open(final Path dir, final long maxBytes, final long segmentBytes, final FsyncPolicy fsync,
                             final Duration fsyncInterval) throws IOException {
        if (segmentBytes < 1024 || maxBytes < 2 * segmentBytes) {
            throw new IllegalArgumentException("spool: max_bytes (" + maxBytes + ") must be at least twice segment_bytes ("
                    + segmentBytes + "), and segment_bytes at least 1024");
        }
        return new Spool(dir, maxBytes, segmentBytes, fsync, fsyncInterval);
    }

    private void recover() throws IOException {
        checkpoint = readCheckpoint();
        final List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().startsWith(SEGMENT_PREFIX)
                    && p.getFileName().toString().endsWith(SEGMENT_SUFFIX)).sorted().toList();
        }
        long lastSeq = -1;
        for (int i = 0; i < files.size(); i++) {
            final Path file = files.get(i);
            final long first = parseFirstSeq(file);
            final Scan scan = scan(file);
            if (scan.badAt >= 0) {
                corruptFrames++;
                if (i == files.size() - 1) {
                    LOGGER.atWarn().addKeyValue("segment", file).addKeyValue("offset", scan.badAt)
                            .addKeyValue("lost_bytes", Files.size(file) - scan.badAt)
                            .log("Spool: torn frame at the end of the last segment (crash during a write); truncating it");
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        ch.truncate(scan.badAt);
                        ch.force(true);
                    }
                } else {
                    final Path aside = file.resolveSibling(file.getFileName() + ".corrupt");
                    Files.copy(file, aside, StandardCopyOption.REPLACE_EXISTING);
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        ch.truncate(scan.badAt);
                        ch.force(true);
                    }
                    LOGGER.atError().addKeyValue("segment", file).addKeyValue("offset", scan.badAt)
                            .addKeyValue("copy", aside)
                            .log("Spool: damaged frame inside a segment; events after it are kept aside, not sent");
                }
            }
            if (scan.lastSeq >= 0) {
                lastSeq = Math.max(lastSeq, scan.lastSeq);
            }
            final long size = scan.badAt >= 0 ? scan.badAt : Files.size(file);
            segments.put(first, new Segment(file, first, size));
            totalBytes += size;
        }
        nextSeq = Math.max(lastSeq + 1, checkpoint);
        if (segments.isEmpty() && checkpoint == 0 && lastSeq < 0) {
            nextSeq = 0;
        }
        deleteAcknowledgedSegments();
        openActive();
        LOGGER.atInfo().addKeyValue("dir", dir).addKeyValue("pending", pendingEvents())
                .addKeyValue("bytes", totalBytes).addKeyValue("checkpoint", checkpoint)
                .log("Spool opened");
    }

    private record Scan(long lastSeq, long badAt) {
    }

    private static Scan scan(final Path file) throws IOException {
        long lastSeq = -1;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            final long size = ch.size();
            long pos = 0;
            while (pos < size) {
                final Frame frame = readFrame(ch, pos, size);
                if (frame == null) {
                    return new Scan(lastSeq, pos);
                }
                lastSeq = frame.record.seq();
                pos = frame.next;
            }
        }
        return new Scan(lastSeq, -1);
    }

    private record Frame(SpoolRecord record, long next) {
    }

    /** The frame at {@code pos}, or null if it is torn, damaged or past {@code limit}. */
    private static Frame readFrame(final FileChannel ch, final long pos, final long limit) throws IOException {
        if (pos + HEADER > limit) {
            return null;
        }
        final ByteBuffer header = ByteBuffer.allocate(HEADER);
        readFully(ch, header, pos);
        final int length = header.getInt(0);
        final int crc = header.getInt(4);
        if (length <= 0 || length > MAX_RECORD_BYTES || pos + HEADER + length > limit) {
            return null;
        }
        final ByteBuffer body = ByteBuffer.allocate(length);
        readFully(ch, body, pos + HEADER);
        final CRC32C c = new CRC32C();
        c.update(body.array(), 0, length);
        if ((int) c.getValue() != crc) {
            return null;
        }
        try {
            return new Frame(SpoolRecord.decode(body.array()), pos + HEADER + length);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void readFully(final FileChannel ch, final ByteBuffer buf, final long pos) throws IOException {
        long p = pos;
        while (buf.hasRemaining()) {
            final int n = ch.read(buf, p);
            if (n < 0) {
                throw new IOException("unexpected end of spool segment");
            }
            p += n;
        }
        buf.flip();
    }

    private static long parseFirstSeq(final Path file) {
        final String name = file.getFileName().toString();
        return Long.parseLong(name.substring(SEGMENT_PREFIX.length(), name.length() - SEGMENT_SUFFIX.length()));
    }

    private Path segmentPath(final long firstSeq) {
        return dir.resolve(String.format("%s%020d%s", SEGMENT_PREFIX, firstSeq, SEGMENT_SUFFIX));
    }

    private void openActive() throws IOException {
        if (segments.isEmpty()) {
            final Path path = segmentPath(nextSeq);
            segments.put(nextSeq, new Segment(path, nextSeq, 0));
            active = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            forceDirectory();
        } else {
            final Segment last = segments.lastEntry().getValue();
            active = FileChannel.open(last.path, StandardOpenOption.WRITE);
            active.position(last.size);
        }
    }

    /**
     * Appends an event durably (per the fsync policy).
     *
     * @return its sequence number, or empty when the spool is full (the caller must count and log it)
     * @throws UncheckedIOException when the disk refuses the write
     */
    public OptionalLong append(final String topic, final String key, final long timestamp, final String eventId,
                               final byte[] value) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("spool closed");
            }
            final SpoolRecord record = new SpoolRecord(nextSeq, topic, key, timestamp, eventId, value);
            final byte[] body = record.encode();
            if (body.length > MAX_RECORD_BYTES) {
                throw new IllegalArgumentException("event " + eventId + " is " + body.length + " bytes, over the spool's "
                        + MAX_RECORD_BYTES + "-byte record limit");
            }
            final long frameBytes = HEADER + body.length;
            if (totalBytes + frameBytes > maxBytes) {
                return OptionalLong.empty();
            }
            Segment seg = segments.lastEntry().getValue();
            if (seg.size > 0 && seg.size + frameBytes > segmentBytes) {
                roll();
                seg = segments.lastEntry().getValue();
            }
            final CRC32C crc = new CRC32C();
            crc.update(body);
            final ByteBuffer frame = ByteBuffer.allocate((int) frameBytes);
            frame.putInt(body.length).putInt((int) crc.getValue()).put(body).flip();
            while (frame.hasRemaining()) {
                active.write(frame);
            }
            if (fsync == FsyncPolicy.ALWAYS) {
                active.force(false);
            } else {
                dirty = true;
            }
            seg.size += frameBytes;
            totalBytes += frameBytes;
            final long seq = nextSeq++;
            appended.signalAll();
            return OptionalLong.of(seq);
        } catch (IOException e) {
            throw new UncheckedIOException("spool " + dir + ": cannot append", e);
        } finally {
            lock.unlock();
        }
    }

    private void roll() throws IOException {
        active.force(true);
        active.close();
        final Path path = segmentPath(nextSeq);
        segments.put(nextSeq, new Segment(path, nextSeq, 0));
        active = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        forceDirectory();
    }

    /** Waits until an event with a sequence number of at least {@code seq} exists, or the timeout passes. */
    public boolean awaitAppend(final long seq, final Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            long nanos = timeout.toNanos();
            while (nextSeq <= seq && !closed) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = appended.awaitNanos(nanos);
            }
            return nextSeq > seq;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records that every event below {@code nextUnacknowledged} reached Kafka: writes the
     * checkpoint and deletes segments that hold nothing else.
     */
    public void acknowledgeUpTo(final long nextUnacknowledged) {
        lock.lock();
        try {
            if (nextUnacknowledged <= checkpoint) {
                return;
            }
            checkpoint = Math.min(nextUnacknowledged, nextSeq);
            writeCheckpoint(checkpoint);
            deleteAcknowledgedSegments();
            // An idle spool whose only segment is fully acknowledged starts afresh once that segment
            // has grown, so acknowledged bytes do not count against the cap for long.
            final Segment last = segments.lastEntry().getValue();
            if (checkpoint == nextSeq && last.size >= segmentBytes / 4) {
                roll();
                deleteAcknowledgedSegments();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("spool " + dir + ": cannot write the checkpoint", e);
        } finally {
            lock.unlock();
        }
    }

    private void deleteAcknowledgedSegments() throws IOException {
        while (segments.size() > 1) {
            final Map.Entry<Long, Segment> first = segments.firstEntry();
            final Long nextFirst = segments.higherKey(first.getKey());
            if (nextFirst == null || nextFirst > checkpoint) {
                return;
            }
            try {
                Files.deleteIfExists(first.getValue().path);
            } catch (IOException e) {
                // Windows refuses to delete a file a cursor still has open: try again at the next checkpoint.
                LOGGER.atDebug().addKeyValue("segment", first.getValue().path).log("Acknowledged segment not deleted yet");
                return;
            }
            totalBytes -= first.getValue().size;
            segments.remove(first.getKey());
        }
    }

    /** Keeps an event Kafka can never accept, so it is not lost and not retried forever. */
    public void reject(final SpoolRecord record, final String reason) {
        lock.lock();
        try (FileChannel ch = FileChannel.open(dir.resolve("rejected.log"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            final byte[] body = record.encode();
            final CRC32C crc = new CRC32C();
            crc.update(body);
            final ByteBuffer frame = ByteBuffer.allocate(HEADER + body.length);
            frame.putInt(body.length).putInt((int) crc.getValue()).put(body).flip();
            while (frame.hasRemaining()) {
                ch.write(frame);
            }
            ch.force(false);
            LOGGER.atError().addKeyValue("event_id", record.eventId()).addKeyValue("topic", record.topic())
                    .addKeyValue("reason", reason).addKeyValue("file", dir.resolve("rejected.log"))
                    .log("Kafka refused an event for good; kept in the spool's rejected file");
        } catch (IOException e) {
            throw new UncheckedIOException("spool " + dir + ": cannot write rejected.log", e);
        } finally {
            lock.unlock();
        }
    }

    /** A reader of the spooled events from {@code fromSeq} on, in order. */
    public Cursor cursor(final long fromSeq) {
        return new Cursor(fromSeq);
    }

    /** Reads spooled events in sequence order; not thread-safe (one per sender thread). */
    public final class Cursor implements AutoCloseable {
        private long wanted;
        private Segment segment;
        private FileChannel channel;
        private long position;

        private Cursor(final long fromSeq) {
            this.wanted = fromSeq;
        }

        /** The next spooled event, or null when there is none yet. */
        public SpoolRecord next() throws IOException {
            while (true) {
                if (segment == null && !seek()) {
                    return null;
                }
                final long limit = segment.size; // volatile: only frames fully written are visible
                final Frame frame = position < limit ? readFrame(channel, position, limit) : null;
                if (frame != null) {
                    position = frame.next;
                    if (frame.record.seq() >= wanted) {
                        wanted = frame.record.seq() + 1;
                        return frame.record;
                    }
                    continue;
                }
                if (position < limit) {
                    throw new IOException("spool segment " + segment.path + " damaged at " + position);
                }
                // End of this segment: move on only if a later one exists.
                final Segment following;
                lock.lock();
                try {
                    final Map.Entry<Long, Segment> e = segments.higherEntry(segment.firstSeq);
                    following = e == null ? null : e.getValue();
                } finally {
                    lock.unlock();
                }
                if (following == null || segment.size != limit) {
                    if (following == null) {
                        return null;
                    }
                    continue; // the segment grew meanwhile: read the rest first
                }
                closeChannel();
                segment = following;
                channel = FileChannel.open(segment.path, StandardOpenOption.READ);
                position = 0;
            }
        }

        private boolean seek() throws IOException {
            lock.lock();
            try {
                if (segments.isEmpty()) {
                    return false;
                }
                Map.Entry<Long, Segment> e = segments.floorEntry(wanted);
                if (e == null) {
                    e = segments.firstEntry();
                }
                segment = e.getValue();
            } finally {
                lock.unlock();
            }
            channel = FileChannel.open(segment.path, StandardOpenOption.READ);
            position = 0;
            return true;
        }

        private void closeChannel() throws IOException {
            if (channel != null) {
                channel.close();
                channel = null;
            }
        }

        @Override
        public void close() {
            try {
                closeChannel();
            } catch (IOException e) {
                LOGGER.atDebug().setCause(e).log("Spool cursor close failed");
            }
        }
    }

    /** First sequence number not yet acknowledged by Kafka. */
    public long checkpoint() {
        return checkpoint;
    }

    /** Sequence number the next append gets. */
    public long nextSeq() {
        lock.lock();
        try {
            return nextSeq;
        } finally {
            lock.unlock();
        }
    }

    /** Events spooled and not yet acknowledged. */
    public long pendingEvents() {
        lock.lock();
        try {
            return nextSeq - checkpoint;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes of the segment files. */
    public long sizeBytes() {
        lock.lock();
        try {
            return totalBytes;
        } finally {
            lock.unlock();
        }
    }

    /** The configured cap. */
    public long maxBytes() {
        return maxBytes;
    }

    /** Whether less than one segment's worth of room is left. */
    public boolean nearlyFull() {
        return sizeBytes() + segmentBytes / 8 > maxBytes;
    }

    /** Frames found damaged at open (torn tails included). */
    public long corruptFrames() {
        return corruptFrames;
    }

    /** The spool folder. */
    public Path dir() {
        return dir;
    }

    private long readCheckpoint() throws IOException {
        final Path file = dir.resolve("checkpoint");
        if (!Files.exists(file)) {
            return 0;
        }
        final String text = Files.readString(file).trim();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            // A checkpoint we cannot read means re-sending from the first segment: duplicates, never loss.
            LOGGER.atWarn().addKeyValue("file", file).log("Spool checkpoint unreadable; re-sending all spooled events");
            return 0;
        }
    }

    private void writeCheckpoint(final long value) throws IOException {
        final Path tmp = dir.resolve("checkpoint.tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap((value + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            if (fsync == FsyncPolicy.ALWAYS) {
                ch.force(false);
            }
        }
        try {
            Files.move(tmp, dir.resolve("checkpoint"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dir.resolve("checkpoint"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void forceDirectory() {
        // Makes a new file's directory entry durable; Windows cannot open folders, where NTFS journals it.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOGGER.atTrace().log("Directory fsync not supported here");
        }
    }

    private void forceQuietly() {
        lock.lock();
        try {
            if (dirty && !closed) {
                active.force(false);
                dirty = false;
            }
        } catch (IOException e) {
            LOGGER.atError().setCause(e).addKeyValue("dir", dir).log("Spool fsync failed");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        if (flusher != null) {
            flusher.shutdownNow();
        }
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            appended.signalAll();
            active.force(true);
            active.close();
            fileLock.release();
            lockChannel.close();
        } catch (IOException e) {
            LOGGER.atWarn().setCause(e).addKeyValue("dir", dir).log("Spool close failed");
        } finally {
            lock.unlock();
        }
    }

    /** Every record still in the spool from {@code fromSeq} on (tests and diagnostics). */
    List<SpoolRecord> readAll(final long fromSeq) throws IOException {
        final List<SpoolRecord> out = new ArrayList<>();
        try (Cursor c = cursor(fromSeq)) {
            SpoolRecord r;
            while ((r = c.next()) != null) {
                out.add(r);
            }
        }
        return out;
    }
}
