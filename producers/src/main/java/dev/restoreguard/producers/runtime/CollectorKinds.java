package dev.restoreguard.producers.runtime;

import dev.restoreguard.events.config.ConfigException;
import dev.restoreguard.producers.approval.BridgeKeys;
import dev.restoreguard.producers.config.CollectorConfig;
import dev.restoreguard.producers.dns.DnsZoneCollector;
import dev.restoreguard.producers.dns.ResolutionWatcher;
import dev.restoreguard.producers.dns.WindowsDnsAuditCollector;
import dev.restoreguard.producers.hosts.AuditLogWriters;
import dev.restoreguard.producers.hosts.HostsFileCollector;
import dev.restoreguard.producers.servicenow.ServiceNowChangePoller;
import dev.restoreguard.producers.servicenow.ServiceNowCollector;
import dev.restoreguard.producers.tls.TlsContexts;
import dev.restoreguard.producers.veeam.VeeamRestClient;
import dev.restoreguard.producers.veeam.VeeamRestCollector;
import dev.restoreguard.producers.veeam.VeeamSessionStopper;
import dev.restoreguard.producers.veeam.VeeamSyslogCollector;
import java.net.URI;
import java.net.http.HttpClient;
import dev.restoreguard.producers.inventory.InventoryWatchCollector;
import dev.restoreguard.producers.restore.PgBackRestLogCollector;
import dev.restoreguard.producers.restore.RestoreHttpCollector;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The collector kinds {@code restoreguard collect <kind>} runs, built from the configuration. */
public final class CollectorKinds {

    /** Every kind, as typed on the command line. */
    public static final List<String> KINDS = List.of(HostsFileCollector.KIND, DnsZoneCollector.KIND,
            WindowsDnsAuditCollector.KIND, ResolutionWatcher.KIND, VeeamSyslogCollector.KIND, VeeamRestCollector.KIND,
            ServiceNowCollector.KIND, RestoreHttpCollector.KIND, PgBackRestLogCollector.KIND,
            InventoryWatchCollector.KIND);

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
            case VeeamSyslogCollector.KIND -> {
                final CollectorConfig.VeeamSyslog v = ConfigException.required("collectors.veeam_syslog", c.veeamSyslog());
                final CollectorConfig.SyslogTls t = v.tls();
                yield new VeeamSyslogCollector(v, t == null ? null : TlsContexts.server("collectors.veeam_syslog.tls",
                        path(t.keyStore()), t.keyStorePassword(), path(t.certificate()), path(t.privateKey())), metrics);
            }
            case VeeamRestCollector.KIND -> {
                final CollectorConfig.VeeamRest v = ConfigException.required("collectors.veeam_rest", c.veeamRest());
                final URI url = URI.create(v.url());
                final String vbr = v.observer() != null ? v.observer() : dev.restoreguard.events.net.Names.normalize(url.getHost());
                final VeeamRestClient client = new VeeamRestClient(url, v.username(),
                        CollectorConfig.secret(v.password(), v.passwordFile(), "collectors.veeam_rest.password_file"),
                        v.apiVersion(), httpClient("collectors.veeam_rest.tls", v.tls(), v.timeoutMs()),
                        Duration.ofMillis(v.timeoutMs()), Clock.systemUTC());
                VeeamSessionStopper stopper = null;
                if (v.stop().enabled()) {
                    final Map<String, Object> consumer = new HashMap<>(config.kafka().properties());
                    consumer.put("bootstrap.servers", config.kafka().bootstrapServers());
                    consumer.put("group.id", v.stop().groupId() != null ? v.stop().groupId() : "restoreguard-veeam-stop-" + vbr);
                    stopper = new VeeamSessionStopper(client, vbr, v.stop().rules(), consumer, state, metrics, Clock.systemUTC());
                }
                yield new VeeamRestCollector(client, v.sessionTypes(), vbr, v.pageSize(), Duration.ofSeconds(v.pollSeconds()),
                        Duration.ofHours(v.initialLookbackHours()), state, metrics, Clock.systemUTC(), stopper);
            }
            case ServiceNowCollector.KIND -> {
                final CollectorConfig.ServiceNow s = ConfigException.required("collectors.servicenow", c.servicenow());
                final ServiceNowChangePoller.Auth auth = s.username() != null
                        ? new ServiceNowChangePoller.Basic(s.username(),
                                CollectorConfig.secret(s.password(), s.passwordFile(), "collectors.servicenow.password_file"))
                        : new ServiceNowChangePoller.Bearer(() -> CollectorConfig.secret(s.token(), s.tokenFile(),
                                "collectors.servicenow.token_file"));
                yield new ServiceNowCollector(new ServiceNowChangePoller(URI.create(s.instanceUrl()), auth, s.pageSize(),
                        httpClient("collectors.servicenow.tls", s.tls(), s.timeoutMs()), Duration.ofMillis(s.timeoutMs()),
                        // the approval bridge: every change it publishes is signed (detection contract section 5)
                        BridgeKeys.signer(null, null, System.getenv(), BridgeKeys.home(System.getenv()))),
                        Duration.ofSeconds(s.pollSeconds()), Duration.ofDays(s.initialLookbackDays()), state, metrics,
                        Clock.systemUTC());
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

    private static Path path(final String p) {
        return p == null ? null : Path.of(p);
    }

    /** An HTTP client trusting what {@code tls} says; {@code key} names the section in errors. */
    private static HttpClient httpClient(final String key, final CollectorConfig.ClientTls tls, final int timeoutMs) {
        return HttpClient.newBuilder().connectTimeout(Duration.ofMillis(timeoutMs))
                .sslContext(TlsContexts.client(key, path(tls.caFile()), path(tls.trustStore()), tls.trustStorePassword(),
                        tls.pinnedSha256()))
                .build();
    }
}
