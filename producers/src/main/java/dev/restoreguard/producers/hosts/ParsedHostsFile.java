package dev.restoreguard.producers.hosts;

import java.util.List;

/**
 * The result of parsing one hosts-file snapshot.
 *
 * @param entries the valid entries in file order (a name may appear in several; the first wins)
 * @param ignored lines skipped in whole (junk, address without names, too long, cut by truncation)
 *     or in part (invalid names on an otherwise valid line; the line is then also an entry), in
 *     line order
 * @param lineCount lines read, including blank and comment-only lines (which are neither entries
 *     nor ignored); lines beyond the size cap are not counted
 * @param truncated whether the file exceeded the size cap and its rest was not read
 */
public record ParsedHostsFile(List<HostsEntry> entries, List<IgnoredLine> ignored, int lineCount, boolean truncated) {

    /** A file with no lines. */
    public static final ParsedHostsFile EMPTY = new ParsedHostsFile(List.of(), List.of(), 0, false);

    /** Copies the lists so the result is immutable. */
    public ParsedHostsFile {
        entries = List.copyOf(entries);
        ignored = List.copyOf(ignored);
    }
}
