package dev.restoreguard.bench;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.producers.approval.ApprovalSigner;
import dev.restoreguard.streams.approval.TrustedKeys;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.approval.ApprovalEvent;
import dev.restoreguard.events.dns.DnsRecordChange;
import dev.restoreguard.events.inventory.InventorySnapshot;
import dev.restoreguard.events.restore.RestoreEvent;
import dev.restoreguard.producers.hosts.HostsFileParser;
import dev.restoreguard.producers.hosts.HostsSnapshotter;
import dev.restoreguard.producers.scenario.Routed;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A realistic mixed input for the engine, generated deterministically from a seed: one inventory of
 * {@code assets} machines in four environments with a /24 network per 256 addresses, then hosts-file
 * snapshots of {@code observers} backup servers (35%), DNS changes (25%), restores (35%) and
 * approvals (5%), in event-time order with 2% of the records up to five minutes late. As in a
 * real estate, most changes are benign: 5% of hosts entries and DNS changes point a name at
 * another machine's address (often another environment), so alerts are the exception.
 */
public final class MixedStream {

    private static final String[] ENVIRONMENTS = {"production", "staging", "development", "test"};
    private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");

    /** The bench's approval bridge: an ephemeral key that the bench's engines trust ({@link #trustedKeys()}). */
    public static final ApprovalSigner SIGNER = ApprovalSigner.ephemeral("bench-bridge");

    private MixedStream() {
    }

    /** The keys an engine under benchmark trusts: the bench bridge's. */
    public static TrustedKeys trustedKeys() {
        return TrustedKeys.of(List.of(TrustedKeys.TrustedKey.unscoped(SIGNER.keyId(), SIGNER.publicKey().orElseThrow())));
    }

    /** The inventory followed by {@code events} mixed events, approvals signed by {@link #SIGNER}. */
    public static List<Routed> generate(final int events, final int observers, final int assets, final long seed) {
        return generate(events, observers, assets, seed, SIGNER);
    }

    static String ip(final int i) {
        return "10." + ((i >> 16) & 255) + "." + ((i >> 8) & 255) + "." + (i & 255);
    }

    static String asset(final int i) {
        return "srv-" + i;
    }

    /** The inventory followed by {@code events} mixed events; approvals signed by {@code signer}, as the bridge does. */
    public static List<Routed> generate(final int events, final int observers, final int assets, final long seed,
                                        final ApprovalSigner signer) {
        final List<Routed> out = new ArrayList<>(events + 1);
        out.add(inventory(assets, START));
        final Generator generator = new Generator(observers, assets, seed, signer);
        Instant t = START.plusSeconds(60);
        for (int n = 0; n < events; n++) {
            t = t.plusMillis(100);
            generator.next(t, true).ifPresent(out::add);
        }
        return out;
    }

    /** The inventory snapshot of {@code assets} machines in four environments, at {@code at}. */
    public static Routed inventory(final int assets, final Instant at) {
        final List<InventorySnapshot.Asset> inventory = new ArrayList<>(assets);
        final List<InventorySnapshot.Network> networks = new ArrayList<>();
        for (int i = 1; i <= assets; i++) {
            inventory.add(new InventorySnapshot.Asset(asset(i) + ".corp.example", List.of(ip(i)), environmentOf(i), null));
        }
        for (int block = 0; block <= (assets >> 8); block++) {
            networks.add(new InventorySnapshot.Network("10." + ((block >> 8) & 255) + "." + (block & 255) + ".0/24",
                    ENVIRONMENTS[block % 4]));
        }
        return new Routed(Topics.INVENTORY.name(), "inventory",
                Envelope.of("bench", at, null, new InventorySnapshot(inventory, networks)));
    }

    /** The environment of asset {@code i}: blocks of 256 assets per environment in turn (1..255 is production). */
    public static String environmentOf(final int i) {
        return ENVIRONMENTS[(i >> 8) % 4];
    }

    /** The short name of asset {@code i} ({@code srv-<i>}); its FQDN adds {@code .corp.example}. */
    public static String assetName(final int i) {
        return asset(i);
    }

    /**
     * Mixed events one at a time, for a stream generated up front (event times given) or a live
     * load (event time now). Not thread-safe.
     */
    public static final class Generator {
        private final SplittableRandom random;
        private final HostsSnapshotter hosts = new HostsSnapshotter(new HostsFileParser());
        private final int observers;
        private final int assets;
        private final boolean benignRestores;
        private final ApprovalSigner signer;
        private int n;

        /** A generator whose restores target any asset (a quarter of them production, unapproved: alerts). */
        public Generator(final int observers, final int assets, final long seed, final ApprovalSigner signer) {
            this(observers, assets, seed, false, signer);
        }

        /** A generator whose approvals {@link #SIGNER} signs. */
        public Generator(final int observers, final int assets, final long seed, final boolean benignRestores) {
            this(observers, assets, seed, benignRestores, SIGNER);
        }

        /**
         * @param benignRestores restores never target a production asset: a steady background load
         *                       in which alerts stay the exception, as in a real estate
         * @param signer         signs the approvals, as the approval bridge does
         */
        public Generator(final int observers, final int assets, final long seed, final boolean benignRestores,
                         final ApprovalSigner signer) {
            this.random = new SplittableRandom(seed);
            this.observers = observers;
            this.assets = assets;
            this.benignRestores = benignRestores;
            this.signer = signer;
        }

        /**
         * The next event at {@code t}, or empty when it was a hosts-file content identical to the
         * observer's previous one (the collector publishes nothing then).
         *
         * @param late whether 2% of the events may be up to five minutes late
         */
        public Optional<Routed> next(final Instant t, final boolean late) {
            final int number = n++;
            final Instant at = late && random.nextInt(100) < 2 ? t.minusSeconds(random.nextInt(300)) : t;
            final String observer = "vbr-" + random.nextInt(observers) + ".corp.example";
            final int a = 1 + random.nextInt(assets);
            // the address a name is given: its own, except for the 5% of mistakes the engine is for
            final int b = random.nextInt(100) < 5 ? 1 + random.nextInt(assets) : a;
            final int c = 1 + random.nextInt(assets);
            final int kind = random.nextInt(100);
            if (kind < 35) {
                final String content = "127.0.0.1 localhost\n" + ip(b) + " " + asset(a) + "\n" + ip(c) + " "
                        + asset(c) + ".corp.example # n" + number + "\n";
                return hosts.next(observer, "/etc/hosts", content.getBytes(StandardCharsets.UTF_8), null)
                        .map(s -> new Routed(Topics.HOSTS.name(), observer, Envelope.of("bench", at, observer, s)));
            } else if (kind < 60) {
                final DnsRecordChange change = new DnsRecordChange("corp.example", asset(a), "A",
                        random.nextInt(4) == 0 ? "delete" : "add", ip(b),
                        "dc01.corp.example", "CORP\\dnsadmin", null);
                return Optional.of(new Routed(Topics.DNS.name(), asset(a) + ".corp.example",
                        Envelope.of("bench", at, "dc01.corp.example", change)));
            } else if (kind < 95) {
                final int target = benignRestores && "production".equals(environmentOf(a)) ? 1 + (a + 255) % assets : a;
                final RestoreEvent restore = new RestoreEvent("veeam", "s-" + number, "started", asset(target), null, null,
                        "CORP\\op" + random.nextInt(50), null, null, null);
                return Optional.of(new Routed(Topics.RESTORES.name(), observer,
                        Envelope.of("bench", at, observer, restore)));
            }
            final Instant start = at.plus(Duration.ofMinutes(random.nextInt(120) - 60));
            final ApprovalEvent approval = new ApprovalEvent("CHG" + number, "approved", List.of(asset(a)),
                    new ApprovalEvent.Window(start, start.plus(Duration.ofHours(2))), "cab@corp.example", "bench",
                    null);
            return Optional.of(new Routed(Topics.APPROVALS.name(), approval.changeId(),
                    signer.envelope("bench", at, approval)));
        }
    }
}
