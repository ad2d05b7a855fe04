package dev.restoreguard.producers.config;

import static dev.restoreguard.events.config.ConfigException.check;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreguard.events.config.ConfigException;
import dev.restoreguard.events.config.StrictYaml;
import dev.restoreguard.events.net.IpAddresses;
import dev.restoreguard.events.net.Names;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The collectors' part of {@code restoreguard.yaml}, read strictly by {@link StrictYaml}: unknown
 * or duplicate keys fail, {@code ${VAR}} / {@code ${VAR:-default}} come from the environment, and
 * every error names the key path. Every key has a default (documented in {@code docs/collectors.md}
 * and on each component below), so a minimal file names only what it watches. The sections other
 * components read from the same file ({@code engine}, {@code sinks}, {@code approvals},
 * {@code inventory}) are accepted here and validated by those components.
 *
 * @param kafka      where events go
 * @param collector  runtime settings shared by every collector kind
 * @param collectors per-kind settings
 */
public record CollectorConfig(Kafka kafka, Runtime collector, Collectors collectors,
                              JsonNode engine, JsonNode sinks, JsonNode approvals, JsonNode inventory) {

    public CollectorConfig {
        kafka = kafka == null ? new Kafka(null, null) : kafka;
        collector = collector == null ? new Runtime(null, null, null, null, null) : collector;
        collectors = collectors == null ? new Collectors(null, null, null, null, null, null, null,
                null, null, null) : collectors;
    }

    /**
     * This configuration with Kafka client properties added (a {@code --client-config} file):
     * they win over {@code kafka.properties}; its {@code bootstrap.servers}, if any, over
     * {@code kafka.bootstrap_servers}.
     */
    public CollectorConfig withKafkaClientProperties(final Map<String, String> clientProperties) {
        final Map<String, String> merged = new java.util.HashMap<>(kafka.properties());
        merged.putAll(clientProperties);
        final String servers = merged.remove("bootstrap.servers");
        return new CollectorConfig(new Kafka(servers == null ? kafka.bootstrapServers() : servers, merged), collector,
                collectors, engine, sinks, approvals, inventory);
    }

    /** Reads and validates {@code file} with the process environment. */
    public static CollectorConfig read(final Path file) {
        return read(file, System.getenv());
    }

    /** Reads and validates {@code file} with variables from {@code env}. */
    public static CollectorConfig read(final Path file, final Map<String, String> env) {
        return StrictYaml.read(file, CollectorConfig.class, env);
    }

    /** Parses YAML text (tests). */
    public static CollectorConfig parse(final String yaml, final Map<String, String> env) {
        return StrictYaml.parse(yaml, CollectorConfig.class, env);
    }

    /**
     * A secret given inline or in a file (the file's content without its trailing line break).
     *
     * @param key the key path of the file setting, for the error
     */
    public static String secret(final String inline, final String file, final String key) {
        if (inline != null) {
            return inline;
        }
        try {
            return java.nio.file.Files.readString(Path.of(file), java.nio.charset.StandardCharsets.UTF_8).strip();
        } catch (java.io.IOException e) {
            throw new ConfigException(key + ": cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Kafka producer settings.
     *
     * @param bootstrapServers default {@code 127.0.0.1:9092}
     * @param properties       passed to the producer as they are ({@code security.protocol},
     *                         {@code sasl.*}, {@code ssl.*}, timeouts); idempotence, {@code acks=all}
     *                         and the serializers cannot be overridden
     */
    public record Kafka(String bootstrapServers, Map<String, String> properties) {
        public Kafka {
            bootstrapServers = bootstrapServers == null || bootstrapServers.isBlank() ? "127.0.0.1:9092" : bootstrapServers;
            properties = properties == null ? Map.of() : Map.copyOf(properties);
            for (String key : List.of("enable.idempotence", "acks", "key.serializer", "value.serializer")) {
                check(!properties.containsKey(key), "properties." + key, "cannot be overridden (durability depends on it)");
            }
        }

        /** Without the values of secret properties (JAAS configurations, passwords, keys): this may be logged. */
        @Override
        public String toString() {
            final Map<String, String> shown = new java.util.TreeMap<>();
            properties.forEach((key, value) -> shown.put(key, key.matches("(?i).*(jaas|password|secret|key\\b|token).*")
                    ? "[hidden]" : value));
            return "Kafka[bootstrapServers=" + bootstrapServers + ", properties=" + shown + "]";
        }
    }

    /**
     * Runtime settings.
     *
     * @param observer                 FQDN of this machine (default: the OS host name, canonical)
     * @param stateDir                 where collectors keep what they last published (default
     *                                 {@code /var/lib/restoreguard}, on Windows
     *                                 {@code %ProgramData%\RestoreGuard})
     * @param spool                    the durable outbox
     * @param health                   the HTTP endpoints
     * @param heartbeatIntervalSeconds heartbeat period (default 60)
     */
    public record Runtime(String observer, String stateDir, Spool spool, Health health, Integer heartbeatIntervalSeconds) {
        public Runtime {
            observer = observer == null || observer.isBlank() ? null : Names.normalize(observer);
            stateDir = stateDir == null || stateDir.isBlank() ? defaultStateDir() : stateDir;
            spool = spool == null ? new Spool(null, null, null, null, null) : spool;
            health = health == null ? new Health(null, null) : health;
            heartbeatIntervalSeconds = heartbeatIntervalSeconds == null ? 60 : heartbeatIntervalSeconds;
            check(heartbeatIntervalSeconds >= 1 && heartbeatIntervalSeconds <= 3600, "heartbeat_interval_seconds",
                    "must be 1..3600");
        }

        /** The observer name to report: configured, else this machine's canonical host name. */
        public String observerOrHostName() {
            if (observer != null) {
                return observer;
            }
            try {
                return Names.normalize(InetAddress.getLocalHost().getCanonicalHostName());
            } catch (UnknownHostException e) {
                final String env = System.getenv().getOrDefault("COMPUTERNAME", System.getenv("HOSTNAME"));
                return Names.normalize(env == null ? "localhost" : env);
            }
        }

        /** The spool folder: configured, else {@code <state_dir>/spool}. */
        public Path spoolDir() {
            return spool.dir() != null ? Path.of(spool.dir()) : Path.of(stateDir, "spool");
        }

        private static String defaultStateDir() {
            final boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
            if (windows) {
                final String programData = System.getenv().getOrDefault("ProgramData", "C:\\ProgramData");
                return programData + "\\RestoreGuard";
            }
            return "/var/lib/restoreguard";
        }
    }

    /**
     * The durable outbox (see {@code Spool}).
     *
     * @param dir             default {@code <state_dir>/spool}
     * @param maxBytes        size cap, default 512 MiB; when full, new events are refused, counted and logged
     * @param segmentBytes    segment size, default 8 MiB
     * @param fsync           {@code always} (default) or {@code interval}
     * @param fsyncIntervalMs with {@code interval}, default 1000
     */
    public record Spool(String dir, Long maxBytes, Long segmentBytes, String fsync, Integer fsyncIntervalMs) {
        public Spool {
            maxBytes = maxBytes == null ? 512L * 1024 * 1024 : maxBytes;
            segmentBytes = segmentBytes == null ? 8L * 1024 * 1024 : segmentBytes;
            fsync = fsync == null ? "always" : fsync.toLowerCase(Locale.ROOT);
            fsyncIntervalMs = fsyncIntervalMs == null ? 1000 : fsyncIntervalMs;
            check(segmentBytes >= 1024, "segment_bytes", "must be at least 1024");
            check(maxBytes >= 2 * segmentBytes, "max_bytes", "must be at least twice segment_bytes (" + segmentBytes + ")");
            check(fsync.equals("always") || fsync.equals("interval"), "fsync", "must be 'always' or 'interval', not '" + fsync + "'");
            check(fsyncIntervalMs >= 1 && fsyncIntervalMs <= 60_000, "fsync_interval_ms", "must be 1..60000");
        }
    }

    /**
     * Health and metrics endpoints.
     *
     * @param bind address to listen on, default {@code 127.0.0.1}
     * @param port default 8711; 0 picks a free port
     */
    public record Health(String bind, Integer port) {
        public Health {
            bind = bind == null || bind.isBlank() ? "127.0.0.1" : bind;
            port = port == null ? 8711 : port;
            check(port >= 0 && port <= 65535, "port", "must be 0..65535");
        }
    }

    /** Per-kind settings; a kind that is run must be configured (hosts_file has usable defaults). */
    public record Collectors(HostsFile hostsFile, DnsZone dnsZone, WindowsDns windowsDns, Resolution resolution,
                             VeeamSyslog veeamSyslog, VeeamRest veeamRest, ServiceNow servicenow,
                             RestoreHttp restoreHttp, PgBackRest pgbackrest, InventoryWatch inventoryWatch) {
        public Collectors {
            hostsFile = hostsFile == null ? new HostsFile(null, null, null, null, null, null) : hostsFile;
        }
    }

    /**
     * The hosts-file collector.
     *
     * @param paths          files to watch (default: the OS hosts file)
     * @param recheckSeconds periodic re-check even without a file-system event (default 30)
     * @param debounceMs     quiet time after an event before reading (default 500)
     * @param maxBytes       read at most this much of a file (default 64 MiB; the parser caps at 16 MiB)
     * @param auditLog       auditd log to read the writer from (default {@code /var/log/audit/audit.log})
     * @param auditKey       auditd rule key (default {@code restoreguard-hosts})
     */
    public record HostsFile(List<String> paths, Integer recheckSeconds, Integer debounceMs, Long maxBytes,
                            String auditLog, String auditKey) {
        public HostsFile {
            paths = paths == null || paths.isEmpty() ? List.of(defaultHostsPath()) : List.copyOf(paths);
            recheckSeconds = recheckSeconds == null ? 30 : recheckSeconds;
            debounceMs = debounceMs == null ? 500 : debounceMs;
            maxBytes = maxBytes == null ? 64L * 1024 * 1024 : maxBytes;
            auditLog = auditLog == null ? "/var/log/audit/audit.log" : auditLog;
            auditKey = auditKey == null ? "restoreguard-hosts" : auditKey;
            check(recheckSeconds >= 1 && recheckSeconds <= 3600, "recheck_seconds", "must be 1..3600");
            check(debounceMs >= 0 && debounceMs <= 60_000, "debounce_ms", "must be 0..60000");
            check(maxBytes >= 1024, "max_bytes", "must be at least 1024");
            for (int i = 0; i < paths.size(); i++) {
                check(paths.get(i) != null && !paths.get(i).isBlank(), "paths[" + i + "]", "must not be blank");
            }
        }

        /** {@code /etc/hosts}, or {@code %SystemRoot%\System32\drivers\etc\hosts} on Windows. */
        public static String defaultHostsPath() {
            final boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
            if (windows) {
                return System.getenv().getOrDefault("SystemRoot", "C:\\Windows") + "\\System32\\drivers\\etc\\hosts";
            }
            return "/etc/hosts";
        }
    }

    /**
     * An authoritative DNS server.
     *
     * @param name    its name, reported as the event's server (default: the address)
     * @param address IP address (required)
     * @param port    default 53
     * @param zones   zones to watch (dns_zone); unused by the resolution watcher
     */
    public record DnsServer(String name, String address, Integer port, List<String> zones) {
        public DnsServer {
            ConfigException.required("address", address);
            check(IpAddresses.isIpLiteral(address), "address", "must be an IP address, not '" + address + "'");
            port = port == null ? 53 : port;
            check(port >= 1 && port <= 65535, "port", "must be 1..65535");
            name = name == null || name.isBlank() ? address : Names.normalize(name);
            zones = zones == null ? List.of() : zones.stream().map(Names::normalize).toList();
        }
    }

    /**
     * The zone watcher.
     *
     * @param servers      servers and their zones (required)
     * @param pollSeconds  SOA poll period (default 60)
     * @param timeoutMs    per query and transfer (default 10000)
     * @param emitBaseline at first start, publish every record as an add (default true: the engine
     *                     needs current records to resolve names)
     */
    public record DnsZone(List<DnsServer> servers, Integer pollSeconds, Integer timeoutMs, Boolean emitBaseline) {
        public DnsZone {
            ConfigException.required("servers", servers);
            check(!servers.isEmpty(), "servers", "must list at least one server");
            for (int i = 0; i < servers.size(); i++) {
                check(!servers.get(i).zones().isEmpty(), "servers[" + i + "].zones", "must list at least one zone");
            }
            servers = List.copyOf(servers);
            pollSeconds = pollSeconds == null ? 60 : pollSeconds;
            timeoutMs = timeoutMs == null ? 10_000 : timeoutMs;
            emitBaseline = emitBaseline == null || emitBaseline;
            check(pollSeconds >= 1 && pollSeconds <= 86_400, "poll_seconds", "must be 1..86400");
            check(timeoutMs >= 100 && timeoutMs <= 300_000, "timeout_ms", "must be 100..300000");
        }
    }

    /**
     * The Windows DNS Server audit collector (Winlogbeat JSON lines).
     *
     * @param files  JSON-lines files to follow (Winlogbeat's file output)
     * @param http   an HTTP endpoint accepting POSTed JSON lines, or null
     * @param server DNS server name when an event does not carry {@code host.name} / {@code winlog.computer_name}
     */
    public record WindowsDns(List<String> files, Http http, String server) {
        public WindowsDns {
            files = files == null ? List.of() : List.copyOf(files);
            check(!files.isEmpty() || http != null, "files", "list a file to follow or configure http");
            server = server == null || server.isBlank() ? null : Names.normalize(server);
        }
    }

    /**
     * An HTTP listener.
     *
     * @param bind default {@code 127.0.0.1}
     * @param port default 8712
     */
    public record Http(String bind, Integer port) {
        public Http {
            bind = bind == null || bind.isBlank() ? "127.0.0.1" : bind;
            port = port == null ? 8712 : port;
            check(port >= 0 && port <= 65535, "port", "must be 0..65535");
        }
    }

    /**
     * The resolution watcher.
     *
     * @param names           names to watch (required; restore targets)
     * @param servers         authoritative servers to ask directly (required)
     * @param intervalSeconds check period (default 60)
     * @param timeoutMs       per query (default 5000)
     */
    public record Resolution(List<String> names, List<DnsServer> servers, Integer intervalSeconds, Integer timeoutMs) {
        public Resolution {
            ConfigException.required("names", names);
            check(!names.isEmpty(), "names", "must list at least one name");
            names = names.stream().map(Names::normalize).toList();
            ConfigException.required("servers", servers);
            check(!servers.isEmpty(), "servers", "must list at least one server");
            servers = List.copyOf(servers);
            intervalSeconds = intervalSeconds == null ? 60 : intervalSeconds;
            timeoutMs = timeoutMs == null ? 5000 : timeoutMs;
            check(intervalSeconds >= 1 && intervalSeconds <= 86_400, "interval_seconds", "must be 1..86400");
            check(timeoutMs >= 100 && timeoutMs <= 60_000, "timeout_ms", "must be 100..60000");
        }
    }

    /**
     * A plain syslog listener (UDP or TCP).
     *
     * @param bind address to listen on, default {@code 0.0.0.0} (Veeam servers send from the network)
     * @param port default 514; 0 picks a free port
     */
    public record SyslogListener(String bind, Integer port) {
        public SyslogListener {
            bind = bind == null || bind.isBlank() ? "0.0.0.0" : bind;
            port = port == null ? 514 : port;
            check(port >= 0 && port <= 65535, "port", "must be 0..65535");
        }
    }

    /**
     * A syslog-over-TLS listener (RFC 5425). The key comes from a PKCS#12 {@code key_store} or from
     * PEM files ({@code certificate} chain and unencrypted PKCS#8 {@code private_key}).
     *
     * @param bind             default {@code 0.0.0.0}
     * @param port             default 6514; 0 picks a free port
     * @param keyStore         PKCS#12 file with the server key and certificate
     * @param keyStorePassword its password (and the key's)
     * @param certificate      PEM certificate chain, when no key store
     * @param privateKey       PEM PKCS#8 key, when no key store
     */
    public record SyslogTls(String bind, Integer port, String keyStore, String keyStorePassword, String certificate,
                            String privateKey) {
        public SyslogTls {
            bind = bind == null || bind.isBlank() ? "0.0.0.0" : bind;
            port = port == null ? 6514 : port;
            check(port >= 0 && port <= 65535, "port", "must be 0..65535");
            check(keyStore != null || (certificate != null && privateKey != null), "key_store",
                    "name a PKCS#12 key_store, or a PEM certificate and private_key");
            check(keyStore == null || (certificate == null && privateKey == null), "key_store",
                    "use either key_store or certificate/private_key, not both");
        }
    }

    /**
     * The Veeam syslog receiver (Veeam B&amp;R event forwarding, RFC 5424).
     *
     * @param udp                 UDP listener, or null
     * @param tcp                 TCP listener (octet counting and LF framing), or null
     * @param tls                 TLS listener (RFC 5425), or null; at least one of the three
     * @param maxMessageBytes     longer messages are skipped and counted (default 65536)
     * @param maxConnections      TCP and TLS connections at once; more are closed at once and counted (default 256)
     * @param idleTimeoutSeconds  a connection silent this long is closed (default 600)
     */
    public record VeeamSyslog(SyslogListener udp, SyslogListener tcp, SyslogTls tls, Integer maxMessageBytes,
                              Integer maxConnections, Integer idleTimeoutSeconds) {
        public VeeamSyslog {
            check(udp != null || tcp != null || tls != null, "udp", "configure at least one of udp, tcp, tls");
            maxMessageBytes = maxMessageBytes == null ? 65_536 : maxMessageBytes;
            maxConnections = maxConnections == null ? 256 : maxConnections;
            idleTimeoutSeconds = idleTimeoutSeconds == null ? 600 : idleTimeoutSeconds;
            check(maxMessageBytes >= 480 && maxMessageBytes <= 16 * 1024 * 1024, "max_message_bytes",
                    "must be 480..16777216 (RFC 5424 receivers must take 480)");
            check(maxConnections >= 1 && maxConnections <= 10_000, "max_connections", "must be 1..10000");
            check(idleTimeoutSeconds >= 1 && idleTimeoutSeconds <= 86_400, "idle_timeout_seconds", "must be 1..86400");
        }
    }

    /**
     * TLS trust of an HTTPS client: a pinned certificate, a PEM CA file or a PKCS#12 trust store;
     * none of them means the JDK's default trust.
     *
     * @param pinnedSha256       SHA-256 fingerprint of the server certificate (hex, colons allowed)
     * @param caFile             PEM CA certificates
     * @param trustStore         PKCS#12 trust store
     * @param trustStorePassword its password
     */
    public record ClientTls(String pinnedSha256, String caFile, String trustStore, String trustStorePassword) {
        public ClientTls {
            final int set = (pinnedSha256 == null ? 0 : 1) + (caFile == null ? 0 : 1) + (trustStore == null ? 0 : 1);
            check(set <= 1, "pinned_sha256", "use one of pinned_sha256, ca_file, trust_store");
        }
    }

    /**
     * The optional responder that stops a running Veeam session on an alert. Off by default: see
     * docs/collectors-restores-approvals.md for what stopping a restore half-way means.
     *
     * @param enabled default false
     * @param rules   rule ids that trigger a stop (default RG-001, RG-002)
     * @param groupId consumer group on {@code restoreguard.alerts} (default {@code restoreguard-veeam-stop-<observer>})
     */
    public record VeeamStop(Boolean enabled, List<String> rules, String groupId) {
        public VeeamStop {
            enabled = enabled != null && enabled;
            rules = rules == null || rules.isEmpty() ? List.of("RG-001", "RG-002") : List.copyOf(rules);
            for (int i = 0; i < rules.size(); i++) {
                check(List.of("RG-001", "RG-002").contains(rules.get(i)), "rules[" + i + "]",
                        "must be RG-001 or RG-002 (the rules about a restore session), not '" + rules.get(i) + "'");
            }
        }
    }

    /**
     * The Veeam B&amp;R REST API v1 poller.
     *
     * @param url                  base URL of the REST API, e.g. {@code https://vbr01.corp.example:9419} (required)
     * @param username             a Veeam user (Restore Operator or Backup Viewer suffices to read; stopping needs Restore Operator or Administrator)
     * @param password             its password (use {@code ${VAR}})
     * @param passwordFile         or a file holding it
     * @param apiVersion           {@code x-api-version} header (default {@code 1.2-rev0}, VBR 12.2)
     * @param sessionTypes         {@code typeFilter} values (default RestoreVm, InstantRecovery, FirstClassDiskInstantRestore)
     * @param observer             the VBR server's name in events (default: the URL's host)
     * @param pollSeconds          default 30
     * @param pageSize             {@code limit} per page (default 200, Veeam's default)
     * @param initialLookbackHours at the very first start, sessions created this long ago are read (default 24)
     * @param timeoutMs            per request (default 15000)
     * @param tls                  server trust
     * @param stop                 optional session stop on alerts
     */
    public record VeeamRest(String url, String username, String password, String passwordFile, String apiVersion,
                            List<String> sessionTypes, String observer, Integer pollSeconds, Integer pageSize,
                            Integer initialLookbackHours, Integer timeoutMs, ClientTls tls, VeeamStop stop) {
        public VeeamRest {
            ConfigException.required("url", url);
            check(url.startsWith("https://") || url.startsWith("http://"), "url", "must be an http(s) URL, not '" + url + "'");
            ConfigException.required("username", username);
            check(password != null ^ passwordFile != null, "password", "set exactly one of password, password_file");
            apiVersion = apiVersion == null || apiVersion.isBlank() ? "1.2-rev0" : apiVersion;
            check(apiVersion.matches("\\d+\\.\\d+-rev\\d+"), "api_version", "must look like 1.2-rev0, not '" + apiVersion + "'");
            sessionTypes = sessionTypes == null || sessionTypes.isEmpty()
                    ? List.of("RestoreVm", "InstantRecovery", "FirstClassDiskInstantRestore") : List.copyOf(sessionTypes);
            for (int i = 0; i < sessionTypes.size(); i++) {
                check(sessionTypes.get(i) != null && sessionTypes.get(i).matches("[A-Za-z]+"), "session_types[" + i + "]",
                        "must be a Veeam ESessionType such as RestoreVm");
            }
            observer = observer == null || observer.isBlank() ? null : Names.normalize(observer);
            pollSeconds = pollSeconds == null ? 30 : pollSeconds;
            pageSize = pageSize == null ? 200 : pageSize;
            initialLookbackHours = initialLookbackHours == null ? 24 : initialLookbackHours;
            timeoutMs = timeoutMs == null ? 15_000 : timeoutMs;
            tls = tls == null ? new ClientTls(null, null, null, null) : tls;
            stop = stop == null ? new VeeamStop(null, null, null) : stop;
            check(pollSeconds >= 1 && pollSeconds <= 86_400, "poll_seconds", "must be 1..86400");
            check(pageSize >= 1 && pageSize <= 10_000, "page_size", "must be 1..10000");
            check(initialLookbackHours >= 0 && initialLookbackHours <= 24 * 366, "initial_lookback_hours", "must be 0..8784");
            check(timeoutMs >= 100 && timeoutMs <= 300_000, "timeout_ms", "must be 100..300000");
        }
    }

    /**
     * The ServiceNow change poller (Table API {@code change_request}). Basic auth ({@code username}
     * and {@code password} or {@code password_file}) or an OAuth bearer token ({@code token}, or
     * {@code token_file}, read again before every poll so an external refresher can rotate it).
     *
     * @param instanceUrl         e.g. {@code https://corp.service-now.com} (required)
     * @param username            basic auth user
     * @param password            its password (use {@code ${VAR}})
     * @param passwordFile        or a file holding it
     * @param token               OAuth access token
     * @param tokenFile           or a file holding it
     * @param pollSeconds         default 60
     * @param pageSize            {@code sysparm_limit} (default 100)
     * @param initialLookbackDays at the very first start, changes updated this long ago are read (default 30)
     * @param timeoutMs           per request (default 30000)
     * @param tls                 server trust
     */
    public record ServiceNow(String instanceUrl, String username, String password, String passwordFile, String token,
                             String tokenFile, Integer pollSeconds, Integer pageSize, Integer initialLookbackDays,
                             Integer timeoutMs, ClientTls tls) {
        public ServiceNow {
            ConfigException.required("instance_url", instanceUrl);
            check(instanceUrl.startsWith("https://") || instanceUrl.startsWith("http://"), "instance_url",
                    "must be an http(s) URL, not '" + instanceUrl + "'");
            final boolean basic = username != null;
            final boolean bearer = token != null || tokenFile != null;
            check(basic ^ bearer, "username", "configure either username (basic auth) or token/token_file (OAuth), exactly one");
            if (basic) {
                check(password != null ^ passwordFile != null, "password", "set exactly one of password, password_file");
            } else {
                check(token == null || tokenFile == null, "token", "set exactly one of token, token_file");
            }
            pollSeconds = pollSeconds == null ? 60 : pollSeconds;
            pageSize = pageSize == null ? 100 : pageSize;
            initialLookbackDays = initialLookbackDays == null ? 30 : initialLookbackDays;
            timeoutMs = timeoutMs == null ? 30_000 : timeoutMs;
            tls = tls == null ? new ClientTls(null, null, null, null) : tls;
            check(pollSeconds >= 1 && pollSeconds <= 86_400, "poll_seconds", "must be 1..86400");
            check(pageSize >= 1 && pageSize <= 10_000, "page_size", "must be 1..10000");
            check(initialLookbackDays >= 0 && initialLookbackDays <= 366, "initial_lookback_days", "must be 0..366");
            check(timeoutMs >= 100 && timeoutMs <= 300_000, "timeout_ms", "must be 100..300000");
        }
    }

    /**
     * The restore HTTP endpoint ({@code POST /v1/restores}).
     *
     * @param bind          default {@code 127.0.0.1}
     * @param port          default 8713; 0 picks a free port
     * @param tokens        bearer tokens (write {@code token: ${RESTORE_TOKEN}} to take one from the
     *                      environment)
     * @param tokenFile     a file with one more token per line ({@code #} comments), any observer
     * @param tls           serve HTTPS with this key store; default plain HTTP (bind loopback then)
     * @param maxBodyBytes  largest body accepted, default 65536
     */
    public record RestoreHttp(String bind, Integer port, List<HttpToken> tokens, String tokenFile, HttpTls tls,
                              Integer maxBodyBytes) {
        public RestoreHttp {
            bind = bind == null || bind.isBlank() ? "127.0.0.1" : bind;
            port = port == null ? 8713 : port;
            tokens = tokens == null ? List.of() : List.copyOf(tokens);
            tokenFile = tokenFile == null || tokenFile.isBlank() ? null : tokenFile;
            maxBodyBytes = maxBodyBytes == null ? 65_536 : maxBodyBytes;
            check(port >= 0 && port <= 65535, "port", "must be 0..65535");
            check(!tokens.isEmpty() || tokenFile != null, "tokens", "configure at least one token or a token_file");
            check(maxBodyBytes >= 1024 && maxBodyBytes <= 16 * 1024 * 1024, "max_body_bytes", "must be 1024..16777216");
            for (int i = 0; i < tokens.size(); i++) {
                check(tokens.get(i) != null, "tokens[" + i + "]", "must not be empty");
            }
        }
    }

    /**
     * One bearer token of the restore endpoint.
     *
     * @param name      shown in logs instead of the token (default {@code token})
     * @param token     the secret, at least 16 characters (never logged)
     * @param observers observers this token may report restores for; empty: any
     */
    public record HttpToken(String name, String token, List<String> observers) {
        /** Shortest token accepted. */
        public static final int MIN_LENGTH = 16;

        public HttpToken {
            name = name == null || name.isBlank() ? "token" : name;
            check(token != null && token.strip().length() >= MIN_LENGTH, "token", "required, at least " + MIN_LENGTH + " characters");
            token = token.strip();
            observers = observers == null ? List.of() : observers.stream().map(Names::normalize).toList();
        }

        @Override
        public String toString() {
            return "HttpToken[name=" + name + ", observers=" + observers + "]"; // never the secret
        }
    }

    /**
     * TLS for an HTTP listener.
     *
     * @param keyStore         PKCS#12 file with the server key and certificate chain (required)
     * @param keyStorePassword its password (required; {@code ${VAR}} keeps it out of the file)
     */
    public record HttpTls(String keyStore, String keyStorePassword) {
        public HttpTls {
            ConfigException.required("key_store", keyStore);
            ConfigException.required("key_store_password", keyStorePassword);
        }

        @Override
        public String toString() {
            return "HttpTls[keyStore=" + keyStore + "]";
        }
    }

    /**
     * The pgBackRest log tail.
     *
     * @param files       pgBackRest log files (default {@code /var/log/pgbackrest/*-restore.log} is
     *                    not guessed: list them, e.g. {@code /var/log/pgbackrest/main-restore.log})
     * @param target      host the restores land on when the options name none (default: the observer)
     * @param timeZone    zone of the log's times (default: this machine's)
     * @param pollMs      how often the files are read (default 1000)
     */
    public record PgBackRest(List<String> files, String target, String timeZone, Integer pollMs) {
        public PgBackRest {
            ConfigException.required("files", files);
            check(!files.isEmpty(), "files", "must list at least one pgBackRest log file");
            for (int i = 0; i < files.size(); i++) {
                check(files.get(i) != null && !files.get(i).isBlank(), "files[" + i + "]", "must not be blank");
            }
            files = List.copyOf(files);
            target = target == null || target.isBlank() ? null : Names.normalize(target);
            timeZone = timeZone == null || timeZone.isBlank() ? java.time.ZoneId.systemDefault().getId() : timeZone;
            try {
                java.time.ZoneId.of(timeZone);
            } catch (java.time.DateTimeException e) {
                throw new ConfigException("time_zone: not a time zone: '" + timeZone + "'");
            }
            pollMs = pollMs == null ? 1000 : pollMs;
            check(pollMs >= 50 && pollMs <= 600_000, "poll_ms", "must be 50..600000");
        }
    }

    /**
     * The inventory file watcher.
     *
     * @param file   the inventory YAML (required)
     * @param pollMs how often the file is compared (default 1000)
     */
    public record InventoryWatch(String file, Integer pollMs) {
        public InventoryWatch {
            ConfigException.required("file", file);
            check(!file.isBlank(), "file", "must not be blank");
            pollMs = pollMs == null ? 1000 : pollMs;
            check(pollMs >= 50 && pollMs <= 600_000, "poll_ms", "must be 50..600000");
        }
    }
}
