package dev.restoreguard.producers.hosts;

import dev.restoreguard.events.hosts.HostsSnapshot;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns successive contents of observers' hosts files into {@link HostsSnapshot} payloads: the
 * first content of a file is its baseline (evaluated too), each later one carries the diff
 * against the previous, and identical content yields nothing. The live collector and scenario
 * replay share this, so a replayed snapshot is exactly what the collector would have published.
 */
public final class HostsSnapshotter {

    /** Full text is attached to a snapshot up to this size, for the forensic diff. */
    public static final int MAX_CONTENT_CHARS = 1024 * 1024;

    private final HostsFileParser parser;
    private final Map<String, Previous> previous = new HashMap<>();

    private record Previous(String sha256, ParsedHostsFile parsed) {
    }

    public HostsSnapshotter(final HostsFileParser parser) {
        this.parser = parser;
    }

    /**
     * The snapshot for a new content of {@code path} on {@code observer}, or empty when the
     * content did not change since the last call for the same file.
     *
     * @param writer who wrote the file (from the audit log), or null for {@code unknown}
     */
    public Optional<HostsSnapshot> next(final String observer, final String path, final byte[] content,
                                        final String writer) {
        final String sha = sha256(content);
        final String fileKey = observer + '\n' + path;
        final Previous before = previous.get(fileKey);
        if (before != null && before.sha256().equals(sha)) {
            return Optional.empty();
        }
        final ParsedHostsFile parsed = parser.parse(content);
        previous.put(fileKey, new Previous(sha, parsed));
        HostsSnapshot.Diff diff = null;
        if (before != null) {
            final HostsDiff d = HostsFileParser.diff(before.parsed(), parsed, observer);
            diff = new HostsSnapshot.Diff(changes(d.added()), changes(d.removed()), changes(d.changed()), before.sha256());
        }
        final String text = new String(content, StandardCharsets.UTF_8);
        return Optional.of(new HostsSnapshot(path, text.length() <= MAX_CONTENT_CHARS ? text : null,
                parsed.entries().stream().map(e -> new HostsSnapshot.Entry(e.line(), e.address(), e.names())).toList(),
                parsed.ignored().stream().map(i -> new HostsSnapshot.Ignored(i.line(), i.reason(), i.excerpt())).toList(),
                sha, content.length, parsed.truncated(), before == null, diff, writer == null ? "unknown" : writer));
    }

    /**
     * Takes {@code content} as the last published content of the file without publishing anything:
     * a restarted collector seeds it from its state, so an unchanged file does not re-alert its
     * baseline and a file changed while the collector was down is diffed against what was last
     * published. Also undoes a {@link #next} whose snapshot could not be published.
     */
    public void remember(final String observer, final String path, final byte[] content) {
        previous.put(observer + '\n' + path, new Previous(sha256(content), parser.parse(content)));
    }

    /** Forgets the file: its next content is a baseline again. */
    public void forget(final String observer, final String path) {
        previous.remove(observer + '\n' + path);
    }

    /** The sha256 of the content last taken for the file, if any. */
    public Optional<String> lastSha256(final String observer, final String path) {
        return Optional.ofNullable(previous.get(observer + '\n' + path)).map(Previous::sha256);
    }

    private static List<HostsSnapshot.Change> changes(final List<HostsDiff.Change> changes) {
        return changes.stream().map(c -> new HostsSnapshot.Change(c.name(), c.beforeAddress(), c.afterAddress(),
                c.beforeLine() > 0 ? c.beforeLine() : null, c.afterLine() > 0 ? c.afterLine() : null)).toList();
    }

    /** Hex SHA-256 of raw bytes. */
    public static String sha256(final byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
