package dev.restoreguard.producers.runtime;

import dev.restoreguard.events.config.ConfigException;
import dev.restoreguard.producers.config.CollectorConfig;
import dev.restoreguard.producers.dns.DnsZoneCollector;
import dev.restoreguard.producers.dns.ResolutionWatcher;
import dev.restoreguard.producers.dns.WindowsDnsAuditCollector;
import dev.restoreguard.producers.hosts.AuditLogWriters;
import dev.restoreguard.producers.hosts.HostsFileCollector;
import dev.restoreguard.producers.inventory.InventoryWatchCollector;
import dev.restoreguard.producers.restore.PgBackRestLogCollector;
import dev.restoreguard.producers.restore.RestoreHttpCollector;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** The collector kinds {@code restoreguard collect <kind>} runs, built from the configuration. */
public final class CollectorKinds {

    /** Every kind, as typed on the command line. */
    public static final List<String> KINDS = List.of(HostsFileCollector.KIND, DnsZoneCollector.KIND,
            WindowsDnsAuditCollector.KIND, ResolutionWatcher.KIND,
            RestoreHttpCollector.KIND, PgBackRestLogCollector.KIND, InventoryWatchCollector.KIND);

    private CollectorKinds() {
    }

    /**
     * Builds the collector of {@code kind}.
     *
     * @throws ConfigException naming the missing section when the kind is not configured
     */
    public static Collector create(final String kind, final CollectorConfig config, final Metrics metrics) {
        final Path state = Path.of(config.collector().stateDir());
        final String observer = config.collector().observerOrHostName();
        final CollectorConfig.Collectors c = config.collectors();
        return switch (kind) {
            case HostsFileCollector.KIND -> {
                final CollectorConfig.HostsFile h = c.hostsFile();
                yield new HostsFileCollector(observer, h.paths().stream().map(Path::of).toList(),
                        Duration.ofSeconds(h.recheckSeconds()), Duration.ofMillis(h.debounceMs()), h.maxBytes(), state,
                        new AuditLogWriters(Path.of(h.auditLog()), h.auditKey()), metrics, Clock.systemUTC());
            }
            case DnsZoneCollector.KIND -> {
                final CollectorConfig.DnsZone z = ConfigException.required("collectors.dns_zone", c.dnsZone());
                yield new DnsZoneCollector(z.servers(), Duration.ofSeconds(z.pollSeconds()), Duration.ofMillis(z.timeoutMs()),
                        z.emitBaseline(), state, metrics, Clock.systemUTC());
            }
            case WindowsDnsAuditCollector.KIND -> {
                final CollectorConfig.WindowsDns w = ConfigException.required("collectors.windows_dns", c.windowsDns());
                yield new WindowsDnsAuditCollector(w.files().stream().map(Path::of).toList(), w.http(), w.server(), state,
                        metrics);
            }
            case ResolutionWatcher.KIND -> {
                final CollectorConfig.Resolution r = ConfigException.required("collectors.resolution", c.resolution());
                yield new ResolutionWatcher(observer, r.names(), r.servers(), Duration.ofSeconds(r.intervalSeconds()),
                        Duration.ofMillis(r.timeoutMs()), ResolutionWatcher.osResolver(), state, metrics, Clock.systemUTC());
            }
            case RestoreHttpCollector.KIND -> RestoreHttpCollector.create(
                    ConfigException.required("collectors.restore_http", c.restoreHttp()), metrics);
            case PgBackRestLogCollector.KIND -> {
                final CollectorConfig.PgBackRest p = ConfigException.required("collectors.pgbackrest", c.pgbackrest());
                yield new PgBackRestLogCollector(observer, p.files().stream().map(Path::of).toList(), p.target(),
                        java.time.ZoneId.of(p.timeZone()), Duration.ofMillis(p.pollMs()), state, metrics);
            }
            case InventoryWatchCollector.KIND -> {
                final CollectorConfig.InventoryWatch w = ConfigException.required("collectors.inventory_watch", c.inventoryWatch());
                yield new InventoryWatchCollector(Path.of(w.file()), Duration.ofMillis(w.pollMs()), state, System.getenv(), metrics);
            }
            default -> throw new ConfigException("collector kind '" + kind + "' is unknown; kinds: " + String.join(", ", KINDS));
        };
    }
}
