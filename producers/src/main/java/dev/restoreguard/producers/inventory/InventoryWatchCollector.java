package dev.restoreguard.producers.inventory;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.inventory.InventorySnapshot;
import dev.restoreguard.producers.hosts.HostsSnapshotter;
import dev.restoreguard.producers.runtime.Collector;
import dev.restoreguard.producers.runtime.EventSink;
import dev.restoreguard.producers.runtime.Metrics;
import dev.restoreguard.producers.runtime.StateFiles;
import dev.restoreguard.producers.runtime.Worker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the YAML inventory file and publishes it again whenever its content changes, through
 * the same {@link InventoryLoader} as {@code restoreguard inventory load}.
 *
 * <p>Topic written: {@code restoreguard.inventory} (compacted), key {@code inventory}, value an
 * {@link Envelope} of kind {@code inventory} (source {@code inventory-file}); event time = the
 * file's last-modified time, so the engine applies the new inventory from the moment it was saved
 * and the same content saved once yields the same event id.
 *
 * <p>The file is read every poll interval and compared by SHA-256 (inventories are small; a
 * modification time can miss two saves within its granularity). An invalid inventory is <b>never published</b>: the last good one stays in force, the
 * problems are logged once per content with their lines and counted on
 * {@code restoreguard_inventory_invalid_total}, and the gauge {@code restoreguard_inventory_valid}
 * drops to 0 until a valid file is saved. The SHA-256 of the last published content is kept in
 * {@code <state_dir>/inventory-watch/}, so a restart does not publish an unchanged file again.
 */
public final class InventoryWatchCollector implements Collector {

    private static final Logger LOGGER = LoggerFactory.getLogger(InventoryWatchCollector.class);
    /** The collector kind. */
    public static final String KIND = "inventory-watch";

    private final Path file;
    private final Duration poll;
    private final Path stateFile;
    private final Map<String, String> env;
    private final Metrics metrics;
    private Worker worker;
    private EventSink sink;
    private volatile boolean ready;
    private volatile boolean valid = true;
    private String published;
    private String lastSeen;
    private boolean missing;
    private volatile InventorySnapshot current;

    /**
     * @param file     the inventory YAML
     * @param poll     check interval
     * @param stateDir collector state folder
     * @param env      variables for {@code ${VAR}} in the file
     */
    public InventoryWatchCollector(final Path file, final Duration poll, final Path stateDir, final Map<String, String> env,
                                   final Metrics metrics) {
        this.file = file;
        this.poll = poll;
        this.stateFile = stateDir.resolve(KIND).resolve("published.sha256");
        this.env = Map.copyOf(env);
        this.metrics = metrics;
        metrics.counter("restoreguard_inventory_published_total", "Inventory snapshots published");
        metrics.counter("restoreguard_inventory_invalid_total", "Inventory versions refused as invalid");
        metrics.gauge("restoreguard_inventory_valid", "1 when the file on disk is the valid inventory in force", () -> valid ? 1 : 0);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void start(final EventSink eventSink) throws Exception {
        this.sink = eventSink;
        Files.createDirectories(stateFile.getParent());
        if (Files.exists(stateFile)) {
            published = Files.readString(stateFile).strip();
        }
        worker = new Worker(KIND);
        worker.runNow(this::check);
        worker.every(poll, this::check);
        ready = true;
        LOGGER.atInfo().addKeyValue("file", file).addKeyValue("poll_ms", poll.toMillis()).log("Inventory watcher running");
    }

    /** Checks the file now and waits (tests). */
    public void checkNow() throws Exception {
        worker.runNow(this::check);
    }

    /** The last valid inventory read (published or already in force), or null. */
    public InventorySnapshot current() {
        return current;
    }

    /** Whether the file as last read was valid. */
    public boolean valid() {
        return valid;
    }

    private void check() {
        try {
            final long modified;
            final byte[] content;
            try {
                modified = Files.getLastModifiedTime(file).toMillis();
                content = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                if (!missing) {
                    LOGGER.atWarn().addKeyValue("file", file).log("Inventory file missing; the last published inventory stays in force");
                    missing = true;
                }
                return;
            }
            missing = false;
            final String sha = HostsSnapshotter.sha256(content);
            if (sha.equals(lastSeen)) {
                return;
            }
            lastSeen = sha;
            final InventorySnapshot snapshot;
            try {
                snapshot = InventoryLoader.parse(new String(content, StandardCharsets.UTF_8), file.toString(), env);
            } catch (IllegalArgumentException e) {
                valid = false;
                metrics.increment("restoreguard_inventory_invalid_total");
                LOGGER.atError().addKeyValue("file", file).addKeyValue("problems", e.getMessage())
                        .log("Inventory invalid; not published, the last valid inventory stays in force");
                return;
            }
            valid = true;
            current = snapshot;
            if (sha.equals(published)) {
                return;
            }
            final Envelope e = InventoryLoader.envelope(snapshot, Instant.ofEpochMilli(modified));
            if (!sink.publish(Topics.INVENTORY, InventoryLoader.KEY, e)) {
                lastSeen = null; // refused: try again at the next poll
                return;
            }
            published = sha;
            StateFiles.writeAtomically(stateFile, sha.getBytes(StandardCharsets.UTF_8));
            metrics.increment("restoreguard_inventory_published_total");
            LOGGER.atInfo().addKeyValue("file", file).addKeyValue("assets", snapshot.assets().size())
                    .addKeyValue("networks", snapshot.networks().size()).addKeyValue("event_id", e.eventId())
                    .log("Inventory published");
        } catch (IOException | RuntimeException e) {
            metrics.increment(Metrics.ERRORS);
            LOGGER.atWarn().addKeyValue("file", file).addKeyValue("error", e.toString()).log("Cannot read the inventory; retrying");
        }
    }

    @Override
    public boolean ready() {
        return ready;
    }

    @Override
    public void close() {
        ready = false;
        if (worker != null) {
            worker.close();
        }
    }
}
