package dev.restoreguard.infra.stack;

import dev.restoreguard.events.Topic;
import dev.restoreguard.events.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The security of a local stack started with {@code stack up --secure}: Kafka with SASL/SCRAM-SHA-512
 * over TLS and ACLs (KRaft's {@code StandardAuthorizer}), Elasticsearch with security on and
 * file-realm users. Everything is generated at the first secure start and kept under
 * {@code <home>/security} (files readable by the owner only):
 * <ul>
 *   <li>{@code ca.p12}, {@code ca.pem}: a self-signed CA (keytool of the stack's JDK);</li>
 *   <li>{@code broker.p12}: the broker's key and certificate ({@code CN=restoreguard-broker},
 *       SAN {@code 127.0.0.1}, {@code localhost}), signed by that CA;</li>
 *   <li>{@code secrets.properties}: the key store passwords, one SCRAM password per principal
 *       and the Elasticsearch users' passwords;</li>
 *   <li>{@code kafka-clients/<principal>.properties}: a complete client configuration for each
 *       principal ({@code bootstrap.servers}, {@code security.protocol=SASL_SSL}, SCRAM, the CA);
 *       pass it to the CLI with {@code --client-config} or {@code RESTOREGUARD_KAFKA_CLIENT_CONFIG}.</li>
 * </ul>
 *
 * <p>Once a home is secure it stays secure: plain and secure data are not mixed (the SCRAM
 * admin user is written when the storage is formatted). Use another {@code --home} for a plain
 * stack.
 */
public final class StackSecurity {

    /** Folder under the home. */
    static final String DIR = "security";
    /** The principal of the broker's certificate; a super user on the mTLS controller listener. */
    static final String BROKER_DN = "CN=restoreguard-broker";
    /** The Elasticsearch file-realm user of the stack itself (templates, health): built-in {@code superuser} role. */
    public static final String ES_ADMIN = "restoreguard-admin";
    /** The Elasticsearch file-realm user of the ES sink: role {@value #ES_SINK_ROLE}. */
    public static final String ES_SINK = "restoreguard-sink";
    /** The least-privilege role of the ES sink (see {@link #rolesYaml()}). */
    public static final String ES_SINK_ROLE = "restoreguard_sink";
    private static final String ENGINE_APP = "restoreguard-engine";
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * The Kafka principals of a secure stack and what each may do; {@link #acls()} turns this into
     * ACL bindings.
     */
    public enum Principal {
        /** Super user: the stack's own admin client (topics, ACLs, health) and the inter-broker listener. */
        ADMIN("admin", List.of()),
        /** {@code collect hosts-file}: hosts snapshots, plus heartbeats on the audit topic. */
        COLLECTOR_HOSTS_FILE("collector-hosts-file", List.of(Topics.HOSTS, Topics.AUDIT)),
        /** {@code collect dns-zone}. */
        COLLECTOR_DNS_ZONE("collector-dns-zone", List.of(Topics.DNS, Topics.AUDIT)),
        /** {@code collect windows-dns}. */
        COLLECTOR_WINDOWS_DNS("collector-windows-dns", List.of(Topics.DNS, Topics.RAW_WINDOWS_DNS, Topics.AUDIT)),
        /** {@code collect resolution}: resolution results are audit records. */
        COLLECTOR_RESOLUTION("collector-resolution", List.of(Topics.AUDIT)),
        /** Restore events ({@code emit restore}, the Veeam syslog receiver). */
        COLLECTOR_RESTORES("collector-restores", List.of(Topics.RESTORES, Topics.RAW_VEEAM, Topics.AUDIT)),
        /** The approval bridge ({@code approve}, ServiceNow): the only writer of the approvals topic. */
        APPROVAL_BRIDGE("approval-bridge", List.of(Topics.APPROVALS, Topics.RAW_SERVICENOW)),
        /** {@code inventory load}. */
        INVENTORY("inventory", List.of(Topics.INVENTORY)),
        /** The correlation engine (application id prefix {@value #ENGINE_APP}). */
        ENGINE("engine", List.of(Topics.ALERTS, Topics.ENGINE_REFERENCE, Topics.DLQ)),
        /** {@code sink elasticsearch}. */
        SINK_ELASTICSEARCH("sink-elasticsearch", List.of(Topics.DLQ)),
        /** {@code sink alerts}. */
        SINK_ALERTS("sink-alerts", List.of(Topics.ALERT_DELIVERIES, Topics.DLQ));

        private final String userName;
        private final List<Topic<?, ?>> writes;

        Principal(final String userName, final List<Topic<?, ?>> writes) {
            this.userName = userName;
            this.writes = writes;
        }

        /** The SCRAM user name (and the client configuration's file name). */
        public String userName() {
            return userName;
        }

        /** The catalog topics this principal may write. */
        public List<Topic<?, ?>> writes() {
            return writes;
        }

        /** The principal of a collector kind as typed on {@code restoreguard collect <kind>}. */
        public static Principal forCollectorKind(final String kind) {
            for (final Principal principal : values()) {
                if (principal.userName.equals("collector-" + kind)) {
                    return principal;
                }
            }
            throw new IllegalArgumentException("no principal for collector kind " + kind);
        }
    }

    private final Path dir;
    private final Properties secrets;

    private StackSecurity(final Path dir, final Properties secrets) {
        this.dir = dir;
        this.secrets = secrets;
    }

    /** Whether {@code home} holds a secure stack ({@code stack up --secure} ran there). */
    public static boolean enabled(final Path home) {
        return Files.isRegularFile(home.resolve(DIR).resolve("secrets.properties"));
    }

    /** The security material of a secure home. */
    public static StackSecurity of(final Path home) {
        if (!enabled(home)) {
            throw new StackException(home + " is not a secure stack home (start it with 'stack up --secure')");
        }
        final Path dir = home.resolve(DIR);
        final Properties secrets = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve("secrets.properties"))) {
            secrets.load(in);
        } catch (final IOException e) {
            throw new StackException("Cannot read " + dir.resolve("secrets.properties") + ": " + e.getMessage(), e);
        }
        return new StackSecurity(dir, secrets);
    }

    /**
     * Makes {@code settings}' home secure: generates the CA, the broker's key store and every
     * password unless they exist, and (re)writes the client configurations for the current ports.
     *
     * @throws StackException if the home already holds plain Kafka data (it has no SCRAM admin)
     */
    public static StackSecurity enable(final StackSettings settings, final Jdk jdk) {
        final Path home = settings.home();
        try {
            if (!enabled(home)) {
                if (Files.exists(new KafkaNode(settings).dataDir().resolve("meta.properties"))) {
                    throw new StackException("The stack in " + home + " was started without --secure and has Kafka data; "
                            + "a secure stack needs a fresh home (another --home, or 'stack down' and delete "
                            + new KafkaNode(settings).dataDir() + ")");
                }
                generate(home.resolve(DIR), jdk);
            }
            final StackSecurity security = of(home);
            security.writeClientConfigs(settings);
            return security;
        } catch (final IOException e) {
            throw new StackException("Cannot prepare the security material in " + home.resolve(DIR) + ": " + e.getMessage(), e);
        }
    }

    private static void generate(final Path dir, final Jdk jdk) throws IOException {
        Files.createDirectories(dir);
        restrict(dir, "rwx------");
        final Properties secrets = new Properties();
        secrets.setProperty("ca.store.password", password());
        secrets.setProperty("broker.store.password", password());
        for (final Principal principal : Principal.values()) {
            secrets.setProperty("kafka." + principal.userName, password());
        }
        secrets.setProperty("elasticsearch." + ES_ADMIN, password());
        secrets.setProperty("elasticsearch." + ES_SINK, password());
        final String keytool = jdk.home().resolve("bin").resolve("keytool").toString();
        final Map<String, String> env = Map.of(
                "RG_CA_PASS", secrets.getProperty("ca.store.password"),
                "RG_BROKER_PASS", secrets.getProperty("broker.store.password"));
        final String ca = dir.resolve("ca.p12").toString();
        final String broker = dir.resolve("broker.p12").toString();
        final String csr = dir.resolve("broker.csr").toString();
        final String brokerPem = dir.resolve("broker.pem").toString();
        final String caPem = dir.resolve("ca.pem").toString();
        for (final String file : List.of(ca, broker, csr, brokerPem, caPem)) {
            Files.deleteIfExists(Path.of(file));
        }
        // Passwords reach keytool through its environment (':env'), never its command line.
        keytool(env, keytool, "-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=RestoreGuard local stack CA", "-ext", "bc:c", "-validity", "3650",
                "-keystore", ca, "-storetype", "PKCS12", "-storepass:env", "RG_CA_PASS");
        keytool(env, keytool, "-exportcert", "-alias", "ca", "-keystore", ca, "-storepass:env", "RG_CA_PASS",
                "-rfc", "-file", caPem);
        keytool(env, keytool, "-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048",
                "-dname", BROKER_DN, "-validity", "825", "-keystore", broker, "-storetype", "PKCS12",
                "-storepass:env", "RG_BROKER_PASS");
        keytool(env, keytool, "-certreq", "-alias", "broker", "-keystore", broker, "-storepass:env", "RG_BROKER_PASS",
                "-file", csr);
        keytool(env, keytool, "-gencert", "-alias", "ca", "-keystore", ca, "-storepass:env", "RG_CA_PASS",
                "-infile", csr, "-outfile", brokerPem, "-rfc", "-validity", "825",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-ext", "KU=digitalSignature,keyEncipherment",
                "-ext", "EKU=serverAuth,clientAuth");
        keytool(env, keytool, "-importcert", "-alias", "ca", "-file", caPem, "-keystore", broker,
                "-storepass:env", "RG_BROKER_PASS", "-noprompt");
        keytool(env, keytool, "-importcert", "-alias", "broker", "-file", brokerPem, "-keystore", broker,
                "-storepass:env", "RG_BROKER_PASS", "-noprompt");
        Files.deleteIfExists(Path.of(csr));
        for (final String file : List.of(ca, broker)) {
            restrict(Path.of(file), "rw-------");
        }
        // Written last: its presence marks the home as secure and complete.
        final Path partial = dir.resolve("secrets.properties.partial");
        try (OutputStream out = Files.newOutputStream(partial)) {
            restrict(partial, "rw-------");
            secrets.store(out, "Secrets of the RestoreGuard local stack (generated by 'stack up --secure')");
        }
        Files.move(partial, dir.resolve("secrets.properties"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void keytool(final Map<String, String> env, final String... command) throws IOException {
        final Processes.CommandResult result = Processes.run(List.of(command), env, Duration.ofMinutes(1));
        if (!result.ok()) {
            throw new StackException("keytool " + command[1] + " failed (exit code " + result.exitCode() + "): "
                    + result.output());
        }
    }

    private static String password() {
        final byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        // URL-safe base64 has no ',', ']' or '"': safe inside JAAS and --add-scram arguments.
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void restrict(final Path path, final String permissions) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        } catch (final UnsupportedOperationException e) {
            // Not a POSIX file system (Windows): the folder's ACL applies.
        }
    }

    /** The folder of the security material. */
    public Path dir() {
        return dir;
    }

    /** The CA certificate (PEM) that clients trust. */
    public Path caPem() {
        return dir.resolve("ca.pem");
    }

    Path brokerKeyStore() {
        return dir.resolve("broker.p12");
    }

    String brokerStorePassword() {
        return secrets.getProperty("broker.store.password");
    }

    /** The SCRAM password of {@code principal}. */
    public String password(final Principal principal) {
        return secrets.getProperty("kafka." + principal.userName);
    }

    /** The password of an Elasticsearch file-realm user ({@link #ES_ADMIN}, {@link #ES_SINK}). */
    public String elasticsearchPassword(final String user) {
        final String password = secrets.getProperty("elasticsearch." + user);
        if (password == null) {
            throw new IllegalArgumentException("no Elasticsearch user " + user);
        }
        return password;
    }

    /** {@code Basic base64(user:password)} for an Elasticsearch file-realm user. */
    public String elasticsearchAuthorization(final String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + elasticsearchPassword(user))
                .getBytes(StandardCharsets.UTF_8));
    }

    /** The client configuration file of {@code principal} (see the class comment). */
    public Path clientConfigFile(final Principal principal) {
        return dir.resolve("kafka-clients").resolve(principal.userName + ".properties");
    }

    /** The client configuration of {@code principal} for the broker of {@code settings}. */
    public Map<String, Object> clientConfig(final StackSettings settings, final Principal principal) {
        final Map<String, Object> config = new LinkedHashMap<>();
        config.put("bootstrap.servers", settings.bootstrapServers());
        config.putAll(securityConfig(principal));
        return config;
    }

    /** Only the security part of {@code principal}'s client configuration. */
    public Map<String, Object> securityConfig(final Principal principal) {
        final Map<String, Object> config = new LinkedHashMap<>();
        config.put("security.protocol", "SASL_SSL");
        config.put("sasl.mechanism", "SCRAM-SHA-512");
        config.put("sasl.jaas.config", jaas(principal.userName, password(principal)));
        config.put("ssl.truststore.type", "PEM");
        config.put("ssl.truststore.location", caPem().toString());
        return config;
    }

    static String jaas(final String user, final String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    private void writeClientConfigs(final StackSettings settings) throws IOException {
        final Path folder = dir.resolve("kafka-clients");
        Files.createDirectories(folder);
        restrict(folder, "rwx------");
        for (final Principal principal : Principal.values()) {
            final Properties properties = new Properties();
            clientConfig(settings, principal).forEach((key, value) -> properties.setProperty(key, value.toString()));
            final Path file = clientConfigFile(principal);
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                restrict(file, "rw-------");
                properties.store(out, "Kafka client configuration of principal User:" + principal.userName
                        + " (RestoreGuard secure local stack)");
            }
        }
    }

    /** The lines of server.properties that make the broker secure (listeners are set by the caller). */
    String serverProperties() {
        final String keyStore = brokerKeyStore().toString();
        return String.join("\n",
                "# Secure stack: SASL/SCRAM-SHA-512 over TLS for clients and the broker itself,",
                "# mutual TLS on the controller listener (the broker's certificate is a super user).",
                "sasl.enabled.mechanisms=SCRAM-SHA-512",
                "sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512",
                "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=" + jaas(Principal.ADMIN.userName,
                        password(Principal.ADMIN)),
                "ssl.keystore.type=PKCS12",
                "ssl.keystore.location=" + keyStore,
                "ssl.keystore.password=" + brokerStorePassword(),
                "ssl.truststore.type=PKCS12",
                "ssl.truststore.location=" + keyStore,
                "ssl.truststore.password=" + brokerStorePassword(),
                "listener.name.controller.ssl.client.auth=required",
                "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "allow.everyone.if.no.acl.found=false",
                "super.users=User:" + Principal.ADMIN.userName + ";User:" + BROKER_DN,
                "");
    }

    /** The {@code --add-scram} argument that puts the admin user into the bootstrap metadata. */
    String adminScramArgument() {
        return "SCRAM-SHA-512=[name=" + Principal.ADMIN.userName + ",password=" + password(Principal.ADMIN) + "]";
    }

    /** Every SCRAM user except the admin (created by the stack through the Admin API). */
    Map<String, String> scramUsers() {
        final Map<String, String> users = new LinkedHashMap<>();
        for (final Principal principal : Principal.values()) {
            if (principal != Principal.ADMIN) {
                users.put(principal.userName, password(principal));
            }
        }
        return users;
    }

    /**
     * The ACLs: each principal writes only its topics ({@link Principal#writes()}); the engine and
     * the sinks read the catalog and own their consumer groups, the engine also its internal
     * topics and transactional ids (prefix {@value #ENGINE_APP}).
     */
    public static List<AclBinding> acls() {
        final List<AclBinding> acls = new ArrayList<>();
        for (final Principal principal : Principal.values()) {
            if (principal == Principal.ADMIN) {
                continue;
            }
            for (final Topic<?, ?> topic : principal.writes) {
                allow(acls, principal, ResourceType.TOPIC, topic.name(), PatternType.LITERAL,
                        EnumSet.of(AclOperation.WRITE, AclOperation.DESCRIBE));
            }
        }
        final Set<AclOperation> read = EnumSet.of(AclOperation.READ, AclOperation.DESCRIBE,
                AclOperation.DESCRIBE_CONFIGS);
        // The engine reads every catalog topic and owns everything named after its application id.
        allow(acls, Principal.ENGINE, ResourceType.TOPIC, "restoreguard.", PatternType.PREFIXED, read);
        allow(acls, Principal.ENGINE, ResourceType.TOPIC, ENGINE_APP, PatternType.PREFIXED, EnumSet.of(AclOperation.ALL));
        allow(acls, Principal.ENGINE, ResourceType.GROUP, ENGINE_APP, PatternType.PREFIXED, EnumSet.of(AclOperation.ALL));
        allow(acls, Principal.ENGINE, ResourceType.TRANSACTIONAL_ID, ENGINE_APP, PatternType.PREFIXED,
                EnumSet.of(AclOperation.ALL));
        for (final Topic<?, ?> topic : Topics.events()) {
            allow(acls, Principal.SINK_ELASTICSEARCH, ResourceType.TOPIC, topic.name(), PatternType.LITERAL, read);
        }
        allow(acls, Principal.SINK_ELASTICSEARCH, ResourceType.TOPIC, Topics.ALERTS.name(), PatternType.LITERAL, read);
        allow(acls, Principal.SINK_ELASTICSEARCH, ResourceType.GROUP, "restoreguard-sink-elasticsearch",
                PatternType.PREFIXED, EnumSet.of(AclOperation.READ, AclOperation.DESCRIBE));
        allow(acls, Principal.SINK_ALERTS, ResourceType.TOPIC, Topics.ALERTS.name(), PatternType.LITERAL, read);
        allow(acls, Principal.SINK_ALERTS, ResourceType.GROUP, "restoreguard-sink-alerts", PatternType.PREFIXED,
                EnumSet.of(AclOperation.READ, AclOperation.DESCRIBE));
        return acls;
    }

    private static void allow(final List<AclBinding> acls, final Principal principal, final ResourceType type,
                              final String name, final PatternType pattern, final Set<AclOperation> operations) {
        for (final AclOperation operation : operations) {
            acls.add(new AclBinding(new ResourcePattern(type, name, pattern),
                    new AccessControlEntry("User:" + principal.userName, "*", operation, AclPermissionType.ALLOW)));
        }
    }

    /** {@code roles.yml} of the secure Elasticsearch node: the sink may only add history. */
    static String rolesYaml() {
        return String.join("\n",
                "# Written by RestoreGuard 'stack up --secure'; edits are overwritten.",
                "# The sink adds documents to its data streams (create_doc: never overwrite or delete",
                "# history; auto_configure: the data stream is created on first write) and keeps the",
                "# latest-state alert index (index: newer versions replace older ones).",
                ES_SINK_ROLE + ":",
                "  cluster: [ 'monitor' ]",
                "  indices:",
                "    - names: [ 'logs-restoreguard.*' ]",
                "      privileges: [ 'create_doc', 'auto_configure' ]",
                "    - names: [ 'restoreguard-alerts*' ]",
                "      privileges: [ 'index', 'create_index', 'auto_configure' ]",
                "");
    }

    /** The Elasticsearch file-realm users and their roles. */
    Map<String, String> elasticsearchUsers() {
        final Map<String, String> users = new HashMap<>();
        users.put(ES_ADMIN, "superuser");
        users.put(ES_SINK, ES_SINK_ROLE);
        return users;
    }
}
