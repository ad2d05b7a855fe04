package dev.restoreguard.streams.state;

import dev.restoreguard.events.inventory.InventorySnapshot;
import dev.restoreguard.events.net.IpAddresses;
import dev.restoreguard.events.net.Names;
import dev.restoreguard.events.net.NetworkIndex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One inventory version, indexed for the lookups every verdict makes: asset by name, asset by
 * first label (for short names with no observer), environment by IP (asset first, then the most
 * specific network). Immutable; built once per inventory version and cached by {@link ReferenceView}.
 */
public final class InventoryIndex {

    private static final org.slf4j.Logger LOGGER = org.slf4j.LoggerFactory.getLogger(InventoryIndex.class);

    /** Reserved environment label for an address or name nothing in the inventory explains. */
    public static final String UNKNOWN = "unknown";
    public static final String PRODUCTION = "production";

    /** An inventory asset with normalized name, canonical addresses and lower-case environment. */
    public record Asset(String name, List<String> ips, String environment) {
    }

    /** An environment and where it came from ({@code asset:NAME}, {@code network:CIDR}). */
    public record Environment(String label, String basis) {
        public boolean known() {
            return !UNKNOWN.equals(label);
        }
    }

    public static final InventoryIndex EMPTY = new InventoryIndex(new InventorySnapshot(List.of(), List.of()), null);

    private final Map<String, Asset> byName = new HashMap<>();
    private final Map<String, List<Asset>> byFirstLabel = new HashMap<>();
    private final Map<String, Asset> byIp = new HashMap<>();
    private final NetworkIndex networks;
    private final String eventId;

    public InventoryIndex(final InventorySnapshot snapshot, final String eventId) {
        this.eventId = eventId;
        for (InventorySnapshot.Asset raw : snapshot.assets()) {
            final List<String> ips = new ArrayList<>();
            for (String ip : raw.ips()) {
                IpAddresses.normalize(ip).ifPresent(ips::add);
            }
            final Asset asset = new Asset(Names.normalize(raw.name()), List.copyOf(ips), environmentLabel(raw.environment()));
            byName.putIfAbsent(asset.name(), asset);
            byFirstLabel.computeIfAbsent(Names.firstLabel(asset.name()), k -> new ArrayList<>(1)).add(asset);
            for (String ip : ips) {
                // the first asset listing an address wins; the inventory loader reports conflicts
                byIp.putIfAbsent(ip, asset);
            }
        }
        final List<NetworkIndex.Entry> entries = new ArrayList<>();
        for (InventorySnapshot.Network network : snapshot.networks()) {
            try {
                entries.add(NetworkIndex.Entry.of(network.cidr(), environmentLabel(network.environment())));
            } catch (IllegalArgumentException e) {
                // the inventory loader rejects bad networks; one that slipped through must not stop the engine
                LOGGER.atWarn().addKeyValue("cidr", network.cidr()).addKeyValue("error", e.getMessage())
                        .log("inventory network ignored");
            }
        }
        this.networks = NetworkIndex.of(entries);
    }

    /** Lower-cased environment label; {@code unknown} is reserved and treated as no label. */
    public static String environmentLabel(final String raw) {
        return raw == null || raw.isBlank() ? UNKNOWN : raw.trim().toLowerCase(Locale.ROOT);
    }

    /** Event id of the inventory snapshot this index was built from (null for none). */
    public String eventId() {
        return eventId;
    }

    /** The asset with exactly this normalized name. */
    public Optional<Asset> asset(final String normalizedName) {
        return Optional.ofNullable(byName.get(normalizedName));
    }

    /**
     * The asset a name with no observer denotes: a qualified name is the asset of that name; a
     * short name is the one asset whose first label equals it, when exactly one exists.
     */
    public Optional<Asset> denotedAsset(final String normalizedName) {
        if (normalizedName.indexOf('.') >= 0) {
            return asset(normalizedName);
        }
        final Asset exact = byName.get(normalizedName);
        if (exact != null) {
            return Optional.of(exact);
        }
        final List<Asset> candidates = byFirstLabel.get(normalizedName);
        return candidates != null && candidates.size() == 1 ? Optional.of(candidates.get(0)) : Optional.empty();
    }

    /** Environment of a canonical IP: the asset listing it, else the most specific network, else unknown. */
    public Environment environmentOfIp(final String ip) {
        final Asset asset = byIp.get(ip);
        if (asset != null) {
            return new Environment(asset.environment(), "asset:" + asset.name());
        }
        return networks.networkOf(ip)
                .map(match -> new Environment(match.environment(), "network:" + match.cidr()))
                .orElse(new Environment(UNKNOWN, "none"));
    }

    /** The asset that lists this IP, if any. */
    public Optional<Asset> assetOfIp(final String ip) {
        return Optional.ofNullable(byIp.get(ip));
    }
}
