package dev.restoreguard.producers.hosts;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.hosts.HostsSnapshot;
import dev.restoreguard.producers.runtime.Collector;
import dev.restoreguard.producers.runtime.EventSink;
import dev.restoreguard.producers.runtime.Metrics;
import dev.restoreguard.producers.runtime.StateFiles;
import dev.restoreguard.producers.runtime.Worker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches hosts files and publishes a {@link HostsSnapshot} whenever one's content changes.
 *
 * <p>Topic written: {@code restoreguard.hosts.snapshots}, key the observer's normalized FQDN,
 * value an {@link Envelope} of kind {@code hosts_file} (source {@code hosts-file}, event time the
 * moment the change was detected).
 *
 * <p>How it watches: a file-system {@link WatchService} on each file's folder (editors replace the
 * file by renaming a temporary one, so the folder is watched, not the file), debounced so that a
 * burst of writes becomes one snapshot, plus a periodic re-check because network shares and some
 * file systems deliver no events at all. Snapshots are built by the {@link HostsSnapshotter} that
 * scenario replay uses too; identical content publishes nothing.
 *
 * <p>Restarts: the content last published for each file is kept in {@code <state_dir>/hosts-file/}.
 * At start an unchanged file publishes nothing (its baseline is not re-alerted), a file changed
 * while the collector was down publishes a snapshot diffed against what was last published, and a
 * file never seen publishes its baseline. The state moves only after the spool accepted the
 * snapshot, so a refused snapshot (spool full) is published again at the next check.
 *
 * <p>Bad input never stops it: junk lines are kept in the snapshot as ignored (counted on
 * {@code restoreguard_collector_input_skipped_total{reason="hosts-line-ignored"}}), a file over the
 * read cap is read up to the cap ({@code reason="hosts-file-over-read-cap"}) and the parser's own
 * cap marks the snapshot truncated ({@code reason="hosts-file-truncated"}).
 */
public final class HostsFileCollector implements Collector {

    private static final Logger LOGGER = LoggerFactory.getLogger(HostsFileCollector.class);
    /** The collector kind and event source. */
    public static final String KIND = "hosts-file";
    /** Serialized snapshots above this shed their forensic text so Kafka's 1 MB default accepts them. */
    static final int KAFKA_FRIENDLY_BYTES = 900 * 1024;
    private static final int MAX_IGNORED_KEPT = 200;

    private final String observer;
    private final List<Path> paths;
    private final Duration recheck;
    private final Duration debounce;
    private final long maxReadBytes;
    private final Path stateDir;
    private final AuditLogWriters audit;
    private final Metrics metrics;
    private final Clock clock;
    private final HostsSnapshotter snapshotter = new HostsSnapshotter(new HostsFileParser());
    private final Map<Path, byte[]> published = new HashMap<>();
    private final Map<Path, Instant> lastCheck = new HashMap<>();
    private final Map<Path, ScheduledFuture<?>> pending = new ConcurrentHashMap<>();
    private Worker worker;
    private WatchService watcher;
    private Thread watchThread;
    private EventSink sink;
    private volatile boolean ready;

    /**
     * @param observer     this machine's normalized FQDN
     * @param paths        files to watch
     * @param recheck      periodic re-check interval
     * @param debounce     quiet time after a file-system event
     * @param maxReadBytes read at most this much of a file
     * @param stateDir     where the last published contents are kept
     * @param audit        auditd lookup, or null where there is none (writer {@code unknown})
     */
    public HostsFileCollector(final String observer, final List<Path> paths, final Duration recheck,
                              final Duration debounce, final long maxReadBytes, final Path stateDir,
                              final AuditLogWriters audit, final Metrics metrics, final Clock clock) {
        this.observer = observer;
        this.paths = List.copyOf(paths);
        this.recheck = recheck;
        this.debounce = debounce;
        this.maxReadBytes = maxReadBytes;
        this.stateDir = stateDir.resolve(KIND);
        this.audit = audit;
        this.metrics = metrics;
        this.clock = clock;
        metrics.counter("restoreguard_hosts_snapshots_total", "Hosts-file snapshots published");
        metrics.counter("restoreguard_hosts_checks_total", "Hosts-file reads (events and re-checks)");
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void start(final EventSink eventSink) throws IOException {
        this.sink = eventSink;
        Files.createDirectories(stateDir);
        worker = new Worker("hosts-file");
        for (Path path : paths) {
            final Optional<byte[]> last = loadState(path);
            last.ifPresent(content -> {
                snapshotter.remember(observer, path.toString(), content);
                published.put(path, content);
            });
        }
        // Baseline (or catch-up) on the worker thread, so all checks stay serialized; start returns after it.
        try {
            worker.runNow(() -> paths.forEach(this::check));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during the baseline", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("baseline failed", e.getCause());
        }
        watcher = startWatching();
        worker.every(recheck, () -> paths.forEach(this::check));
        ready = true;
        LOGGER.atInfo().addKeyValue("paths", paths).addKeyValue("recheck_s", recheck.toSeconds())
                .addKeyValue("watching", watcher != null).log("Hosts-file collector watching");
    }

    private WatchService startWatching() {
        try {
            final WatchService ws = paths.get(0).getFileSystem().newWatchService();
            final Map<WatchKey, Path> dirs = new HashMap<>();
            for (Path dir : paths.stream().map(p -> p.toAbsolutePath().getParent()).distinct().toList()) {
                if (dir != null && Files.isDirectory(dir)) {
                    dirs.put(dir.register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                            StandardWatchEventKinds.ENTRY_DELETE), dir);
                }
            }
            watchThread = Thread.ofPlatform().name("hosts-file-watch").daemon().start(() -> watchLoop(ws, dirs));
            return ws;
        } catch (IOException | UnsupportedOperationException e) {
            LOGGER.atWarn().setCause(e).log("No file-system notifications; relying on the periodic re-check");
            return null;
        }
    }

    private void watchLoop(final WatchService ws, final Map<WatchKey, Path> dirs) {
        while (true) {
            final WatchKey key;
            try {
                key = ws.take();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            final Path dir = dirs.get(key);
            for (WatchEvent<?> event : key.pollEvents()) {
                if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                    paths.forEach(this::schedule); // events were lost: look at everything
                } else if (dir != null && event.context() instanceof Path name) {
                    final Path changed = dir.resolve(name);
                    for (Path p : paths) {
                        if (p.toAbsolutePath().equals(changed)) {
                            schedule(p);
                        }
                    }
                }
            }
            key.reset();
        }
    }

    /** Debounce: each event pushes the read back, so a burst of writes gives one snapshot. */
    private void schedule(final Path path) {
        pending.compute(path, (p, previous) -> {
            if (previous != null) {
                previous.cancel(false);
            }
            return worker.isShutdown() ? null : worker.after(debounce, () -> check(p));
        });
    }

    /** Reads one file and publishes a snapshot if its content changed. Never throws. */
    void check(final Path path) {
        try {
            metrics.increment("restoreguard_hosts_checks_total");
            final byte[] content = read(path);
            final String sha = HostsSnapshotter.sha256(content);
            if (snapshotter.lastSha256(observer, path.toString()).map(sha::equals).orElse(false)) {
                return;
            }
            final Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            final String writer = audit == null ? null : audit.writer(lastCheck.get(path), now).orElse(null);
            lastCheck.put(path, now);
            final Optional<HostsSnapshot> next = snapshotter.next(observer, path.toString(), content, writer);
            if (next.isEmpty()) {
                return;
            }
            final HostsSnapshot snapshot = fitForKafka(next.get());
            reportSkips(path, snapshot);
            final Envelope envelope = Envelope.of(KIND, now, observer, snapshot);
            if (sink.publish(Topics.HOSTS, observer, envelope)) {
                saveState(path, content);
                published.put(path, content);
                metrics.increment("restoreguard_hosts_snapshots_total");
                LOGGER.atInfo().addKeyValue("path", path).addKeyValue("baseline", snapshot.baseline())
                        .addKeyValue("sha256", sha).addKeyValue("entries", snapshot.entries().size())
                        .addKeyValue("added", snapshot.diff() == null ? 0 : snapshot.diff().added().size())
                        .addKeyValue("removed", snapshot.diff() == null ? 0 : snapshot.diff().removed().size())
                        .addKeyValue("changed", snapshot.diff() == null ? 0 : snapshot.diff().changed().size())
                        .addKeyValue("writer", snapshot.writer()).addKeyValue("event_id", envelope.eventId())
                        .log("Hosts-file snapshot published");
            } else {
                // Not published: go back to what was, so the next check reports this change again.
                final byte[] before = published.get(path);
                if (before == null) {
                    snapshotter.forget(observer, path.toString());
                } else {
                    snapshotter.remember(observer, path.toString(), before);
                }
            }
        } catch (IOException | RuntimeException e) {
            metrics.increment(Metrics.ERRORS);
            LOGGER.atError().setCause(e).addKeyValue("path", path).log("Hosts-file check failed; will retry");
        }
    }

    private byte[] read(final Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            final byte[] content = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, maxReadBytes));
            if (in.read() >= 0) {
                metrics.skipped("hosts-file-over-read-cap");
                LOGGER.atWarn().addKeyValue("path", path).addKeyValue("read_cap_bytes", maxReadBytes)
                        .log("Hosts file larger than the read cap; only its beginning is read");
            }
            return content;
        } catch (NoSuchFileException e) {
            // The resolver treats a missing hosts file as an empty one, and so does the snapshot.
            metrics.skipped("hosts-file-missing");
            LOGGER.atWarn().addKeyValue("path", path).log("Hosts file missing; treated as empty");
            return new byte[0];
        }
    }

    private void reportSkips(final Path path, final HostsSnapshot snapshot) {
        if (!snapshot.ignored().isEmpty()) {
            for (int i = 0; i < snapshot.ignored().size(); i++) {
                metrics.skipped("hosts-line-ignored");
            }
            LOGGER.atWarn().addKeyValue("path", path).addKeyValue("ignored_lines", snapshot.ignored().size())
                    .addKeyValue("first_reason", snapshot.ignored().get(0).reason())
                    .log("Hosts file has lines a resolver ignores; kept in the snapshot as ignored");
        }
        if (snapshot.truncated()) {
            metrics.skipped("hosts-file-truncated");
            LOGGER.atWarn().addKeyValue("path", path).addKeyValue("size", snapshot.sizeBytes())
                    .log("Hosts file over the parser's size cap; the rest is not parsed");
        }
    }

    /** Sheds the forensic text, then most ignored-line excerpts, when a snapshot is too big for Kafka. */
    static HostsSnapshot fitForKafka(final HostsSnapshot s) {
        HostsSnapshot out = s;
        if (size(out) > KAFKA_FRIENDLY_BYTES && out.content() != null) {
            out = new HostsSnapshot(s.path(), null, s.entries(), s.ignored(), s.sha256(), s.sizeBytes(), s.truncated(),
                    s.baseline(), s.diff(), s.writer());
        }
        if (size(out) > KAFKA_FRIENDLY_BYTES && out.ignored().size() > MAX_IGNORED_KEPT) {
            final List<HostsSnapshot.Ignored> kept = new java.util.ArrayList<>(out.ignored().subList(0, MAX_IGNORED_KEPT - 1));
            kept.add(new HostsSnapshot.Ignored(0, (out.ignored().size() - kept.size()) + " more ignored lines not listed", ""));
            out = new HostsSnapshot(s.path(), null, s.entries(), kept, s.sha256(), s.sizeBytes(), s.truncated(),
                    s.baseline(), s.diff(), s.writer());
        }
        return out;
    }

    /**
     * Approximate JSON size, without serializing: a 100k-entry snapshot takes seconds to serialize,
     * and this runs on every change.
     */
    static long size(final HostsSnapshot s) {
        long n = 300 + (s.content() == null ? 0 : s.content().length() * 11L / 10);
        for (HostsSnapshot.Entry e : s.entries()) {
            n += 40 + e.address().length();
            for (String name : e.names()) {
                n += name.length() + 3;
            }
        }
        for (HostsSnapshot.Ignored i : s.ignored()) {
            n += 40 + (i.reason() == null ? 0 : i.reason().length()) + (i.excerpt() == null ? 0 : i.excerpt().length() * 2L);
        }
        if (s.diff() != null) {
            n += 100L * (s.diff().added().size() + s.diff().removed().size() + s.diff().changed().size());
        }
        return n;
    }

    private Path stateFile(final Path path) {
        return stateDir.resolve(HostsSnapshotter.sha256((observer + '\n' + path.toAbsolutePath())
                .getBytes(StandardCharsets.UTF_8)).substring(0, 32) + ".last");
    }

    private Optional<byte[]> loadState(final Path path) throws IOException {
        final Path file = stateFile(path);
        return Files.exists(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
    }

    private void saveState(final Path path, final byte[] content) throws IOException {
        StateFiles.writeAtomically(stateFile(path), content);
    }

    @Override
    public boolean ready() {
        return ready;
    }

    /** Runs a check of every file now, waiting for it (tests, and the CLI's one-shot use). */
    public void checkNow() throws Exception {
        worker.runNow(() -> paths.forEach(this::check));
    }

    @Override
    public void close() {
        ready = false;
        try {
            if (watcher != null) {
                watcher.close();
            }
        } catch (IOException e) {
            LOGGER.atDebug().setCause(e).log("Watch service close failed");
        }
        if (worker != null) {
            worker.close();
        }
    }

    /** Last content published per file (tests). */
    Map<Path, byte[]> published() {
        return new LinkedHashMap<>(published);
    }
}
