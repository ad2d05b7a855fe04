package dev.restoreguard.producers.inventory;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.config.ConfigException;
import dev.restoreguard.events.config.StrictYaml;
import dev.restoreguard.events.inventory.InventorySnapshot;
import dev.restoreguard.events.net.Cidr;
import dev.restoreguard.events.net.IpAddresses;
import dev.restoreguard.events.net.Names;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the YAML inventory ({@code assets: [{name, ips, environment, owner}]},
 * {@code networks: [{cidr, environment}]}) with {@link StrictYaml} (unknown and duplicate keys
 * fail) and validates it, naming the line and key of every problem:
 *
 * <ul>
 *   <li>a bad IP or CIDR (CIDRs with host bits set are refused: {@code 10.20.1.7/16} is a typo for
 *       a host or a network, and guessing could put production in the wrong environment);</li>
 *   <li>a missing name or environment, the reserved environment {@code unknown};</li>
 *   <li>a duplicate asset (names compared after normalization);</li>
 *   <li>one IP listed by assets of two environments;</li>
 *   <li>the same network listed twice. Overlapping networks of different environments are allowed
 *       when one is more specific ({@code 10.0.0.0/8 development} with {@code 10.20.0.0/16
 *       production}): the contract's "most specific network wins" makes that a deliberate carve-out.
 *       Only an identical CIDR with two environments is an error, because nothing could decide it.</li>
 * </ul>
 *
 * All problems are collected and reported together. The result is an {@link InventorySnapshot}
 * with normalized names, canonical IPs and CIDRs and lower-case environments, ready to publish on
 * {@code restoreguard.inventory} under the key {@code inventory}.
 */
public final class InventoryLoader {

    /** Envelope source of a published inventory ({@code inventory load} and {@code collect inventory-watch}). */
    public static final String SOURCE = "inventory-file";
    /** The one key of {@code restoreguard.inventory}: each snapshot replaces the whole inventory. */
    public static final String KEY = "inventory";

    /** The file as written. */
    public record InventoryFile(List<AssetEntry> assets, List<NetworkEntry> networks) {
        public InventoryFile {
            assets = assets == null ? List.of() : assets;
            networks = networks == null ? List.of() : networks;
        }
    }

    /** One asset as written. */
    public record AssetEntry(String name, List<String> ips, String environment, String owner) {
    }

    /** One network as written. */
    public record NetworkEntry(String cidr, String environment) {
    }

    /** A validation failure listing every problem, one per line. */
    public static final class InventoryException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final List<String> problems;

        InventoryException(final String source, final List<String> problems) {
            super(source + ": " + problems.size() + " problem(s):\n  " + String.join("\n  ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    private InventoryLoader() {
    }

    /** The envelope that publishes {@code snapshot} as the inventory in force from {@code at}. */
    public static Envelope envelope(final InventorySnapshot snapshot, final Instant at) {
        return Envelope.of(SOURCE, at, null, snapshot);
    }

    /** Reads and validates a file. */
    public static InventorySnapshot load(final Path file, final Map<String, String> env) {
        final String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(text, file.toString(), env);
    }

    /** Parses and validates YAML text; {@code source} names it in errors. */
    public static InventorySnapshot parse(final String yaml, final String source, final Map<String, String> env) {
        final InventoryFile file;
        try {
            file = StrictYaml.parse(yaml, InventoryFile.class, env);
        } catch (ConfigException e) {
            throw new ConfigException(source + ": " + e.getMessage(), e);
        }
        final Map<String, Integer> lines = lines(StrictYaml.substitute(yaml, env));
        final List<String> problems = new ArrayList<>();
        final List<InventorySnapshot.Asset> assets = new ArrayList<>();
        final Map<String, String> firstAsset = new HashMap<>();
        final Map<String, String[]> ipOwner = new HashMap<>();
        for (int i = 0; i < file.assets().size(); i++) {
            final AssetEntry a = file.assets().get(i);
            final String path = "assets[" + i + "]";
            final String where = at(lines, "/assets/" + i, path);
            if (a == null) {
                problems.add(where + ": empty entry");
                continue;
            }
            final String env1 = environment(a.environment(), where + ".environment", problems);
            if (a.name() == null || a.name().isBlank()) {
                problems.add(at(lines, "/assets/" + i, path) + ".name: required");
                continue;
            }
            final String name = Names.normalize(a.name());
            final String previous = firstAsset.putIfAbsent(name, where);
            if (previous != null) {
                problems.add(at(lines, "/assets/" + i + "/name", path + ".name") + ": duplicate asset '" + name
                        + "' (first at " + previous + ")");
            }
            final List<String> ips = new ArrayList<>();
            final List<String> raw = a.ips() == null ? List.of() : a.ips();
            for (int j = 0; j < raw.size(); j++) {
                final String ipWhere = at(lines, "/assets/" + i + "/ips/" + j, path + ".ips[" + j + "]");
                final String ip = raw.get(j) == null ? null : IpAddresses.normalize(raw.get(j)).orElse(null);
                if (ip == null) {
                    problems.add(ipWhere + ": not an IP address: '" + raw.get(j) + "'");
                    continue;
                }
                ips.add(ip);
                final String[] owner = ipOwner.putIfAbsent(ip, new String[] {env1, name, ipWhere});
                if (owner != null && env1 != null && owner[0] != null && !owner[0].equals(env1)) {
                    problems.add(ipWhere + ": IP " + ip + " is claimed by '" + name + "' (" + env1 + ") and by '"
                            + owner[1] + "' (" + owner[0] + ", " + owner[2] + ")");
                }
            }
            if (env1 != null) {
                assets.add(new InventorySnapshot.Asset(name, ips, env1, a.owner()));
            }
        }
        final List<InventorySnapshot.Network> networks = new ArrayList<>();
        final Map<Cidr, String[]> seen = new HashMap<>();
        for (int i = 0; i < file.networks().size(); i++) {
            final NetworkEntry n = file.networks().get(i);
            final String path = "networks[" + i + "]";
            final String where = at(lines, "/networks/" + i, path);
            if (n == null) {
                problems.add(where + ": empty entry");
                continue;
            }
            final String env1 = environment(n.environment(), where + ".environment", problems);
            final Cidr cidr;
            try {
                cidr = Cidr.parse(n.cidr());
            } catch (IllegalArgumentException e) {
                problems.add(at(lines, "/networks/" + i + "/cidr", path + ".cidr") + ": " + e.getMessage());
                continue;
            }
            final String[] other = seen.putIfAbsent(cidr, new String[] {env1, where});
            if (other != null) {
                problems.add(where + ": network " + cidr + " is listed twice (" + other[1] + ")"
                        + (env1 != null && !env1.equals(other[0]) ? " with environments " + other[0] + " and " + env1 : ""));
                continue;
            }
            if (env1 != null) {
                networks.add(new InventorySnapshot.Network(cidr.toString(), env1));
            }
        }
        if (!problems.isEmpty()) {
            throw new InventoryException(source, problems);
        }
        return new InventorySnapshot(assets, networks);
    }

    private static String environment(final String value, final String where, final List<String> problems) {
        if (value == null || value.isBlank()) {
            problems.add(where + ": required");
            return null;
        }
        final String env = value.strip().toLowerCase(Locale.ROOT);
        if ("unknown".equals(env)) {
            problems.add(where + ": 'unknown' is reserved for addresses the inventory does not know");
            return null;
        }
        return env;
    }

    private static String at(final Map<String, Integer> lines, final String pointer, final String path) {
        final Integer line = lines.get(pointer);
        return line == null ? path : "line " + line + ": " + path;
    }

    /** The line of every node, by JSON pointer ({@code /assets/0/ips/1}). */
    private static Map<String, Integer> lines(final String yaml) {
        final Map<String, Integer> lines = new HashMap<>();
        try (JsonParser p = new YAMLFactory().createParser(yaml)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.FIELD_NAME) {
                    continue;
                }
                final String pointer = p.getParsingContext().pathAsPointer().toString();
                lines.putIfAbsent(pointer, p.currentTokenLocation().getLineNr());
            }
        } catch (IOException e) {
            // already parsed once by StrictYaml; lines are a nicety
        }
        return lines;
    }
}
