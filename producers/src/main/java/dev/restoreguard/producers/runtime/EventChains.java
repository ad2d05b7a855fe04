package dev.restoreguard.producers.runtime;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.restoreguard.events.Chain;
import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Places a collector's events in tamper-evident chains ({@link Chain}): one chain per topic and
 * record key (what Kafka keeps in order), named {@code <owner>|<topic>|<key>}, where the owner is
 * the collector instance ({@code hosts-file@vbr01.corp.example}). The last sequence number and
 * digest of each chain are kept in a state file beside the spool, written <em>before</em> the
 * event goes into the spool: a crash in between costs a sequence number, which the engine reports
 * as a gap (an event really was lost), never a reused number that would look like a rewrite. A
 * re-send from the spool sends the chained bytes again, identical, which the engine ignores.
 */
public final class EventChains {

    private static final Logger LOGGER = LoggerFactory.getLogger(EventChains.class);

    /** Where a chain stands: the last sequence number and that event's digest. */
    record Link(long seq, String digest) {
    }

    private final Path file;
    private final String owner;
    private final Map<String, Link> links;

    /**
     * Chains of {@code owner}, resuming from {@code file} if it exists.
     *
     * @throws UncheckedIOException if the state file exists but cannot be read
     */
    public EventChains(final Path file, final String owner) {
        this.file = Objects.requireNonNull(file, "file");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.links = new HashMap<>(read(file));
    }

    private static Map<String, Link> read(final Path file) {
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        try {
            return Json.MAPPER.readValue(file.toFile(), new TypeReference<Map<String, Link>>() { });
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read the event chain state " + file
                    + " (delete it to start new chains; the engine then reports each chain as restarted)", e);
        }
    }

    /** {@code envelope} as the next event of its chain; the chain state is saved first. */
    public synchronized Envelope place(final String topic, final String key, final Envelope envelope) {
        final String id = owner + "|" + topic + "|" + key;
        final Link last = links.get(id);
        final Envelope chained = envelope.withChain(last == null ? new Chain(id, 1, null)
                : new Chain(id, last.seq() + 1, last.digest()));
        links.put(id, new Link(chained.chain().seq(), Chain.digest(chained)));
        try {
            StateFiles.writeAtomically(file, Json.MAPPER.writeValueAsBytes(links));
        } catch (final IOException e) {
            // Without its state the chain would restart after a restart: say so, keep collecting.
            LOGGER.atError().setCause(e).addKeyValue("file", file).log("Cannot save the event chain state");
        }
        return chained;
    }
}
