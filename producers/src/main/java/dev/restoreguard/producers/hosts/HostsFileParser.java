package dev.restoreguard.producers.hosts;

import dev.restoreguard.events.net.IpAddresses;
import dev.restoreguard.events.net.Names;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses the full text of a hosts file in any real-world form, the way resolvers read it, and
 * diffs two snapshots per normalized name.
 *
 * <p>What the parser accepts (glibc {@code nss_files} and the Windows resolver agree on this):
 *
 * <ul>
 *   <li>Line ends LF, CRLF or a lone CR, mixed freely; a UTF-8 byte-order mark at the start.
 *   <li>{@code #} starts a comment anywhere on a line, also inside a token ({@code a#b} is {@code
 *       a}).
 *   <li>Tokens are separated by runs of spaces, tabs, form feeds or vertical tabs.
 *   <li>An <b>entry</b> is a line whose first token is an IP literal followed by at least one valid
 *       host name. IPv4 must be a strict dotted quad without leading zeros (see {@link
 *       IpAddresses}); IPv6 may carry a zone id ({@code fe80::1%eth0}), which is dropped; brackets
 *       ({@code [::1]}) are not accepted, because resolvers do not accept them in hosts files.
 *   <li>A valid host name consists of ASCII letters, digits, hyphens, underscores and dots, has
 *       labels of 1–63 characters and at most 253 characters without its one optional trailing
 *       dot, and is not itself an IPv4 literal (a resolver never looks a literal up in the hosts
 *       file, so such a "name" can never take effect). Names are lower-cased, one trailing dot is
 *       stripped; otherwise they are kept as written (not qualified).
 * </ul>
 *
 * <p>What it reports instead of failing: a line whose first token is not an IP literal, an address
 * without names or with only invalid names, a line longer than the line cap, and the partial last
 * line when the size cap cuts the file all become an {@link IgnoredLine}. Invalid names on a line
 * that also has valid ones are skipped and noted in one {@link IgnoredLine} for that line (the line
 * is then also an entry). Blank and comment-only lines are neither. Invalid UTF-8 is decoded with
 * U+FFFD replacement characters. UTF-16 files are not decoded as such: their text comes out as
 * junk lines, so they show up as ignored lines rather than as entries nobody can be sure a resolver
 * honours. The parser never throws on any content.
 *
 * <p>Instances are immutable and thread-safe. {@link #firstEntries} and {@link #diff} apply the
 * contract's name normalization and the resolver's "first entry wins" rule.
 */
public final class HostsFileParser {

    /** Default size cap: far above any real hosts file, low enough to bound memory per snapshot. */
    public static final long DEFAULT_MAX_BYTES = 16L * 1024 * 1024;
    /** Default line cap: real lines are short; a longer one is junk or an attack on the parser. */
    public static final int DEFAULT_MAX_LINE_LENGTH = 4096;
    /** Characters of a line kept in {@link IgnoredLine#excerpt()}. */
    public static final int EXCERPT_LENGTH = 120;

    /** Characters of an offending token quoted in a reason. */
    private static final int TOKEN_QUOTE_LENGTH = 60;
    /** Invalid names listed per line before "and N more". */
    private static final int MAX_LISTED_NAMES = 5;
    private static final int MAX_LABEL = 63;
    private static final int MAX_NAME = 253;
    private static final char BOM = '\uFEFF';

    private final long maxBytes;
    private final int maxLineLength;

    /** A parser with {@link #DEFAULT_MAX_BYTES} and {@link #DEFAULT_MAX_LINE_LENGTH}. */
    public HostsFileParser() {
        this(DEFAULT_MAX_BYTES, DEFAULT_MAX_LINE_LENGTH);
    }

    /**
     * A parser with explicit caps.
     *
     * @param maxBytes UTF-8 bytes read at most; the rest of a larger file is ignored and the result
     *     marked {@code truncated}
     * @param maxLineLength characters per line at most (terminator excluded); a longer line is
     *     ignored as "line too long"
     * @throws IllegalArgumentException if a cap is not positive
     */
    public HostsFileParser(long maxBytes, int maxLineLength) {
        if (maxBytes < 1 || maxLineLength < 1) {
            throw new IllegalArgumentException(
                    "caps must be positive: maxBytes=" + maxBytes + ", maxLineLength=" + maxLineLength);
        }
        this.maxBytes = maxBytes;
        this.maxLineLength = maxLineLength;
    }

    /**
     * Parses a hosts file read as raw bytes (a live collector). Invalid UTF-8 becomes U+FFFD.
     *
     * @param content the file's bytes; {@code null} is treated as an empty file
     */
    public ParsedHostsFile parse(byte[] content) {
        if (content == null || content.length == 0) {
            return ParsedHostsFile.EMPTY;
        }
        final boolean truncated = content.length > maxBytes;
        final int n = truncated ? (int) maxBytes : content.length;
        // new String(..., UTF_8) replaces malformed input and never throws.
        final String text = new String(content, 0, n, StandardCharsets.UTF_8);
        final boolean cutMidLine = truncated && content[n - 1] != '\n' && content[n - 1] != '\r';
        return parseText(text, truncated, cutMidLine);
    }

    /**
     * Parses a hosts file given as text (a scenario's {@code content}, a snapshot event). The size
     * cap applies to the text's UTF-8 length.
     *
     * @param content the file's text; {@code null} is treated as an empty file
     */
    public ParsedHostsFile parse(String content) {
        if (content == null || content.isEmpty()) {
            return ParsedHostsFile.EMPTY;
        }
        final int cut = utf8Cut(content, maxBytes);
        if (cut == content.length()) {
            return parseText(content, false, false);
        }
        final char last = cut == 0 ? '\n' : content.charAt(cut - 1);
        return parseText(content.substring(0, cut), true, last != '\n' && last != '\r');
    }

    /**
     * The first valid entry of every name, keyed by the name normalized for {@code observer} ({@link
     * Names#normalize(String, String)}), in file order. This is what the observer's resolver uses:
     * the first entry for a name wins, later ones are dead. Two spellings that normalize alike
     * ({@code sql-dev-01} and {@code sql-dev-01.corp.example} on {@code vbr01.corp.example}) are one
     * name, as the contract compares them after normalization.
     *
     * @param parsed a parsed file
     * @param observer the observer FQDN whose suffix qualifies short names; {@code null} for none
     * @return an unmodifiable, insertion-ordered map
     */
    public static Map<String, HostsEntry> firstEntries(ParsedHostsFile parsed, String observer) {
        return Collections.unmodifiableMap(first(parsed, suffixOf(observer)));
    }

    private static String suffixOf(String observer) {
        return observer == null ? null : Names.domainSuffix(observer).orElse(null);
    }

    private static LinkedHashMap<String, HostsEntry> first(ParsedHostsFile parsed, String suffix) {
        if (parsed == null) {
            return new LinkedHashMap<>();
        }
        // Sized for about 1.5 names per entry up front: rehashing 100k keys costs more than the slack.
        final LinkedHashMap<String, HostsEntry> first = new LinkedHashMap<>(capacity(parsed.entries().size()));
        for (HostsEntry entry : parsed.entries()) {
            final List<String> names = entry.names();
            for (int k = 0; k < names.size(); k++) {
                first.putIfAbsent(Names.normalizeWithSuffix(names.get(k), suffix), entry);
            }
        }
        return first;
    }

    /**
     * What changed for the observer's resolver between two snapshots, per normalized name (see
     * {@link #firstEntries}).
     *
     * <p>Successive snapshots of one file mostly share a long common head and tail, so this does
     * not build two full maps: it trims the entries both files have in common at the start and
     * the end (same address and names, whatever their line numbers), collects the names of the
     * differing middle, and decides only those. A name whose first entry lies in the common head
     * is unchanged on both sides; any other name that changed must occur in the middle. That
     * keeps the diff of a 100k-line file to sequential comparisons plus lookups in a small set.
     * When the middle holds more than a quarter of the entries (edits spread over the whole
     * file), one table of all names of both sides is cheaper and is used instead. Both give the
     * same result, which is the definition: compare {@link #firstEntries} of both sides.
     *
     * @param before the previous snapshot, {@code null} for none (every name is then added: the
     *     baseline)
     * @param after the new snapshot, {@code null} for none (every name is then removed)
     * @param observer the observer FQDN; {@code null} for none
     */
    public static HostsDiff diff(ParsedHostsFile before, ParsedHostsFile after, String observer) {
        final List<HostsEntry> old = before == null ? List.of() : before.entries();
        final List<HostsEntry> now = after == null ? List.of() : after.entries();
        final int common = Math.min(old.size(), now.size());
        int head = 0;
        while (head < common && sameMapping(old.get(head), now.get(head))) {
            head++;
        }
        int tail = 0;
        while (tail < common - head
                && sameMapping(old.get(old.size() - 1 - tail), now.get(now.size() - 1 - tail))) {
            tail++;
        }
        final int oldMidEnd = old.size() - tail;
        final int nowMidEnd = now.size() - tail;
        if (head == oldMidEnd && head == nowMidEnd) {
            return new HostsDiff(List.of(), List.of(), List.of()); // same mappings, maybe moved lines
        }
        final String suffix = suffixOf(observer);
        if ((oldMidEnd - head + nowMidEnd - head) * 4L > old.size() + now.size()) {
            // Edits all over the file: candidates would be most names, so one map of everything is cheaper.
            return fullDiff(old, now, suffix);
        }
        // Candidates: every name of the differing middle of either file.
        final Set<String> candidates = new HashSet<>();
        addNames(old, head, oldMidEnd, suffix, candidates);
        addNames(now, head, nowMidEnd, suffix, candidates);
        // A candidate whose first entry is in the common head keeps that entry on both sides. The
        // head is most of the file: test its names against the candidates' spellings first instead
        // of normalizing (and, for short names, allocating) each one.
        final Spellings spellings = new Spellings(candidates, suffix);
        for (int i = 0; i < head && !candidates.isEmpty(); i++) {
            final List<String> names = old.get(i).names();
            for (int k = 0; k < names.size(); k++) {
                if (spellings.mayNormalizeToOne(names.get(k))) {
                    candidates.remove(Names.normalizeWithSuffix(names.get(k), suffix));
                }
            }
        }
        if (candidates.isEmpty()) {
            return new HostsDiff(List.of(), List.of(), List.of());
        }
        // First entry of each candidate on each side, in file order (the tail is shared).
        final Map<String, HostsEntry> was = winners(old, head, suffix, candidates, spellings);
        final Map<String, HostsEntry> is = winners(now, head, suffix, candidates, spellings);
        final List<HostsDiff.Change> added = new ArrayList<>();
        final List<HostsDiff.Change> removed = new ArrayList<>();
        final List<HostsDiff.Change> changed = new ArrayList<>();
        for (Map.Entry<String, HostsEntry> e : is.entrySet()) {
            final HostsEntry b = was.get(e.getKey());
            final HostsEntry a = e.getValue();
            if (b == null) {
                added.add(new HostsDiff.Change(e.getKey(), null, a.address(), 0, a.line()));
            } else if (!b.address().equals(a.address())) {
                changed.add(new HostsDiff.Change(e.getKey(), b.address(), a.address(), b.line(), a.line()));
            }
        }
        for (Map.Entry<String, HostsEntry> e : was.entrySet()) {
            if (!is.containsKey(e.getKey())) {
                final HostsEntry b = e.getValue();
                removed.add(new HostsDiff.Change(e.getKey(), b.address(), null, b.line(), 0));
            }
        }
        return new HostsDiff(added, removed, changed);
    }

    /**
     * The diff by definition: first entries of every name on both sides. One table holds both
     * sides, so a name present before and after costs one insert and one lookup, not two map builds.
     */
    private static HostsDiff fullDiff(List<HostsEntry> old, List<HostsEntry> now, String suffix) {
        final NameTable table = new NameTable(old.size() + old.size() / 2 + 16);
        for (HostsEntry entry : old) {
            final List<String> names = entry.names();
            for (int k = 0; k < names.size(); k++) {
                table.addBefore(Names.normalizeWithSuffix(names.get(k), suffix), entry);
            }
        }
        final int oldCount = table.size;
        final List<HostsDiff.Change> added = new ArrayList<>();
        final List<HostsDiff.Change> changed = new ArrayList<>();
        int kept = 0;
        for (HostsEntry entry : now) {
            final List<String> names = entry.names();
            for (int k = 0; k < names.size(); k++) {
                final String name = Names.normalizeWithSuffix(names.get(k), suffix);
                final int i = table.addAfter(name, entry);
                if (i < 0) {
                    continue; // a later entry of a name already seen in the new file: dead
                }
                if (i >= oldCount) {
                    added.add(new HostsDiff.Change(name, null, entry.address(), 0, entry.line()));
                    continue;
                }
                kept++;
                final HostsEntry was = table.before[i];
                if (!was.address().equals(entry.address())) {
                    changed.add(new HostsDiff.Change(name, was.address(), entry.address(), was.line(), entry.line()));
                }
            }
        }
        final List<HostsDiff.Change> removed = new ArrayList<>();
        if (kept < oldCount) {
            for (int i = 0; i < oldCount; i++) {
                if (table.after[i] == null) {
                    final HostsEntry was = table.before[i];
                    removed.add(new HostsDiff.Change(table.names[i], was.address(), null, was.line(), 0));
                }
            }
        }
        return new HostsDiff(added, removed, changed);
    }

    /**
     * Names with their first entry before and after, in insertion order (old names first, in old
     * file order). An open-addressing index of {@code hash << 32 | position} over dense arrays:
     * no node or holder object per name, and a probe compares the hash without touching the key,
     * which matters when 100k names outgrow the CPU caches.
     */
    private static final class NameTable {
        String[] names;
        HostsEntry[] before;
        HostsEntry[] after;
        int size;
        private long[] index;
        private int mask;

        NameTable(int expected) {
            names = new String[expected];
            before = new HostsEntry[expected];
            after = new HostsEntry[expected];
            final int capacity = Integer.highestOneBit(Math.max(16, expected) * 2 - 1) << 1;
            index = new long[capacity];
            mask = capacity - 1;
        }

        /** Records the old file's entry for {@code name} unless it already has one (first wins). */
        void addBefore(String name, HostsEntry entry) {
            final int hash = name.hashCode();
            final int slot = find(name, hash);
            if (index[slot] == 0) {
                insert(slot, hash, name, entry, null);
            }
        }

        /**
         * Records the new file's entry for {@code name}: returns its position when this is the
         * name's first entry in the new file, or -1 when the name had one already.
         */
        int addAfter(String name, HostsEntry entry) {
            final int hash = name.hashCode();
            final int slot = find(name, hash);
            if (index[slot] == 0) {
                return insert(slot, hash, name, null, entry);
            }
            final int i = (int) index[slot] - 1;
            if (after[i] != null) {
                return -1;
            }
            after[i] = entry;
            return i;
        }

        /** The slot holding {@code name}, or the empty slot where it belongs. */
        private int find(String name, int hash) {
            int slot = mix(hash) & mask;
            while (true) {
                final long v = index[slot];
                if (v == 0 || ((int) (v >>> 32) == hash && names[(int) v - 1].equals(name))) {
                    return slot;
                }
                slot = (slot + 1) & mask;
            }
        }

        private int insert(int slot, int hash, String name, HostsEntry was, HostsEntry is) {
            if (size == names.length) {
                final int grown = size * 2;
                names = Arrays.copyOf(names, grown);
                before = Arrays.copyOf(before, grown);
                after = Arrays.copyOf(after, grown);
            }
            final int i = size++;
            names[i] = name;
            before[i] = was;
            after[i] = is;
            index[slot] = ((long) hash << 32) | (i + 1L);
            if (size * 2 > index.length) {
                rehash();
            }
            return i;
        }

        private void rehash() {
            final long[] grown = new long[index.length * 2];
            final int grownMask = grown.length - 1;
            for (long v : index) {
                if (v != 0) {
                    int slot = mix((int) (v >>> 32)) & grownMask;
                    while (grown[slot] != 0) {
                        slot = (slot + 1) & grownMask;
                    }
                    grown[slot] = v;
                }
            }
            index = grown;
            mask = grownMask;
        }

        private static int mix(int hash) {
            // String hashes of similar names differ in low bits only a little; spread them.
            final int h = hash * 0x9E3779B9;
            return h ^ (h >>> 16);
        }
    }

    private static boolean sameMapping(HostsEntry x, HostsEntry y) {
        return x.address().equals(y.address()) && x.names().equals(y.names());
    }

    private static void addNames(List<HostsEntry> entries, int from, int to, String suffix, Set<String> into) {
        for (int i = from; i < to; i++) {
            final List<String> names = entries.get(i).names();
            for (int k = 0; k < names.size(); k++) {
                into.add(Names.normalizeWithSuffix(names.get(k), suffix));
            }
        }
    }

    /** The first entry of each candidate from index {@code from} on, in file order. */
    private static Map<String, HostsEntry> winners(List<HostsEntry> entries, int from, String suffix,
            Set<String> candidates, Spellings spellings) {
        final Map<String, HostsEntry> first = new LinkedHashMap<>();
        for (int i = from; i < entries.size() && first.size() < candidates.size(); i++) {
            final HostsEntry entry = entries.get(i);
            final List<String> names = entry.names();
            for (int k = 0; k < names.size(); k++) {
                if (!spellings.mayNormalizeToOne(names.get(k))) {
                    continue;
                }
                final String name = Names.normalizeWithSuffix(names.get(k), suffix);
                if (candidates.contains(name)) {
                    first.putIfAbsent(name, entry);
                }
            }
        }
        return first;
    }

    /**
     * A cheap, allocation-free test whether a name as the parser keeps it may normalize ({@link
     * Names#normalizeWithSuffix}) to one of a set of normalized names; {@code false} only when it
     * certainly does not. A name of lower-case letters, digits, hyphens, underscores and dots that
     * is not made of digits and dots alone (which might be an IP literal) and does not end in a
     * dot normalizes to itself when it has a dot or there is no suffix, else to itself plus {@code
     * "." + suffix}; any other name is left to the full normalization.
     */
    private static final class Spellings {
        private final Set<String> normalized;
        private final Set<String> shortForms = new HashSet<>();

        Spellings(Set<String> normalized, String suffix) {
            this.normalized = normalized;
            if (suffix != null && !suffix.isEmpty()) {
                final String tail = "." + suffix;
                for (String name : normalized) {
                    if (name.endsWith(tail)) {
                        shortForms.add(name.substring(0, name.length() - tail.length()));
                    }
                }
            }
        }

        boolean mayNormalizeToOne(String name) {
            final int length = name.length();
            if (length == 0 || name.charAt(length - 1) == '.') {
                return true;
            }
            int seen = 0;
            for (int i = 0; i < length; i++) {
                final char c = name.charAt(i);
                seen |= c < 128 ? CHAR_CLASS[c] : OTHER;
            }
            if ((seen & (UPPER | SPACE | OTHER)) != 0) {
                return true; // upper case, space, colon...: not the parser's form, normalize it
            }
            if ((seen & LOWER) == 0) {
                return true; // digits and dots only: might be an IP literal
            }
            return normalized.contains(name) || (seen & DOT) == 0 && shortForms.contains(name);
        }
    }

    /** Buffers reused for every line of one parse, so a line costs no allocation beyond its result. */
    private static final class Scratch {
        final List<String> names = new ArrayList<>();
        final List<String> invalid = new ArrayList<>();
        /** Address of the last entry, shared by following lines that spell it the same way. */
        String lastAddress;
        /** End of the token last read by {@link #scanName}. */
        int tokenEnd;
        /** Whether the token last read by {@link #scanAddress} is a strict dotted quad. */
        boolean dottedQuad;
    }

    // -----------------------------------------------------------------------------------------

    private ParsedHostsFile parseText(String text, boolean truncated, boolean cutMidLine) {
        final int len = text.length();
        // Presized from a guess of ~40 characters per line: growing a 100k list copies it ~20 times.
        final List<HostsEntry> entries = new ArrayList<>(Math.min(len / 40 + 16, 1 << 20));
        final List<IgnoredLine> ignored = new ArrayList<>();
        int i = !text.isEmpty() && text.charAt(0) == BOM ? 1 : 0;
        int lineNo = 0;
        final Scratch scratch = new Scratch();
        // Next LF and next CR at or after i (len when none), each searched with the vectorized
        // String.indexOf and only re-searched once passed, so the scan stays linear for LF, CRLF
        // and CR-only files alike (re-searching LF per line in a CR-only file would be quadratic).
        int lf = -1;
        int cr = -1;
        while (i < len) {
            final int start = i;
            if (lf < start) {
                lf = indexOrLength(text, '\n', start);
            }
            if (cr < start) {
                cr = indexOrLength(text, '\r', start);
            }
            final int end = Math.min(lf, cr);
            int next = end + 1;
            if (end == cr && next == lf) {
                next++; // CRLF is one line end
            }
            lineNo++;
            if (end == len && cutMidLine) {
                ignored.add(new IgnoredLine(lineNo, "file larger than " + maxBytes
                        + " bytes: rest not read, partial last line ignored", excerpt(text, start, end)));
            } else {
                try {
                    parseLine(text, start, end, lineNo, entries, ignored, scratch);
                } catch (RuntimeException e) {
                    // Defensive only: a parser bug must cost one line, never the snapshot (and never
                    // the stream thread that calls us).
                    ignored.add(new IgnoredLine(lineNo, "unparseable line (" + e.getClass().getSimpleName() + ")",
                            excerpt(text, start, end)));
                }
            }
            i = next;
        }
        return new ParsedHostsFile(entries, ignored, lineNo, truncated);
    }

    private void parseLine(String text, int start, int end, int lineNo, List<HostsEntry> entries,
            List<IgnoredLine> ignored, Scratch scratch) {
        final List<String> names = scratch.names;
        final List<String> invalid = scratch.invalid;
        if (end - start > maxLineLength) {
            // Checked before tokenizing: a 100 kB junk line must not cost 100 kB of work per token.
            ignored.add(new IgnoredLine(lineNo, "line too long (" + (end - start) + " characters, limit "
                    + maxLineLength + ")", excerpt(text, start, end)));
            return;
        }
        // '#' starts a comment anywhere, as in glibc and Windows.
        final int hash = text.indexOf('#', start, end);
        final int contentEnd = hash < 0 ? end : hash;
        int a = skipSpace(text, start, contentEnd);
        if (a == contentEnd) {
            return; // blank or comment-only
        }
        int b = scanAddress(text, a, contentEnd, scratch);
        final String last = scratch.lastAddress;
        // Canonical text is its own canonical form, so a token spelled like the previous line's
        // address is that address: blocklists repeat 0.0.0.0 on every line, and sharing the string
        // saves a parse and an allocation per line. A strict dotted quad (IpAddresses' only IPv4
        // spelling) is canonical as written; anything else goes through the full parse.
        final String address = last != null && b - a == last.length() && text.startsWith(last, a)
                ? last
                : scratch.dottedQuad ? text.substring(a, b) : IpAddresses.canonicalOrNull(text, a, b, false);
        if (address == null) {
            ignored.add(new IgnoredLine(lineNo, "not an IP address: " + quote(text, a, b), excerpt(text, start, end)));
            return;
        }
        // The first two names stay in locals: nearly every line has one or two, and List.of of
        // them is the compact immutable list HostsEntry keeps, with no array or copy on the way.
        String first = null;
        String second = null;
        names.clear();
        invalid.clear();
        int count = 0;
        int invalidCount = 0;
        a = skipSpace(text, b, contentEnd);
        while (a < contentEnd) {
            final String name = scanName(text, a, contentEnd, scratch);
            b = scratch.tokenEnd;
            if (name != null) {
                if (count == 0) {
                    first = name;
                } else if (count == 1) {
                    second = name;
                } else {
                    names.add(name);
                }
                count++;
            } else {
                if (invalid.size() < MAX_LISTED_NAMES) {
                    invalid.add(quote(text, a, b));
                }
                invalidCount++;
            }
            a = skipSpace(text, b, contentEnd);
        }
        if (count == 0) {
            final String reason = invalidCount == 0
                    ? "address without host names"
                    : "no valid host name after address: " + listInvalid(invalid, invalidCount);
            ignored.add(new IgnoredLine(lineNo, reason, excerpt(text, start, end)));
            return;
        }
        final List<String> valid;
        if (count == 1) {
            valid = List.of(first);
        } else if (count == 2) {
            valid = List.of(first, second);
        } else {
            names.add(0, first);
            names.add(1, second);
            valid = List.copyOf(names);
        }
        entries.add(new HostsEntry(lineNo, address, valid));
        scratch.lastAddress = address;
        if (invalidCount > 0) {
            ignored.add(new IgnoredLine(lineNo, "invalid host names skipped: " + listInvalid(invalid, invalidCount),
                    excerpt(text, start, end)));
        }
    }

    /**
     * Reads the token at {@code a} (up to the next space or {@code end}, stored in {@code
     * scratch.tokenEnd}) and returns it lower-cased without one trailing dot, or {@code null} when
     * it is no valid host name. One pass, no regex: this runs for every name of every line, and
     * names are most of a hosts file's characters. Each character costs one table lookup: the
     * classes seen are or-ed together and label lengths are checked at the dots only. A name
     * already in lower case (nearly all) becomes a string with one copy of its characters.
     */
    private static String scanName(String text, int a, int end, Scratch scratch) {
        int seen = 0;
        boolean badLabel = false;
        int labelStart = a;
        int i = a;
        for (; i < end; i++) {
            final char c = text.charAt(i);
            final int k = c < 128 ? CHAR_CLASS[c] : OTHER;
            if (k == SPACE) {
                break;
            }
            seen |= k;
            if (k == DOT) {
                // empty label (leading dot or ".."), or one longer than 63 characters
                badLabel |= i == labelStart || i - labelStart > MAX_LABEL;
                labelStart = i + 1;
            }
        }
        scratch.tokenEnd = i;
        if (badLabel || (seen & OTHER) != 0 || i - labelStart > MAX_LABEL) {
            return null;
        }
        // One trailing dot is not part of the name ("a." is "a"); a lone "." is no name.
        int b = i;
        if (b - a > 1 && text.charAt(b - 1) == '.') {
            b--;
        }
        final int length = b - a;
        if (length == 0 || length > MAX_NAME || text.charAt(b - 1) == '.') {
            return null;
        }
        if ((seen & (LOWER | UPPER)) == 0 && IpAddresses.isIpLiteral(text.substring(a, b))) {
            return null; // digits and dots only: resolvers never look a literal up in the hosts file
        }
        final String name = text.substring(a, b);
        // Only ASCII letters, digits, '-', '_' and '.' get here, so no locale can get in the way.
        return (seen & UPPER) == 0 ? name : name.toLowerCase(Locale.ROOT);
    }

    /** Character classes of {@link #scanName}, for ASCII; anything else is {@link #OTHER}. */
    private static final int SPACE = 1;
    private static final int DOT = 2;
    private static final int DIGIT = 4;
    private static final int LOWER = 8;
    private static final int UPPER = 16;
    private static final int OTHER = 32;
    private static final byte[] CHAR_CLASS = new byte[128];

    static {
        Arrays.fill(CHAR_CLASS, (byte) OTHER);
        for (char c = 'a'; c <= 'z'; c++) {
            CHAR_CLASS[c] = LOWER;
            CHAR_CLASS[c - 'a' + 'A'] = UPPER;
        }
        for (char c = '0'; c <= '9'; c++) {
            CHAR_CLASS[c] = DIGIT;
        }
        CHAR_CLASS['-'] = LOWER; // hyphens and underscores: not an IP literal, no case
        CHAR_CLASS['_'] = LOWER;
        CHAR_CLASS['.'] = DOT;
        for (char c : new char[] {' ', '\t', '\f', '\u000B'}) {
            CHAR_CLASS[c] = SPACE;
        }
    }

    /**
     * Finds the end of the address token at {@code a} and, in the same pass, whether it is a
     * strict dotted quad as {@link IpAddresses} accepts it (four parts of 1–3 digits, each at most
     * 255, no leading zero), stored in {@code scratch.dottedQuad}. Nearly every address in a hosts
     * file is one, and finding the token's end and then parsing it were two loops on top of the
     * profile. {@code false} only means "not decided here": the caller then parses the token fully.
     */
    private static int scanAddress(String text, int a, int end, Scratch scratch) {
        boolean quad = true;
        int dots = 0;
        int digits = 0;
        int part = 0;
        char lead = 0;
        int i = a;
        for (; i < end; i++) {
            final char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                if (digits == 0) {
                    lead = c;
                }
                digits++;
                part = part * 10 + (c - '0');
            } else if (c == '.') {
                quad &= validQuadPart(digits, part, lead);
                dots++;
                digits = 0;
                part = 0;
            } else if (isSpace(c)) {
                break;
            } else {
                quad = false;
            }
        }
        scratch.dottedQuad = quad && dots == 3 && validQuadPart(digits, part, lead);
        return i;
    }

    private static boolean validQuadPart(int digits, int part, char lead) {
        // at most 3 digits checked first: a longer run may have overflowed part
        return digits >= 1 && digits <= 3 && part <= 255 && (digits == 1 || lead != '0');
    }

    private static int indexOrLength(String text, char c, int from) {
        final int i = text.indexOf(c, from);
        return i < 0 ? text.length() : i;
    }

    private static boolean isControl(char c) {
        return c < 0x20 || c == 0x7f;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\f' || c == '\u000B';
    }

    private static int skipSpace(String text, int i, int end) {
        while (i < end && isSpace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static String listInvalid(List<String> listed, int count) {
        final String list = String.join(", ", listed);
        return count > listed.size() ? list + " and " + (count - listed.size()) + " more" : list;
    }

    private static String quote(String text, int a, int b) {
        final boolean cut = b - a > TOKEN_QUOTE_LENGTH;
        return "'" + sanitize(text, a, cut ? a + TOKEN_QUOTE_LENGTH : b) + (cut ? "...'" : "'");
    }

    private static String excerpt(String text, int start, int end) {
        return sanitize(text, start, Math.min(end, start + EXCERPT_LENGTH));
    }

    /**
     * Copies {@code text[a, b)} with tabs as spaces and other control characters as {@code ?}, so
     * that excerpts are safe in logs and JSON, and without a dangling high surrogate at the cut.
     */
    private static String sanitize(String text, int a, int b) {
        if (b > a && Character.isHighSurrogate(text.charAt(b - 1))) {
            b--;
        }
        int i = a;
        while (i < b && !isControl(text.charAt(i))) {
            i++;
        }
        if (i == b) {
            return text.substring(a, b); // the usual case: nothing to replace
        }
        final char[] chars = text.substring(a, b).toCharArray();
        for (int k = i - a; k < chars.length; k++) {
            if (chars[k] == '\t') {
                chars[k] = ' ';
            } else if (isControl(chars[k])) {
                chars[k] = '?';
            }
        }
        return new String(chars);
    }

    /**
     * Index of the first char that would take the UTF-8 encoding of {@code s} beyond {@code
     * maxBytes}; {@code s.length()} when all of it fits. Never splits a surrogate pair.
     */
    static int utf8Cut(String s, long maxBytes) {
        final int len = s.length();
        if ((long) len * 3 <= maxBytes) {
            return len; // every char encodes to at most 3 bytes (a pair to 4, i.e. 2 per char)
        }
        long bytes = 0;
        for (int i = 0; i < len; i++) {
            final char c = s.charAt(i);
            int size;
            int chars = 1;
            if (c < 0x80) {
                size = 1;
            } else if (c < 0x800) {
                size = 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                size = 4;
                chars = 2;
            } else {
                size = 3;
            }
            if (bytes + size > maxBytes) {
                return i;
            }
            bytes += size;
            i += chars - 1;
        }
        return len;
    }

    private static int capacity(int entries) {
        // HashMap's argument is the table size; at load factor 0.75 this holds ~1.5 names per entry.
        return (int) Math.min(1 << 30, entries * 2L + 16);
    }
}
