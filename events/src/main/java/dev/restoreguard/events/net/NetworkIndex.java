package dev.restoreguard.events.net;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Immutable longest-prefix-match index from inventory networks (IPv4 and IPv6 CIDRs) to their
 * environment label: "the most specific inventory network containing" an IP, as the contract puts
 * it.
 *
 * <p>Built for a stream processor that looks up every hosts entry and DNS answer against an
 * inventory of up to hundreds of thousands of networks: one open-addressing hash table per prefix
 * length that occurs, keyed by the masked address as primitive longs (no boxing, no allocation per
 * probe), probed from the longest present prefix to the shortest. A lookup costs at most one probe
 * per distinct prefix length (≤ 33 for IPv4, ≤ 129 for IPv6), independent of the number of
 * networks.
 *
 * <p>Decisions:
 *
 * <ul>
 *   <li>Environment labels are stored stripped and lower-case (the contract compares them
 *       lower-case). A blank label or the reserved {@code unknown} is rejected by {@link Entry}.
 *   <li>When the same network appears more than once, the <b>first</b> entry is kept (as with
 *       hosts files, first wins) and later ones are ignored; the inventory validator reports
 *       duplicates. Building never fails for a duplicate, so one bad line cannot blank out the
 *       whole inventory.
 *   <li>An IPv4-mapped IPv6 address ({@code ::ffff:10.20.1.15}) is matched against the IPv4
 *       networks as well: it reaches the IPv4 host, and treating it as unrelated would let a
 *       hosts entry hide a production address. An IPv4 {@code /p} counts as {@code /(96+p)} when
 *       compared with IPv6 networks for specificity; on a tie the IPv4 entry wins.
 *   <li>A lookup of anything that is not an IP literal (a host name, junk) is simply empty: this
 *       class never resolves names.
 * </ul>
 */
public final class NetworkIndex {

    /** An index without networks: every lookup is empty. */
    public static final NetworkIndex EMPTY = new NetworkIndex(List.of());

    /**
     * One inventory network and its environment.
     *
     * @param cidr the network
     * @param environment the environment label, stored stripped and lower-case
     */
    public record Entry(Cidr cidr, String environment) {

        /**
         * Normalizes the label.
         *
         * @throws IllegalArgumentException if the label is blank or {@code unknown}
         */
        public Entry {
            Objects.requireNonNull(cidr, "cidr");
            Objects.requireNonNull(environment, "environment");
            environment = environment.strip().toLowerCase(Locale.ROOT);
            if (environment.isEmpty()) {
                throw new IllegalArgumentException("network " + cidr + ": environment label is blank");
            }
            if (environment.equals("unknown")) {
                throw new IllegalArgumentException(
                        "network " + cidr + ": environment label 'unknown' is reserved");
            }
        }

        /**
         * Parses an entry from inventory text.
         *
         * @throws IllegalArgumentException naming the input if the CIDR or label is invalid
         */
        public static Entry of(String cidr, String environment) {
            return new Entry(Cidr.parse(cidr), environment);
        }
    }

    private final List<Entry> entries;
    private final Table[] v4ByPrefix = new Table[33];
    private final Table[] v6ByPrefix = new Table[129];
    /** Prefix lengths that occur, longest first: the probe order. */
    private final int[] v4Prefixes;
    private final int[] v6Prefixes;
    /**
     * One bit per hash of (masked address, prefix length, family) of every network: a lookup
     * checks this small, cache-resident bit set before probing a prefix table, so prefix lengths
     * without a match (most of them) cost a cache hit instead of a cache miss.
     */
    private final long[] filter;
    private final int filterMask;

    private NetworkIndex(List<Entry> unique) {
        this.entries = List.copyOf(unique);
        final int[] v4Counts = new int[33];
        final int[] v6Counts = new int[129];
        for (Entry e : entries) {
            if (e.cidr().isIpv6()) {
                v6Counts[e.cidr().prefixLength()]++;
            } else {
                v4Counts[e.cidr().prefixLength()]++;
            }
        }
        this.v4Prefixes = presentDescending(v4Counts);
        this.v6Prefixes = presentDescending(v6Counts);
        for (int p : v4Prefixes) {
            v4ByPrefix[p] = new Table(v4Counts[p]);
        }
        for (int p : v6Prefixes) {
            v6ByPrefix[p] = new Table(v6Counts[p]);
        }
        // About 16 bits per network: ~6% false positives with one hash, 200 kB for 100k networks.
        final int filterBits = Integer.highestOneBit(Math.max(64, entries.size() * 16 - 1)) << 1;
        this.filter = new long[filterBits >>> 6];
        this.filterMask = filterBits - 1;
        final long[] v = new long[2];
        for (int i = 0; i < entries.size(); i++) {
            final Cidr cidr = entries.get(i).cidr();
            final boolean v6 = cidr.isIpv6();
            IpAddresses.parse(cidr.network(), 0, cidr.network().length(), false, false, v);
            (v6 ? v6ByPrefix : v4ByPrefix)[cidr.prefixLength()].put(v[0], v[1], i);
            final int bit = filterBit(v[0], v[1], cidr.prefixLength(), v6);
            filter[bit >>> 6] |= 1L << bit;
        }
    }

    private boolean mayContain(long hi, long lo, int prefix, boolean v6) {
        final int bit = filterBit(hi, lo, prefix, v6);
        return (filter[bit >>> 6] & (1L << bit)) != 0;
    }

    private int filterBit(long hi, long lo, int prefix, boolean v6) {
        // A different multiplier from Table.hash, so filter and table collisions are independent.
        final long salt = (v6 ? 0x100L : 0) | prefix;
        return Table.hash(hi ^ (salt * 0xD6E8FEB86659FD93L), lo) >>> 7 & filterMask;
    }

    /**
     * Builds an index. Later duplicates of a network are ignored (first wins).
     *
     * @param entries the inventory networks, in inventory order
     */
    public static NetworkIndex of(Collection<Entry> entries) {
        final Map<Cidr, Entry> unique = new HashMap<>(entries.size() * 2);
        final List<Entry> kept = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            if (unique.putIfAbsent(e.cidr(), e) == null) {
                kept.add(e);
            }
        }
        return new NetworkIndex(kept);
    }

    /**
     * Builds an index from {@code cidr → environment} text pairs, for example an inventory record's
     * {@code networks}.
     *
     * @throws IllegalArgumentException naming the first invalid CIDR or label
     */
    public static NetworkIndex ofText(Map<String, String> cidrToEnvironment) {
        final List<Entry> list = new ArrayList<>(cidrToEnvironment.size());
        cidrToEnvironment.forEach((cidr, env) -> list.add(Entry.of(cidr, env)));
        return of(list);
    }

    /** Same as {@link Cidr#parse(String)}. */
    public static Cidr parse(String cidr) {
        return Cidr.parse(cidr);
    }

    /**
     * The environment of the most specific network containing {@code ip}; empty when none does or
     * {@code ip} is not an IP literal.
     *
     * @param ip an IP literal, canonical or not
     */
    public Optional<String> environmentOf(String ip) {
        final int i = lookup(ip);
        return i < 0 ? Optional.empty() : Optional.of(entries.get(i).environment());
    }

    /**
     * The most specific network containing {@code ip} with its environment, for evidence ("10.20.1.15
     * is in 10.20.0.0/16, production"); empty when none does or {@code ip} is not an IP literal.
     */
    public Optional<Entry> networkOf(String ip) {
        final int i = lookup(ip);
        return i < 0 ? Optional.empty() : Optional.of(entries.get(i));
    }

    /** The indexed networks in input order, duplicates removed. */
    public List<Entry> entries() {
        return entries;
    }

    /** Number of distinct networks. */
    public int size() {
        return entries.size();
    }

    private int lookup(String ip) {
        if (ip == null) {
            return -1;
        }
        final long[] v = new long[2];
        final int family = IpAddresses.parse(ip, 0, ip.length(), true, true, v);
        if (family == IpAddresses.V4) {
            return lookupV4(v[1]).index;
        }
        if (family != IpAddresses.V6) {
            return -1;
        }
        final Match m6 = lookupV6(v[0], v[1]);
        if (IpAddresses.isMapped(v[0], v[1])) {
            final Match m4 = lookupV4(v[1] & 0xffffffffL);
            if (m4.index >= 0 && (m6.index < 0 || 96 + m4.prefix >= m6.prefix)) {
                return m4.index;
            }
        }
        return m6.index;
    }

    private Match lookupV4(long address) {
        for (int p : v4Prefixes) {
            final long masked = Cidr.mask32(address, p);
            if (!mayContain(0, masked, p, false)) {
                continue;
            }
            final int i = v4ByPrefix[p].get(0, masked);
            if (i >= 0) {
                return new Match(i, p);
            }
        }
        return Match.NONE;
    }

    private Match lookupV6(long hi, long lo) {
        for (int p : v6Prefixes) {
            final long mHi = Cidr.maskHi(hi, p);
            final long mLo = Cidr.maskLo(lo, p);
            if (!mayContain(mHi, mLo, p, true)) {
                continue;
            }
            final int i = v6ByPrefix[p].get(mHi, mLo);
            if (i >= 0) {
                return new Match(i, p);
            }
        }
        return Match.NONE;
    }

    private static int[] presentDescending(int[] counts) {
        int n = 0;
        for (int c : counts) {
            if (c > 0) {
                n++;
            }
        }
        final int[] result = new int[n];
        int k = 0;
        for (int p = counts.length - 1; p >= 0; p--) {
            if (counts[p] > 0) {
                result[k++] = p;
            }
        }
        return result;
    }

    private record Match(int index, int prefix) {
        static final Match NONE = new Match(-1, -1);
    }

    /**
     * Open-addressing hash table from a 128-bit key (two longs; IPv4 uses {@code hi = 0}) to an
     * entry index. Linear probing at load ≤ 0.5; sized once, never resized. Key and value of a
     * slot sit next to each other in one array, so a probe costs one cache miss, not three: with
     * 100k networks the tables outgrow the CPU caches and misses dominate a lookup.
     */
    private static final class Table {
        /** Per slot: hi, lo, entry index + 1 (0 marks an empty slot). */
        private final long[] slots;
        private final int mask;

        Table(int expected) {
            final int capacity = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1;
            slots = new long[capacity * 3];
            mask = capacity - 1;
        }

        void put(long hi, long lo, int value) {
            int slot = hash(hi, lo) & mask;
            while (slots[slot * 3 + 2] != 0) {
                if (slots[slot * 3] == hi && slots[slot * 3 + 1] == lo) {
                    return; // duplicates were removed before; keep the first regardless
                }
                slot = (slot + 1) & mask;
            }
            slots[slot * 3] = hi;
            slots[slot * 3 + 1] = lo;
            slots[slot * 3 + 2] = value + 1L;
        }

        int get(long hi, long lo) {
            int slot = hash(hi, lo) & mask;
            while (true) {
                final int base = slot * 3;
                final long v = slots[base + 2];
                if (v == 0) {
                    return -1;
                }
                if (slots[base] == hi && slots[base + 1] == lo) {
                    return (int) (v - 1);
                }
                slot = (slot + 1) & mask;
            }
        }

        static int hash(long hi, long lo) {
            // murmur3 fmix64: masked network addresses share their low bits (all zero), so the raw
            // value would cluster badly in a power-of-two table.
            long h = hi * 0x9E3779B97F4A7C15L ^ lo;
            h ^= h >>> 33;
            h *= 0xff51afd7ed558ccdL;
            h ^= h >>> 33;
            h *= 0xc4ceb9fe1a85ec53L;
            h ^= h >>> 33;
            return (int) h;
        }
    }
}
