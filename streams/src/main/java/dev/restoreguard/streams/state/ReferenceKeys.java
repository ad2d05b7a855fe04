package dev.restoreguard.streams.state;

/**
 * Key layout of the reference store each observer task keeps: the history of every reference
 * record (DNS changes, approvals, inventory versions) under prefix-ordered keys, so that "as of
 * time T" lookups are prefix or range scans.
 *
 * <pre>
 * dns|FQDN|TYPE|DATA|AT|OFFSET   -> envelope JSON of the DNS change
 * dnsrev|DATA|FQDN              -> "" : FQDN has (or had) a record holding DATA (address or CNAME target)
 * appr|CHANGE_ID|AT|OFFSET       -> envelope JSON of the approval record
 * apprnonce|NONCE                -> event id of the accepted approval that carried the signature nonce
 * apprlatest|CHANGE_ID           -> event id of the change's most recently accepted approval record
 * inv|AT|OFFSET                  -> key of the snapshot's data (kept tiny: version scans stay cheap)
 * invdata|OFFSET                 -> envelope JSON of the inventory snapshot (up to tens of MB)
 * </pre>
 * Times are epoch milliseconds and offsets are zero-padded so that lexical order is time order;
 * records with the same time keep their arrival (offset) order.
 */
public final class ReferenceKeys {

    public static final String DNS = "dns|";
    public static final String DNS_REVERSE = "dnsrev|";
    public static final String APPROVAL = "appr|";
    public static final String APPROVAL_NONCE = "apprnonce|";
    public static final String APPROVAL_LATEST = "apprlatest|";
    public static final String INVENTORY = "inv|";
    public static final String INVENTORY_DATA = "invdata|";

    private ReferenceKeys() {
    }

    public static String time(final long epochMillis) {
        return String.format("%015d", Math.max(0, epochMillis));
    }

    public static String offset(final long offset) {
        return String.format("%019d", offset);
    }

    public static String dnsPrefix(final String fqdn) {
        return DNS + fqdn + '|';
    }

    public static String dns(final String fqdn, final String type, final String data, final long at, final long offset) {
        return dnsPrefix(fqdn) + type + '|' + data + '|' + time(at) + '|' + offset(offset);
    }

    public static String dnsReversePrefix(final String data) {
        return DNS_REVERSE + data + '|';
    }

    public static String dnsReverse(final String data, final String fqdn) {
        return dnsReversePrefix(data) + fqdn;
    }

    public static String approvalPrefix(final String changeId) {
        return APPROVAL + changeId + '|';
    }

    public static String approval(final String changeId, final long at, final long offset) {
        return approvalPrefix(changeId) + time(at) + '|' + offset(offset);
    }

    public static String approvalNonce(final String nonce) {
        return APPROVAL_NONCE + nonce;
    }

    public static String approvalLatest(final String changeId) {
        return APPROVAL_LATEST + changeId;
    }

    public static String inventory(final long at, final long offset) {
        return INVENTORY + time(at) + '|' + offset(offset);
    }

    public static String inventoryData(final long offset) {
        return INVENTORY_DATA + offset(offset);
    }

    /** The smallest key greater than every key with this prefix ({@code |} + 1 is {@code }}). */
    public static String prefixEnd(final String prefix) {
        return prefix.substring(0, prefix.length() - 1) + '}';
    }
}
