package dev.restoreguard.events.inventory;

import static dev.restoreguard.events.EventValidationException.require;

import dev.restoreguard.events.EventPayload;
import java.util.List;

/**
 * The whole environment inventory at its event time; each snapshot replaces the previous one.
 * Published on {@code restoreguard.inventory} under the single key {@code inventory}.
 *
 * @param assets   named machines with their addresses and environment
 * @param networks CIDR networks with their environment (most specific wins)
 */
public record InventorySnapshot(List<Asset> assets, List<Network> networks) implements EventPayload {

    public static final String KIND = "inventory";

    public InventorySnapshot {
        assets = assets == null ? List.of() : List.copyOf(assets);
        networks = networks == null ? List.of() : List.copyOf(networks);
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** An inventory asset: a name, its addresses in order (the first is its primary), its environment. */
    public record Asset(String name, List<String> ips, String environment, String owner) {
        public Asset {
            require("inventory.assets.name", name);
            ips = ips == null ? List.of() : List.copyOf(ips);
            require("inventory.assets.environment", environment);
        }
    }

    /** A network and its environment. */
    public record Network(String cidr, String environment) {
        public Network {
            require("inventory.networks.cidr", cidr);
            require("inventory.networks.environment", environment);
        }
    }
}
