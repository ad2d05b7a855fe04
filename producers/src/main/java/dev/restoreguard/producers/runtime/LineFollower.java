package dev.restoreguard.producers.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreguard.events.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one growing text file line by line, like {@code tail -F}, from a position kept in a state
 * file, so a restarted collector neither re-reads nor skips lines.
 *
 * <ul>
 *   <li><b>Rotation by rename</b> (logrotate {@code create}): the file stays open between polls, so
 *       when the path names a new file (another inode) the rest of the old one is read to its end
 *       first, then the new file from its start.</li>
 *   <li><b>Truncation</b> ({@code copytruncate}): a file shorter than the position is read again
 *       from its start.</li>
 *   <li>A partial last line (no newline yet) waits for the next poll; a line over {@code maxLine}
 *       bytes is skipped and counted under {@code <kind>-line-too-long}.</li>
 *   <li>When the handler refuses a line (the spool is full), the position stays before it and the
 *       next poll offers it again.</li>
 * </ul>
 *
 * Along with the position the state file keeps a small context string of the caller's (the
 * pgBackRest collector keeps the open restore session there), written atomically with it.
 * Not thread-safe: call it from the collector's {@link Worker}.
 */
public final class LineFollower implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(LineFollower.class);

    /** Receives each complete line (without its line end). */
    @FunctionalInterface
    public interface LineHandler {
        /** @return false when the line could not be taken (spool full): it is offered again later */
        boolean accept(String line);
    }

    private final Path file;
    private final Path stateFile;
    private final int maxLine;
    private final Metrics metrics;
    private final String kind;
    private FileChannel channel;
    private String fileKey;
    private long offset;
    private String context;
    private boolean stateLoaded;

    /**
     * @param file      the file to follow
     * @param stateDir  where the position is kept (created when missing)
     * @param maxLine   longest line taken, in bytes
     * @param kind      collector kind, for the skip reason and logs
     */
    public LineFollower(final Path file, final Path stateDir, final int maxLine, final Metrics metrics, final String kind) {
        this.file = file;
        final String name = file.toAbsolutePath().toString().replaceAll("[^A-Za-z0-9._-]", "_");
        this.stateFile = stateDir.resolve((name.length() > 150 ? name.substring(name.length() - 150) : name) + ".offset.json");
        this.maxLine = maxLine;
        this.metrics = metrics;
        this.kind = kind;
    }

    /** The caller's context as last saved (null when none). */
    public String context() throws IOException {
        loadState();
        return context;
    }

    /** Sets the caller's context; saved with the next position (or by {@link #poll} at the latest). */
    public void context(final String value) {
        this.context = value;
    }

    /** Byte position of the next line to read in the current file. */
    public long offset() {
        return offset;
    }

    /** Reads every complete line appended since the last poll and hands it to {@code handler}. */
    public void poll(final LineHandler handler) throws IOException {
        loadState();
        final String savedKey = fileKey;
        final long savedOffset = offset;
        final String savedContext = context;
        try {
            if (channel != null) {
                final String current = keyOf(file);
                if (!fileKey.equals(current)) {
                    // rotated away (or deleted): finish the old file through the open channel first
                    if (!readLines(handler)) {
                        return;
                    }
                    LOGGER.atInfo().addKeyValue("file", file).addKeyValue("kind", kind).log("File rotated; following the new one");
                    channel.close();
                    channel = null;
                    offset = 0;
                    fileKey = "";
                }
            }
            if (channel == null) {
                if (!Files.exists(file)) {
                    return;
                }
                channel = FileChannel.open(file, StandardOpenOption.READ);
                final String current = keyOf(file);
                if (!current.equals(fileKey)) {
                    if (fileKey != null && !fileKey.isEmpty()) {
                        LOGGER.atInfo().addKeyValue("file", file).addKeyValue("kind", kind)
                                .log("File replaced while not followed; reading it from the start");
                    }
                    offset = 0;
                    fileKey = current;
                }
            }
            if (channel.size() < offset) {
                LOGGER.atInfo().addKeyValue("file", file).addKeyValue("kind", kind).log("File truncated; reading it from the start");
                offset = 0;
            }
            readLines(handler);
        } finally {
            if (offset != savedOffset || !java.util.Objects.equals(fileKey, savedKey)
                    || !java.util.Objects.equals(context, savedContext)) {
                saveState();
            }
        }
    }

    /** Reads lines from {@link #offset} to the end; false when the handler refused one. */
    private boolean readLines(final LineHandler handler) throws IOException {
        channel.position(offset);
        final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean tooLong = false;
        long pos = offset;
        while (channel.read(buffer.clear()) > 0) {
            buffer.flip();
            while (buffer.hasRemaining()) {
                final byte b = buffer.get();
                pos++;
                if (b == '\n') {
                    if (tooLong) {
                        metrics.skipped(kind + "-line-too-long");
                        LOGGER.atWarn().addKeyValue("file", file).addKeyValue("offset", offset).log("Over-long line skipped");
                    } else {
                        final int len = line.size();
                        final byte[] bytes = line.toByteArray();
                        final int end = len > 0 && bytes[len - 1] == '\r' ? len - 1 : len;
                        if (!handler.accept(new String(bytes, 0, end, StandardCharsets.UTF_8))) {
                            return false;
                        }
                    }
                    line.reset();
                    tooLong = false;
                    offset = pos;
                } else if (!tooLong) {
                    if (line.size() >= maxLine) {
                        tooLong = true;
                        line.reset();
                    } else {
                        line.write(b);
                    }
                }
            }
        }
        return true;
    }

    private static String keyOf(final Path file) throws IOException {
        try {
            final Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
            return key == null ? "?" : key.toString();
        } catch (NoSuchFileException e) {
            return "";
        }
    }

    private void loadState() throws IOException {
        if (stateLoaded) {
            return;
        }
        stateLoaded = true;
        if (!Files.exists(stateFile)) {
            return;
        }
        final JsonNode state = Json.MAPPER.readTree(stateFile.toFile());
        offset = state.path("offset").asLong(0);
        fileKey = state.path("file_key").asText("");
        context = state.hasNonNull("context") ? state.get("context").asText() : null;
    }

    private void saveState() throws IOException {
        Files.createDirectories(stateFile.getParent());
        final Map<String, Object> state = new LinkedHashMap<>();
        state.put("file", file.toString());
        state.put("file_key", fileKey == null ? "" : fileKey);
        state.put("offset", offset);
        state.put("context", context);
        StateFiles.writeAtomically(stateFile, Json.MAPPER.writeValueAsBytes(state));
    }

    @Override
    public void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOGGER.atDebug().addKeyValue("file", file).log("close failed");
            }
            channel = null;
        }
    }
}
