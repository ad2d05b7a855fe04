package dev.restoreguard.events.net;

import java.util.Optional;

/**
 * Parses and canonicalizes IP address literals without ever touching DNS.
 *
 * <p>{@link java.net.InetAddress#getByName(String)} resolves anything that is not a literal, so a
 * stream processor calling it on a host name would block on the network. Everything here is a
 * hand-written, allocation-light parser instead: it is on the hot path of hosts-file parsing and
 * network lookups.
 *
 * <p>Decisions (the contract asks for RFC 5952 addresses and is silent on the rest):
 *
 * <ul>
 *   <li><b>IPv4</b> is accepted only as a strict dotted quad: four decimal parts of 1–3 digits,
 *       each 0–255. A part with a leading zero ({@code 010.0.0.1}) is <b>rejected</b>: {@code
 *       inet_aton} and Windows read it as octal (8) while others read it as decimal (10), so we
 *       cannot know which host the operator reaches. Short forms ({@code 10.1}, {@code 167772161})
 *       and hex parts are rejected for the same reason. glibc's {@code inet_pton}, which parses
 *       {@code /etc/hosts}, rejects all of these too.
 *   <li><b>IPv6</b> is returned in RFC 5952 form: lower-case hex, no leading zeros, the longest run
 *       of two or more zero groups compressed to {@code ::} (the first on a tie), and an
 *       IPv4-mapped address ({@code ::ffff:0:0/96}) written in mixed form {@code ::ffff:a.b.c.d}.
 *       Other embedded-IPv4 forms are written in hex.
 *   <li>An IPv6 <b>zone id</b> ({@code fe80::1%eth0}, {@code fe80::1%12}) is accepted and
 *       <b>dropped</b>: the contract compares addresses in RFC 5952 form, and the zone only names
 *       the observer's local interface, never a different host. The zone must be non-empty and
 *       may not contain whitespace, {@code %}, {@code /}, {@code [} or {@code ]}. IPv4 addresses
 *       take no zone.
 *   <li>IPv6 literals may be wrapped in <b>brackets</b> ({@code [::1]}, {@code [fe80::1%eth0]}) as
 *       in URLs; IPv4 literals may not.
 *   <li>Leading and trailing ASCII whitespace is ignored, nothing else is trimmed.
 *   <li>An IPv4-mapped address stays IPv6 ({@code ::ffff:10.0.0.1} is not rewritten to {@code
 *       10.0.0.1}), because that is the text the source wrote; use {@link #mappedIpv4(String)} to
 *       compare it with IPv4 data. {@link NetworkIndex} and {@link Cidr} do so.
 * </ul>
 */
public final class IpAddresses {

    /** Family code returned by {@link #parse}: not an IP literal. */
    static final int INVALID = 0;
    /** Family code returned by {@link #parse}: IPv4, value in {@code out[1]} (low 32 bits). */
    static final int V4 = 4;
    /** Family code returned by {@link #parse}: IPv6, high 64 bits in {@code out[0]}, low in {@code out[1]}. */
    static final int V6 = 6;

    /** High 64 bits of every IPv4-mapped address. */
    private static final long MAPPED_HI = 0L;
    /** Bits 32..63 of an IPv4-mapped address. */
    private static final long MAPPED_MARK = 0xffffL;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private IpAddresses() {}

    /**
     * Returns the canonical text of an IP literal, or empty when {@code text} is not one.
     *
     * @param text an IPv4 dotted quad or an IPv6 literal, optionally bracketed, optionally with a
     *     zone id; {@code null} yields empty
     * @return the canonical form ({@code 10.0.0.1}, {@code 2001:db8::1}, {@code ::ffff:10.0.0.1})
     */
    public static Optional<String> normalize(String text) {
        if (text == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(canonicalOrNull(text, 0, text.length(), true));
    }

    /**
     * Whether {@code text} is an IP literal that {@link #normalize(String)} accepts.
     *
     * <p>Cheap for host names: anything without a colon that contains a character other than a
     * digit or a dot is rejected without parsing.
     */
    public static boolean isIpLiteral(String text) {
        if (text == null) {
            return false;
        }
        return parse(text, 0, text.length(), true, true, new long[2]) != INVALID;
    }

    /**
     * Returns the network-order bytes of an IP literal: 4 for IPv4, 16 for IPv6 (an IPv4-mapped
     * address gives 16 bytes).
     *
     * @param canonical an IP literal, preferably canonical; any form {@link #normalize} accepts works
     * @throws IllegalArgumentException if {@code canonical} is not an IP literal
     */
    public static byte[] toBytes(String canonical) {
        final long[] v = new long[2];
        final int family = canonical == null ? INVALID : parse(canonical, 0, canonical.length(), true, true, v);
        if (family == INVALID) {
            throw new IllegalArgumentException("not an IP address literal: '" + canonical + "'");
        }
        if (family == V4) {
            final int a = (int) v[1];
            return new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
        }
        final byte[] bytes = new byte[16];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (v[0] >>> (56 - 8 * i));
            bytes[8 + i] = (byte) (v[1] >>> (56 - 8 * i));
        }
        return bytes;
    }

    /**
     * For an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}, any accepted spelling) returns the
     * embedded IPv4 address {@code a.b.c.d}; empty for anything else.
     *
     * <p>A hosts entry {@code ::ffff:10.20.1.15 sql-dev-01} reaches the IPv4 host 10.20.1.15, so
     * code that looks up an environment must treat the two alike or the mapped spelling becomes a
     * way to slip a production address past the check.
     */
    public static Optional<String> mappedIpv4(String text) {
        if (text == null) {
            return Optional.empty();
        }
        final long[] v = new long[2];
        if (parse(text, 0, text.length(), true, true, v) == V6 && isMapped(v[0], v[1])) {
            return Optional.of(formatV4((int) v[1]));
        }
        return Optional.empty();
    }

    // Region-based parsing below lets hot paths (hosts files, network lookups) parse part of a
    // larger string without allocating a substring for every candidate first.

    /**
     * Canonical text of the literal in {@code text[start, end)}, or {@code null}.
     *
     * <p>Public for the hosts-file parser, which scans a whole file and should not allocate a
     * substring per candidate address. Brackets are optional through {@code allowBrackets}:
     * resolvers reading a hosts file do not accept {@code [::1]}.
     *
     * @param text the text holding the candidate
     * @param start first index (inclusive)
     * @param end last index (exclusive)
     * @param allowBrackets whether {@code [v6]} is accepted
     * @return the canonical address, or {@code null} if the region is not an IP literal
     */
    public static String canonicalOrNull(CharSequence text, int start, int end, boolean allowBrackets) {
        while (start < end && isAsciiSpace(text.charAt(start))) {
            start++;
        }
        while (end > start && isAsciiSpace(text.charAt(end - 1))) {
            end--;
        }
        // Fast path for the common case, a strict dotted quad (every hosts line): it has exactly one
        // spelling, so the input already is canonical. parseV4 rejects anything else at its first
        // character that is neither a digit nor a dot, and the general path below would accept
        // exactly the same text (no bracket, colon or zone) with the same result.
        if (start < end && text.charAt(start) >= '0' && text.charAt(start) <= '9' && parseV4(text, start, end) >= 0) {
            return text.subSequence(start, end).toString();
        }
        final long[] v = new long[2];
        final int family = parse(text, start, end, allowBrackets, true, v);
        if (family == V4) {
            // The strict dotted quad has exactly one spelling, so the input already is canonical:
            // copying it is cheaper than formatting four numbers (this runs once per hosts line).
            return text.subSequence(start, end).toString();
        }
        if (family == V6) {
            return formatV6(v[0], v[1]);
        }
        return null;
    }

    /**
     * Space, tab, CR, LF, form feed or vertical tab: what surrounding whitespace may consist of.
     * Other control characters (NUL, ESC) make the text invalid instead of being trimmed away.
     */
    static boolean isAsciiSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000B';
    }

    static boolean isMapped(long hi, long lo) {
        return hi == MAPPED_HI && (lo >>> 32) == MAPPED_MARK;
    }

    /**
     * Parses {@code text[start, end)} into {@code out} and returns {@link #V4}, {@link #V6} or
     * {@link #INVALID}. Never throws for any content.
     */
    static int parse(CharSequence text, int start, int end, boolean allowBrackets, boolean allowZone, long[] out) {
        // Trim ASCII whitespace only: callers split on it, but configuration values may carry it.
        while (start < end && isAsciiSpace(text.charAt(start))) {
            start++;
        }
        while (end > start && isAsciiSpace(text.charAt(end - 1))) {
            end--;
        }
        if (start >= end) {
            return INVALID;
        }
        boolean bracketed = false;
        if (text.charAt(start) == '[') {
            if (!allowBrackets || text.charAt(end - 1) != ']') {
                return INVALID;
            }
            bracketed = true;
            start++;
            end--;
        }
        // Cheap pre-scan: decides the family and finds the zone without parsing. A host name is
        // rejected here almost always at its first character.
        boolean colon = false;
        int zone = -1;
        for (int i = start; i < end; i++) {
            final char c = text.charAt(i);
            if (c == '%') {
                zone = i;
                break;
            }
            if (c == ':') {
                colon = true;
            } else if (c != '.' && hexValue(c) < 0) {
                return INVALID;
            }
        }
        if (!colon) {
            if (bracketed || zone >= 0) {
                return INVALID;
            }
            final long v4 = parseV4(text, start, end);
            if (v4 < 0) {
                return INVALID;
            }
            out[0] = 0;
            out[1] = v4;
            return V4;
        }
        int addressEnd = end;
        if (zone >= 0) {
            if (!allowZone || !validZone(text, zone + 1, end)) {
                return INVALID;
            }
            addressEnd = zone;
        }
        return parseV6(text, start, addressEnd, out) ? V6 : INVALID;
    }

    /** ASCII-only hex digit value, or -1: {@link Character#digit} would also accept non-ASCII digits. */
    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static boolean validZone(CharSequence text, int start, int end) {
        if (start >= end) {
            return false;
        }
        for (int i = start; i < end; i++) {
            final char c = text.charAt(i);
            if (c <= ' ' || c == '%' || c == '/' || c == '[' || c == ']' || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** Strict dotted quad in {@code [start, end)} as an unsigned 32-bit value, or -1. */
    static long parseV4(CharSequence text, int start, int end) {
        long value = 0;
        int parts = 0;
        int i = start;
        while (true) {
            final int partStart = i;
            int part = 0;
            while (i < end && i - partStart < 4) {
                final char c = text.charAt(i);
                if (c < '0' || c > '9') {
                    break;
                }
                part = part * 10 + (c - '0');
                i++;
            }
            final int digits = i - partStart;
            if (digits == 0 || digits > 3 || part > 255) {
                return -1;
            }
            // Leading zero: octal on some stacks, decimal on others, so ambiguous; reject.
            if (digits > 1 && text.charAt(partStart) == '0') {
                return -1;
            }
            value = (value << 8) | part;
            parts++;
            if (parts == 4) {
                return i == end ? value : -1;
            }
            if (i >= end || text.charAt(i) != '.') {
                return -1;
            }
            i++;
        }
    }

    /** IPv6 (no zone, no brackets) in {@code [start, end)} into {@code out}; false when invalid. */
    private static boolean parseV6(CharSequence text, int start, int end, long[] out) {
        final int[] groups = new int[8];
        int count = 0;
        int gap = -1; // group index where "::" stands
        int i = start;
        if (end - start < 2) {
            return false;
        }
        if (text.charAt(i) == ':') {
            if (text.charAt(i + 1) != ':') {
                return false; // a single leading colon
            }
            gap = 0;
            i += 2;
            if (i == end) {
                out[0] = 0;
                out[1] = 0;
                return true;
            }
        }
        while (true) {
            final int groupStart = i;
            int value = 0;
            while (i < end) {
                final int d = hexValue(text.charAt(i));
                if (d < 0) {
                    break;
                }
                value = (value << 4) | d;
                i++;
                if (i - groupStart > 4) {
                    return false;
                }
            }
            if (i < end && text.charAt(i) == '.') {
                // Embedded dotted quad: only as the last 32 bits.
                if (count > 6) {
                    return false;
                }
                final long v4 = parseV4(text, groupStart, end);
                if (v4 < 0) {
                    return false;
                }
                groups[count++] = (int) (v4 >>> 16);
                groups[count++] = (int) (v4 & 0xffff);
                break;
            }
            if (i == groupStart || count == 8) {
                return false;
            }
            groups[count++] = value;
            if (i == end) {
                break;
            }
            if (text.charAt(i) != ':') {
                return false;
            }
            i++;
            if (i == end) {
                return false; // a single trailing colon
            }
            if (text.charAt(i) == ':') {
                if (gap >= 0) {
                    return false; // a second "::"
                }
                gap = count;
                i++;
                if (i == end) {
                    break;
                }
            }
        }
        if (gap >= 0) {
            // "::" stands for at least one zero group.
            if (count > 7) {
                return false;
            }
            final int tail = count - gap;
            for (int k = 0; k < tail; k++) {
                groups[7 - k] = groups[count - 1 - k];
            }
            for (int k = gap; k < 8 - tail; k++) {
                groups[k] = 0;
            }
        } else if (count != 8) {
            return false;
        }
        long hi = 0;
        long lo = 0;
        for (int k = 0; k < 4; k++) {
            hi = (hi << 16) | groups[k];
            lo = (lo << 16) | groups[k + 4];
        }
        out[0] = hi;
        out[1] = lo;
        return true;
    }

    static String formatV4(int v) {
        final StringBuilder sb = new StringBuilder(15);
        sb.append((v >>> 24) & 0xff).append('.')
                .append((v >>> 16) & 0xff).append('.')
                .append((v >>> 8) & 0xff).append('.')
                .append(v & 0xff);
        return sb.toString();
    }

    /** RFC 5952 text of a 128-bit address. */
    static String formatV6(long hi, long lo) {
        if (isMapped(hi, lo)) {
            return "::ffff:" + formatV4((int) lo);
        }
        final int[] g = new int[8];
        for (int k = 0; k < 4; k++) {
            g[k] = (int) (hi >>> (48 - 16 * k)) & 0xffff;
            g[k + 4] = (int) (lo >>> (48 - 16 * k)) & 0xffff;
        }
        // Longest run of zero groups, first on a tie; a single zero group is not compressed (5952 §4.2.2).
        int bestStart = -1;
        int bestLen = 1;
        for (int k = 0; k < 8; ) {
            if (g[k] != 0) {
                k++;
                continue;
            }
            final int runStart = k;
            while (k < 8 && g[k] == 0) {
                k++;
            }
            if (k - runStart > bestLen) {
                bestStart = runStart;
                bestLen = k - runStart;
            }
        }
        final StringBuilder sb = new StringBuilder(39);
        for (int k = 0; k < 8; k++) {
            if (k == bestStart) {
                sb.append("::");
                k += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            appendHex(sb, g[k]);
        }
        return sb.toString();
    }

    private static void appendHex(StringBuilder sb, int group) {
        boolean started = false;
        for (int shift = 12; shift >= 0; shift -= 4) {
            final int d = (group >>> shift) & 0xf;
            if (d != 0 || started || shift == 0) {
                sb.append(HEX[d]);
                started = true;
            }
        }
    }
}
