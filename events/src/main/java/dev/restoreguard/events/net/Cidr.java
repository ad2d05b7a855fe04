package dev.restoreguard.events.net;

import java.util.Objects;

/**
 * An IPv4 or IPv6 network in CIDR notation, always in canonical form: the network address in the
 * form {@link IpAddresses#normalize} gives, and its prefix length.
 *
 * <p>Decisions:
 *
 * <ul>
 *   <li><b>Host bits set</b> ({@code 10.20.1.7/16}) are <b>rejected</b> by {@link #parse}: such a
 *       line usually is a typo for either the host or the network, and guessing silently could put
 *       a production host into the wrong environment. The error names the input and the masked
 *       network, so the inventory validator can report "did you mean 10.20.0.0/16". Callers that
 *       want leniency call {@link #parseMasked} and report the difference themselves.
 *   <li>A bare address ({@code 10.20.1.7}, {@code 2001:db8::1}) is accepted as a single host
 *       ({@code /32}, {@code /128}), as operators write in inventories.
 *   <li>The prefix length is 1–3 ASCII digits, 0–32 for IPv4 and 0–128 for IPv6. Zone ids and
 *       brackets are rejected: a network is never interface-scoped. Surrounding whitespace is
 *       ignored.
 *   <li>An IPv4 network also contains the IPv4-mapped spelling of its addresses ({@code
 *       10.0.0.0/8} contains {@code ::ffff:10.1.2.3}): both reach the same host. An IPv6 network
 *       never contains a plain IPv4 address.
 * </ul>
 *
 * @param network canonical network address (host bits zero)
 * @param prefixLength prefix length, 0–32 for IPv4, 0–128 for IPv6
 */
public record Cidr(String network, int prefixLength) {

    /**
     * Validates that the components are canonical, so that equal networks are equal records.
     *
     * @throws IllegalArgumentException if {@code network} is not a canonical address, the prefix
     *     is out of range, or host bits are set
     */
    public Cidr {
        Objects.requireNonNull(network, "network");
        final long[] v = new long[2];
        final int family = IpAddresses.parse(network, 0, network.length(), false, false, v);
        if (family == IpAddresses.INVALID) {
            throw new IllegalArgumentException("not a network address: " + quote(network));
        }
        final int max = family == IpAddresses.V4 ? 32 : 128;
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException(
                    "prefix length " + prefixLength + " out of range 0-" + max + " for " + network);
        }
        final String canonical = format(family, v[0], v[1]);
        if (!canonical.equals(network)) {
            throw new IllegalArgumentException(
                    "network address not canonical: " + quote(network) + " (canonical: " + canonical + ")");
        }
        if (!hostBitsZero(family, v[0], v[1], prefixLength)) {
            throw hostBitsError(network + "/" + prefixLength, family, v, prefixLength);
        }
    }

    /**
     * Parses CIDR text strictly (host bits must be zero; see the class comment).
     *
     * @param text for example {@code 10.20.0.0/16}, {@code 2001:DB8::/32}, {@code 10.20.1.7}
     * @throws IllegalArgumentException naming {@code text} if it is not a valid CIDR
     */
    public static Cidr parse(String text) {
        return parse(text, false);
    }

    /**
     * Parses CIDR text, clearing host bits instead of rejecting them: {@code 10.20.1.7/16} gives
     * {@code 10.20.0.0/16}.
     *
     * @throws IllegalArgumentException naming {@code text} if it is not a valid CIDR otherwise
     */
    public static Cidr parseMasked(String text) {
        return parse(text, true);
    }

    /** Whether this is an IPv6 network. */
    public boolean isIpv6() {
        return network.indexOf(':') >= 0;
    }

    /**
     * Whether the network contains the address. Any literal {@link IpAddresses#normalize} accepts
     * works; anything else (including host names) gives {@code false}.
     */
    public boolean contains(String ip) {
        if (ip == null) {
            return false;
        }
        final long[] addr = new long[2];
        int family = IpAddresses.parse(ip, 0, ip.length(), true, true, addr);
        if (family == IpAddresses.INVALID) {
            return false;
        }
        final boolean v6 = isIpv6();
        if (!v6 && family == IpAddresses.V6 && IpAddresses.isMapped(addr[0], addr[1])) {
            family = IpAddresses.V4;
            addr[1] &= 0xffffffffL;
        }
        if ((family == IpAddresses.V6) != v6) {
            return false;
        }
        final long[] net = new long[2];
        IpAddresses.parse(network, 0, network.length(), false, false, net);
        return family == IpAddresses.V4
                ? mask32(addr[1], prefixLength) == net[1]
                : maskHi(addr[0], prefixLength) == net[0] && maskLo(addr[1], prefixLength) == net[1];
    }

    /** Canonical CIDR text, for example {@code 10.20.0.0/16} or {@code 2001:db8::/32}. */
    @Override
    public String toString() {
        return network + "/" + prefixLength;
    }

    private static Cidr parse(String text, boolean mask) {
        if (text == null) {
            throw new IllegalArgumentException("invalid CIDR: null");
        }
        final String t = text.strip();
        final int slash = t.indexOf('/');
        final int addrEnd = slash < 0 ? t.length() : slash;
        final long[] v = new long[2];
        final int family = IpAddresses.parse(t, 0, addrEnd, false, false, v);
        if (family == IpAddresses.INVALID) {
            throw new IllegalArgumentException("invalid CIDR " + quote(text) + ": " + quote(t.substring(0, addrEnd))
                    + " is not an IPv4 or IPv6 address (dotted quad without leading zeros, or IPv6 without zone)");
        }
        final int max = family == IpAddresses.V4 ? 32 : 128;
        int prefix = max;
        if (slash >= 0) {
            prefix = parsePrefix(t, slash + 1);
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("invalid CIDR " + quote(text) + ": prefix length must be 0-" + max);
            }
        }
        if (!hostBitsZero(family, v[0], v[1], prefix)) {
            if (!mask) {
                throw hostBitsError(text, family, v, prefix);
            }
            applyMask(family, v, prefix);
        }
        return new Cidr(format(family, v[0], v[1]), prefix);
    }

    /** Quotes input for an error message, cut short so a junk megabyte does not end up in a log. */
    static String quote(String text) {
        return text.length() <= 100 ? "'" + text + "'" : "'" + text.substring(0, 100) + "...'";
    }

    private static int parsePrefix(String t, int start) {
        final int len = t.length() - start;
        if (len < 1 || len > 3) {
            return -1;
        }
        int value = 0;
        for (int i = start; i < t.length(); i++) {
            final char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static IllegalArgumentException hostBitsError(String text, int family, long[] v, int prefix) {
        final long[] masked = {v[0], v[1]};
        applyMask(family, masked, prefix);
        return new IllegalArgumentException("invalid CIDR " + quote(text) + ": host bits are set (network would be "
                + format(family, masked[0], masked[1]) + "/" + prefix + ")");
    }

    private static String format(int family, long hi, long lo) {
        return family == IpAddresses.V4 ? IpAddresses.formatV4((int) lo) : IpAddresses.formatV6(hi, lo);
    }

    private static boolean hostBitsZero(int family, long hi, long lo, int prefix) {
        if (family == IpAddresses.V4) {
            return mask32(lo, prefix) == lo;
        }
        return maskHi(hi, prefix) == hi && maskLo(lo, prefix) == lo;
    }

    private static void applyMask(int family, long[] v, int prefix) {
        if (family == IpAddresses.V4) {
            v[1] = mask32(v[1], prefix);
        } else {
            v[0] = maskHi(v[0], prefix);
            v[1] = maskLo(v[1], prefix);
        }
    }

    /** The first {@code prefix} bits of a 32-bit address held in the low bits of a long. */
    static long mask32(long address, int prefix) {
        return prefix == 0 ? 0 : address & (0xffffffffL << (32 - prefix)) & 0xffffffffL;
    }

    /** High 64 bits of a 128-bit address masked to {@code prefix} bits. */
    static long maskHi(long hi, int prefix) {
        if (prefix >= 64) {
            return hi;
        }
        return prefix == 0 ? 0 : hi & (-1L << (64 - prefix));
    }

    /** Low 64 bits of a 128-bit address masked to {@code prefix} bits. */
    static long maskLo(long lo, int prefix) {
        if (prefix <= 64) {
            return 0;
        }
        return prefix == 128 ? lo : lo & (-1L << (128 - prefix));
    }
}
