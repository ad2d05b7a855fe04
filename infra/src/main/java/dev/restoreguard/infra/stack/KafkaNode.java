package dev.restoreguard.infra.stack;

import dev.restoreguard.events.Topic;
import dev.restoreguard.events.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-node KRaft broker and controller, run as a child JVM ({@code kafka.Kafka}) from the
 * jars the build resolved. Files under {@code <home>/kafka}: {@code config/} (server.properties,
 * log4j2.properties, the JVM argument file), {@code data/} (the log dirs and KRaft metadata),
 * {@code logs/server.log}, {@code kafka.out} (stdout/stderr), {@code kafka.pid}.
 */
final class KafkaNode implements ChildNode {

    static final String NAME = "kafka";
    private static final Logger LOGGER = LoggerFactory.getLogger(KafkaNode.class);
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration ADMIN_CALL = Duration.ofSeconds(10);

    private final StackSettings settings;
    private final Path dir;

    KafkaNode(final StackSettings settings) {
        this.settings = settings;
        this.dir = settings.home().resolve("kafka");
    }

    Path pidFile() {
        return dir.resolve("kafka.pid");
    }

    Path serverLog() {
        return dir.resolve("logs").resolve("server.log");
    }

    Path stdoutLog() {
        return dir.resolve("kafka.out");
    }

    Path dataDir() {
        return dir.resolve("data");
    }

    /** On the broker's command line, so that its pid can be told from any other process. */
    private String marker() {
        return "-Drestoreguard.kafka.dir=" + dir;
    }

    @Override
    public Optional<ProcessHandle> process() {
        return Processes.liveProcess(pidFile(), marker());
    }

    String address() {
        return settings.bootstrapServers();
    }

    /** Current state; the health check is a bounded {@code describeCluster}. */
    @Override
    public ComponentStatus status() {
        final Optional<ProcessHandle> process = process();
        if (process.isEmpty()) {
            final String detail = Processes.accepting(settings.kafkaPort())
                    ? "stopped (but port " + settings.kafkaPort() + " is used by another process)"
                    : "stopped";
            return new ComponentStatus(NAME, ComponentStatus.State.STOPPED, OptionalLong.empty(), address(), detail,
                    Optional.empty());
        }
        final OptionalLong pid = OptionalLong.of(process.get().pid());
        final Optional<String> health = Processes.accepting(settings.kafkaPort()) ? describe() : Optional.empty();
        return health
                .map(detail -> new ComponentStatus(NAME, ComponentStatus.State.HEALTHY, pid, address(), detail,
                        Optional.<Duration>empty()))
                .orElseGet(() -> new ComponentStatus(NAME, ComponentStatus.State.RUNNING, pid, address(),
                        "process runs but the broker does not answer yet", Optional.empty()));
    }

    /** Formats the storage if needed and starts the broker; returns without waiting for health. */
    @Override
    public Process start(final Jdk jdk, final Distribution distribution, final Consumer<String> progress) throws IOException {
        Files.createDirectories(dir.resolve("config"));
        Files.createDirectories(dir.resolve("logs"));
        Files.createDirectories(dataDir());
        final Path config = writeConfig();
        final List<Path> classpath = distribution.kafkaClasspath();
        final Path argFile = dir.resolve("config").resolve("jvm.args");
        // An argument file keeps the 50-jar classpath out of 'ps' and away from ARG_MAX.
        Files.writeString(argFile, "-cp\n\"" + classpath.stream().map(Path::toString)
                .collect(Collectors.joining(java.io.File.pathSeparator)) + "\"\n", StandardCharsets.UTF_8);
        if (!Files.exists(dataDir().resolve("meta.properties"))) {
            format(jdk, argFile, config, progress);
        }
        final List<String> command = new ArrayList<>(List.of(
                jdk.javaExecutable().toString(),
                "@" + argFile,
                "-Xmx1g",
                "-XX:+UseG1GC",
                "-XX:MaxGCPauseMillis=20",
                "-Djava.awt.headless=true",
                "-Dlog4j2.configurationFile=" + dir.resolve("config").resolve("log4j2.properties"),
                "-Dkafka.logs.dir=" + dir.resolve("logs"),
                marker(),
                "-D" + LocalStack.HOME_MARKER + "=" + settings.home(),
                "kafka.Kafka",
                config.toString()));
        progress.accept("Starting Kafka " + distribution.kafkaVersion() + " (KRaft, one node) on " + address()
                + " with " + jdk.home());
        final Process process = Processes.startDetached(command, dir, stdoutLog(), Map.of());
        Processes.writePid(pidFile(), process.pid());
        return process;
    }

    /** Waits until {@code describeCluster} answers, the process dies, or the deadline passes. */
    @Override
    public void awaitHealthy(final Process process, final Instant deadline) {
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new StackException("Kafka exited during start-up (exit code " + process.exitValue() + ").\n"
                        + Processes.tail(stdoutLog()) + "\n" + Processes.tail(serverLog()));
            }
            // Probing the socket first keeps the admin client from logging connection warnings
            // for every attempt while the broker is still starting.
            if (Processes.accepting(settings.kafkaPort()) && describe().isPresent()) {
                return;
            }
            if (!Processes.pause(POLL)) {
                break;
            }
        }
        throw new StackException("Kafka did not become healthy within " + settings.startTimeout().toSeconds()
                + " s.\n" + Processes.tail(serverLog()));
    }

    /** Waits until an already running broker (started by an earlier {@code up}) answers. */
    @Override
    public void awaitHealthy(final Instant deadline) {
        while (Instant.now().isBefore(deadline)) {
            if (process().isEmpty()) {
                throw new StackException("Kafka stopped while waiting for it.\n" + Processes.tail(serverLog()));
            }
            if (Processes.accepting(settings.kafkaPort()) && describe().isPresent()) {
                return;
            }
            if (!Processes.pause(POLL)) {
                break;
            }
        }
        throw new StackException("Kafka runs but did not answer within " + settings.startTimeout().toSeconds()
                + " s.\n" + Processes.tail(serverLog()));
    }

    /** Creates every catalog topic that does not exist yet; existing topics are left alone. */
    List<String> createTopics() {
        try (Admin admin = admin()) {
            final Set<String> existing = admin.listTopics().names().get(ADMIN_CALL.toMillis(), TimeUnit.MILLISECONDS);
            final List<NewTopic> missing = new ArrayList<>();
            for (final Topic<?, ?> topic : Topics.all()) {
                if (!existing.contains(topic.name())) {
                    missing.add(new NewTopic(topic.name(), topic.partitions(), (short) 1).configs(topic.topicConfig()));
                }
            }
            if (missing.isEmpty()) {
                return List.of();
            }
            final List<String> created = new ArrayList<>();
            for (final var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get(ADMIN_CALL.toMillis(), TimeUnit.MILLISECONDS);
                    created.add(entry.getKey());
                } catch (final ExecutionException e) {
                    // Another 'up' (or a test JVM) may have created it in between: that is fine.
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new StackException("Cannot create topic " + entry.getKey() + ": " + e.getCause().getMessage(),
                                e.getCause());
                    }
                }
            }
            LOGGER.atInfo().addKeyValue("topics", created).log("Created topics");
            return created;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("Interrupted while creating topics", e);
        } catch (final ExecutionException | TimeoutException e) {
            throw new StackException("Cannot list topics on " + address() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Sets the catalog's record timestamp type ({@link Topics#LOG_APPEND_TIME}) on existing
     * catalog topics that lack it: topics created before the catalog asked for it keep the
     * producers' timestamps (event time), and the engine would then find no record too late. Other
     * configuration of existing topics is left alone. Returns the topics changed.
     */
    List<String> alignTimestampTypes() {
        final String key = Topics.TIMESTAMP_TYPE;
        final String wanted = Topics.LOG_APPEND_TIME;
        try (Admin admin = admin()) {
            final List<ConfigResource> catalog = Topics.stampedOnAppend().stream()
                    .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
            final Map<ConfigResource, Config> configs = admin.describeConfigs(catalog).all()
                    .get(ADMIN_CALL.toMillis(), TimeUnit.MILLISECONDS);
            final Map<ConfigResource, Collection<AlterConfigOp>> changes = new HashMap<>();
            configs.forEach((resource, config) -> {
                final ConfigEntry entry = config.get(key);
                if (entry == null || !wanted.equals(entry.value())) {
                    changes.put(resource, List.of(new AlterConfigOp(new ConfigEntry(key, wanted), AlterConfigOp.OpType.SET)));
                }
            });
            if (changes.isEmpty()) {
                return List.of();
            }
            admin.incrementalAlterConfigs(changes).all().get(ADMIN_CALL.toMillis(), TimeUnit.MILLISECONDS);
            final List<String> changed = changes.keySet().stream().map(ConfigResource::name).sorted().toList();
            LOGGER.atInfo().addKeyValue("topics", changed).addKeyValue(key, wanted).log("Aligned the topics' timestamp type");
            return changed;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("Interrupted while setting the topics' timestamp type", e);
        } catch (final ExecutionException | TimeoutException e) {
            throw new StackException("Cannot set " + key + " on the catalog topics on " + address() + ": " + e.getMessage(), e);
        }
    }

    /** Stops the broker (controlled shutdown on SIGTERM); returns whether it was running. */
    @Override
    public boolean stop(final Duration timeout) {
        final Optional<ProcessHandle> process = process();
        process.ifPresent(handle -> Processes.stop(handle, timeout));
        deletePidFile();
        return process.isPresent();
    }

    void deletePidFile() {
        try {
            Files.deleteIfExists(pidFile());
        } catch (final IOException e) {
            LOGGER.atWarn().addKeyValue("file", pidFile()).setCause(e).log("Cannot delete pid file");
        }
    }

    /** Removes the broker's data (topics, offsets, KRaft metadata): the next start formats anew. */
    void deleteData() throws IOException {
        FileTrees.delete(dataDir());
    }

    /** Cluster id and topic count when the broker answers, empty otherwise. */
    private Optional<String> describe() {
        try (Admin admin = admin()) {
            final var cluster = admin.describeCluster();
            final String clusterId = cluster.clusterId().get(ADMIN_CALL.toMillis(), TimeUnit.MILLISECONDS);
            final int nodes = cluster.nodes().get(ADMIN_CALL.toMillis(), TimeUnit.MILLISECONDS).size();
            final int topics = admin.listTopics().names().get(ADMIN_CALL.toMillis(), TimeUnit.MILLISECONDS).size();
            return Optional.of("cluster " + clusterId + ", " + nodes + " node, " + topics + " topics");
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (final ExecutionException | TimeoutException | RuntimeException e) {
            LOGGER.atDebug().addKeyValue("address", address()).log("Kafka not answering yet: {}", e.toString());
            return Optional.empty();
        }
    }

    private Admin admin() {
        final Map<String, Object> config = new HashMap<>(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, address(),
                AdminClientConfig.CLIENT_ID_CONFIG, "restoreguard-stack",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(ADMIN_CALL.toMillis()),
                // One short attempt per poll: the caller loops and owns the deadline.
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000"));
        if (secure()) {
            config.putAll(StackSecurity.of(settings.home()).securityConfig(StackSecurity.Principal.ADMIN));
        }
        return Admin.create(config);
    }

    private boolean secure() {
        return StackSecurity.enabled(settings.home());
    }

    /**
     * On a secure stack: creates (or resets) the SCRAM users of every principal but the admin and
     * the ACLs of {@link StackSecurity#acls()}; both calls are idempotent. Returns the number of ACL
     * bindings, 0 on a plain stack.
     */
    int applySecurity() {
        if (!secure()) {
            return 0;
        }
        final StackSecurity security = StackSecurity.of(settings.home());
        try (Admin admin = admin()) {
            final List<UserScramCredentialAlteration> users = new ArrayList<>();
            security.scramUsers().forEach((user, password) -> users.add(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password)));
            admin.alterUserScramCredentials(users).all().get(ADMIN_CALL.toMillis(), TimeUnit.MILLISECONDS);
            final List<AclBinding> acls = StackSecurity.acls();
            admin.createAcls(acls).all().get(ADMIN_CALL.toMillis(), TimeUnit.MILLISECONDS);
            LOGGER.atInfo().addKeyValue("users", users.size()).addKeyValue("acls", acls.size())
                    .log("Kafka SCRAM users and ACLs in place");
            return acls.size();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("Interrupted while creating the Kafka users and ACLs", e);
        } catch (final ExecutionException | TimeoutException e) {
            throw new StackException("Cannot create the Kafka users and ACLs on " + address() + ": " + e.getMessage(), e);
        }
    }

    private void format(final Jdk jdk, final Path argFile, final Path config, final Consumer<String> progress)
            throws IOException {
        final Path clusterIdFile = dir.resolve("cluster.id");
        final String clusterId;
        if (Files.isRegularFile(clusterIdFile)) {
            clusterId = Files.readString(clusterIdFile, StandardCharsets.US_ASCII).strip();
        } else {
            clusterId = Uuid.randomUuid().toString();
            Files.writeString(clusterIdFile, clusterId + "\n", StandardCharsets.US_ASCII);
        }
        progress.accept("Formatting Kafka storage in " + dataDir() + " (cluster id " + clusterId + ")");
        final Path formatLog = dir.resolve("logs").resolve("format.log");
        final List<String> command = new ArrayList<>(List.of(
                jdk.javaExecutable().toString(), "@" + argFile,
                "-Dlog4j2.configurationFile=" + dir.resolve("config").resolve("log4j2.properties"),
                "-Dkafka.logs.dir=" + dir.resolve("logs"),
                "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", config.toString(), "--standalone"));
        if (secure()) {
            // The admin must exist before the first SASL login; the other users are created through it.
            command.addAll(List.of("--add-scram", StackSecurity.of(settings.home()).adminScramArgument()));
        }
        final Processes.CommandResult result = Processes.run(command, Duration.ofMinutes(2));
        Files.writeString(formatLog, result.output() + "\n", StandardCharsets.UTF_8);
        if (!result.ok()) {
            throw new StackException("Formatting the Kafka storage failed (exit code " + result.exitCode() + "):\n"
                    + result.output());
        }
    }

    /** Writes server.properties and log4j2.properties for the current ports; returns the former. */
    Path writeConfig() throws IOException {
        final Path configDir = dir.resolve("config");
        Files.createDirectories(configDir);
        final Path server = configDir.resolve("server.properties");
        Files.writeString(server, serverProperties(), StandardCharsets.UTF_8);
        Files.writeString(configDir.resolve("log4j2.properties"), log4j2Properties(), StandardCharsets.UTF_8);
        return server;
    }

    String serverProperties() {
        final String controller = "127.0.0.1:" + settings.controllerPort();
        final boolean secure = secure();
        final String client = secure ? "SASL_SSL" : "PLAINTEXT";
        return String.join("\n",
                "# Written by RestoreGuard 'stack up' on every start; edits are overwritten.",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.bootstrap.servers=" + controller,
                "listeners=" + client + "://" + address() + ",CONTROLLER://" + controller,
                "advertised.listeners=" + client + "://" + address(),
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=" + client,
                secure ? "listener.security.protocol.map=CONTROLLER:SSL,SASL_SSL:SASL_SSL"
                        : "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "log.dirs=" + dataDir(),
                "num.partitions=1",
                "default.replication.factor=1",
                "# One broker: every internal topic must make do with a single replica, and",
                "# exactly_once_v2 hangs unless the transaction log accepts an ISR of one.",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "# Consumer groups and Streams apps start at once instead of after 3 s.",
                "group.initial.rebalance.delay.ms=0",
                "num.recovery.threads.per.data.dir=1",
                secure ? StackSecurity.of(settings.home()).serverProperties() : "");
    }

    private String log4j2Properties() {
        final Path logs = dir.resolve("logs");
        return String.join("\n",
                "status = warn",
                "name = restoreguard-kafka",
                "appender.file.type = RollingFile",
                "appender.file.name = FILE",
                "appender.file.fileName = " + logs.resolve("server.log"),
                "appender.file.filePattern = " + logs.resolve("server.log.%i"),
                "appender.file.layout.type = PatternLayout",
                "appender.file.layout.pattern = [%d] %p %m (%c)%n",
                "appender.file.policies.type = Policies",
                "appender.file.policies.size.type = SizeBasedTriggeringPolicy",
                "appender.file.policies.size.size = 50MB",
                "appender.file.strategy.type = DefaultRolloverStrategy",
                "appender.file.strategy.max = 3",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.file.ref = FILE",
                "");
    }
}
