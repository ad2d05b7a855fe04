package dev.restoreguard.events.net;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Host-name normalization as the detection contract (section 1, "Name normalization") defines it.
 *
 * <p>Hosts entries, restore targets, approvals and DNS records are compared only after passing
 * through here, so every collector and the engine must use these methods rather than their own
 * {@code toLowerCase()}.
 *
 * <p>Decisions where the contract is silent:
 *
 * <ul>
 *   <li>Lower-casing is {@link java.util.Locale#ROOT} (a Turkish default locale must not turn
 *       {@code I} into a dotless {@code ı}). Leading and trailing ASCII whitespace is removed.
 *   <li>One trailing dot (the DNS root) is stripped; a name ending in two dots or in whitespace
 *       and a dot ({@code a..}, {@code a. .}) is malformed and kept as written, because inventing a
 *       meaning for malformed names would hide them, and so that normalizing a normalized name
 *       changes nothing (stripping one dot of {@code a..} gave {@code a.}, which a second pass
 *       turned into {@code a}).
 *   <li>A name that is an IP literal after lower-casing and dot stripping (brackets and zone id
 *       allowed, as in {@link IpAddresses#normalize}) is returned in canonical form, with or
 *       without an observer; it is never qualified (an IPv6 literal has no dot but is no short
 *       name).
 *   <li>Qualification is literal: on {@code vbr01.corp.example}, {@code localhost} becomes {@code
 *       localhost.corp.example}, as the contract says, even though the OS would not look that up.
 *   <li>An observer that is an IP literal, has no dot, or starts with a dot has no domain suffix,
 *       so short names stay short.
 *   <li>No validation: a malformed name is normalized like any other string; validating is the
 *       job of whoever reads the source (for example the hosts-file parser).
 * </ul>
 */
public final class Names {

    private Names() {}

    /**
     * Normalizes a name without an observer: lower-case, one trailing dot stripped; an IP literal
     * becomes its canonical form. A short name stays short (the contract resolves it against the
     * inventory by first label).
     *
     * @throws NullPointerException if {@code name} is null
     */
    public static String normalize(String name) {
        Objects.requireNonNull(name, "name");
        final String base = lowerStripDot(name);
        final String ip = IpAddresses.canonicalOrNull(base, 0, base.length(), true);
        return ip != null ? ip : base;
    }

    /**
     * Normalizes a name as seen from an observer: as {@link #normalize(String)}, then a name
     * without a dot is qualified with the observer's domain suffix ({@code sql-dev-01} on {@code
     * vbr01.corp.example} becomes {@code sql-dev-01.corp.example}).
     *
     * @param name the name as written
     * @param observer the observer's name; {@code null}, blank or a name without a domain suffix
     *     means no qualification
     * @throws NullPointerException if {@code name} is null
     */
    public static String normalize(String name, String observer) {
        return normalizeWithSuffix(name, observer == null ? null : domainSuffix(observer).orElse(null));
    }

    /**
     * As {@link #normalize(String, String)} with the observer's suffix already computed by {@link
     * #domainSuffix(String)}: for loops over many names of one observer (a hosts file).
     *
     * @param name the name as written
     * @param suffix the normalized domain suffix ({@code corp.example}), or {@code null} for none
     * @throws NullPointerException if {@code name} is null
     */
    public static String normalizeWithSuffix(String name, String suffix) {
        final String base = normalize(name);
        if (suffix == null || suffix.isEmpty() || base.isEmpty() || base.indexOf('.') >= 0
                || base.indexOf(':') >= 0) {
            // A colon here means an IPv6 literal (already canonical) or junk; neither is a short name.
            return base;
        }
        return base + '.' + suffix;
    }

    /**
     * The domain suffix of an observer FQDN: {@code corp.example} for {@code
     * VBR01.corp.example.}; empty when the normalized observer has no dot, is an IP literal, or
     * has an empty first label or suffix.
     */
    public static Optional<String> domainSuffix(String observerFqdn) {
        if (observerFqdn == null) {
            return Optional.empty();
        }
        final String observer = normalize(observerFqdn);
        final int dot = observer.indexOf('.');
        if (dot <= 0 || dot == observer.length() - 1 || IpAddresses.isIpLiteral(observer)) {
            return Optional.empty();
        }
        return Optional.of(observer.substring(dot + 1));
    }

    /**
     * The FQDN a DNS record denotes, per the contract: the record name is relative to its zone
     * unless it already ends with the zone by whole labels.
     *
     * <ul>
     *   <li>{@code @} or an empty/blank name is the zone apex (the zone itself);
     *   <li>a name with a trailing dot is absolute and is only normalized;
     *   <li>a name equal to the zone or ending in {@code .zone} is kept ({@code x.corp.example} in
     *       {@code corp.example});
     *   <li>anything else gets {@code .zone} appended ({@code xcorp.example} in {@code
     *       corp.example} becomes {@code xcorp.example.corp.example}).
     * </ul>
     *
     * Both inputs are normalized (lower-case, one trailing dot stripped) first. An empty zone (the
     * root) leaves the name as it is.
     *
     * @throws NullPointerException if {@code zone} is null
     */
    public static String dnsRecordFqdn(String zone, String name) {
        Objects.requireNonNull(zone, "zone");
        final String z = lowerStripDot(zone);
        final String trimmed = name == null ? "" : name.strip();
        if (trimmed.isEmpty() || trimmed.equals("@")) {
            return z;
        }
        final String n = lowerStripDot(trimmed);
        if (trimmed.endsWith(".") || z.isEmpty() || endsWithLabels(n, z)) {
            return n;
        }
        return n + '.' + z;
    }

    /**
     * Whether {@code name} equals {@code suffix} or ends with {@code "." + suffix}, comparing
     * ASCII case-insensitively and ignoring one trailing dot on each. {@code x.corp.example} ends
     * with {@code corp.example}; {@code xcorp.example} does not. Every name ends with the empty
     * suffix (the DNS root).
     *
     * @throws NullPointerException if either argument is null
     */
    public static boolean endsWithLabels(String name, String suffix) {
        final int nLen = name.endsWith(".") ? name.length() - 1 : name.length();
        final int sLen = suffix.endsWith(".") ? suffix.length() - 1 : suffix.length();
        if (sLen == 0) {
            return true;
        }
        if (nLen < sLen) {
            return false;
        }
        final int offset = nLen - sLen;
        if (!name.regionMatches(true, offset, suffix, 0, sLen)) {
            return false;
        }
        // Whole labels: the match must start the name or follow a dot.
        return offset == 0 || name.charAt(offset - 1) == '.';
    }

    /**
     * The first label of a name: {@code sql-dev-01} for {@code SQL-DEV-01.corp.example.}. The
     * name is normalized first; a name without a dot is its own first label. Intended for host
     * names, not IP literals.
     *
     * @throws NullPointerException if {@code fqdn} is null
     */
    public static String firstLabel(String fqdn) {
        final String n = lowerStripDot(Objects.requireNonNull(fqdn, "fqdn"));
        final int dot = n.indexOf('.');
        return dot < 0 ? n : n.substring(0, dot);
    }

    /** Strip, lower-case (ROOT), strip one trailing dot; allocates only when something changes. */
    static String lowerStripDot(String name) {
        int start = 0;
        int end = name.length();
        while (start < end && IpAddresses.isAsciiSpace(name.charAt(start))) {
            start++;
        }
        while (end > start && IpAddresses.isAsciiSpace(name.charAt(end - 1))) {
            end--;
        }
        if (end > start && name.charAt(end - 1) == '.'
                && (end - 1 == start || name.charAt(end - 2) != '.' && !IpAddresses.isAsciiSpace(name.charAt(end - 2)))) {
            end--;
        }
        boolean lower = true;
        for (int i = start; i < end; i++) {
            final char c = name.charAt(i);
            if ((c >= 'A' && c <= 'Z') || c >= 0x80) {
                lower = false;
                break;
            }
        }
        final String region = (start == 0 && end == name.length()) ? name : name.substring(start, end);
        return lower ? region : region.toLowerCase(Locale.ROOT);
    }
}
