package dev.restoreguard.infra.stack;

import dev.restoreguard.events.Topics;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local RestoreGuard stack on loopback, without Docker: a single-node KRaft Kafka broker and an
 * Elasticsearch node, each a separate JVM that keeps running after the JVM calling {@link #up()}
 * exits. {@link #up()} starts what is not running, waits until both answer their health checks,
 * creates the catalog topics ({@code Topics.all()}) and installs the index templates; calling it
 * again is harmless. {@link #down()} stops both (SIGTERM, then SIGKILL after a timeout).
 *
 * <p>Everything lives in the settings' home (default {@code ~/.restoreguard}, or
 * {@code $RESTOREGUARD_HOME}); pid files there tell which processes are ours. {@code up} and
 * {@code down} take a file lock on the home, so concurrent calls (two test JVMs, a test run and a
 * terminal) serialize instead of racing.
 */
public final class LocalStack {

    private static final Logger LOGGER = LoggerFactory.getLogger(LocalStack.class);
    // FileChannel locks are per JVM: two LocalStack objects in one JVM must also take turns.
    private static final ReentrantLock JVM_LOCK = new ReentrantLock();
    /** System property on both servers' command lines naming the stack's home. */
    static final String HOME_MARKER = "restoreguard.home";
    private static final Pattern HOME_PATTERN = Pattern.compile("-Drestoreguard\\.home=(\\S+)");

    private final StackSettings settings;
    private final Consumer<String> progress;
    private final JdkFinder jdkFinder;
    private final KafkaNode kafka;
    private final ElasticsearchNode elasticsearch;
    private final boolean secure;

    /** The stack in the default home with the ports recorded there (or the default ports). */
    public LocalStack() {
        this(StackSettings.forHome(StackSettings.defaultHome()));
    }

    /** The stack in {@code home} with the ports recorded there (or the default ports). */
    public LocalStack(final Path home) {
        this(StackSettings.forHome(home));
    }

    /** The stack described by {@code settings}; progress goes to the log. */
    public LocalStack(final StackSettings settings) {
        this(settings, message -> LOGGER.info(message));
    }

    /**
     * The stack described by {@code settings}.
     *
     * @param progress receives one human-readable line per step (a CLI prints them)
     */
    public LocalStack(final StackSettings settings, final Consumer<String> progress) {
        this(settings, progress, new JdkFinder());
    }

    LocalStack(final StackSettings settings, final Consumer<String> progress, final JdkFinder jdkFinder) {
        this(settings, progress, jdkFinder, false);
    }

    private LocalStack(final StackSettings settings, final Consumer<String> progress, final JdkFinder jdkFinder,
                       final boolean secure) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.progress = Objects.requireNonNull(progress, "progress");
        this.jdkFinder = Objects.requireNonNull(jdkFinder, "jdkFinder");
        this.kafka = new KafkaNode(settings);
        this.elasticsearch = new ElasticsearchNode(settings);
        this.secure = secure;
    }

    /**
     * This stack with security on ({@code stack up --secure}): {@link #up()} makes the home secure
     * (see {@link StackSecurity}) before it starts anything. A home that is already secure starts
     * secure with or without this.
     */
    public LocalStack secure() {
        return new LocalStack(settings, progress, jdkFinder, true);
    }

    /** Whether this stack's home is secure (SASL/TLS/ACLs on Kafka, security on Elasticsearch). */
    public boolean isSecure() {
        return StackSecurity.enabled(settings.home());
    }

    /**
     * Only the Kafka broker of the stack in {@code settings}, without Elasticsearch: same code,
     * files and ports as {@link #up()} uses for Kafka, but started, stopped (gracefully or with
     * SIGKILL) and restarted on its own. Tests use it to take a broker away mid-stream; the shared
     * test stack cannot, because other tests rely on its broker.
     */
    public static KafkaBroker kafkaOnly(final StackSettings settings) {
        return new KafkaBroker(settings);
    }

    /**
     * Only the Elasticsearch node of the stack in {@code settings}, without Kafka: same code and
     * files as {@link #up()} uses for Elasticsearch, but stopped and restarted on its own. Tests use
     * it to take Elasticsearch away under a sink; the shared test stack's node cannot go.
     */
    public static ElasticsearchServer elasticsearchOnly(final StackSettings settings) {
        return new ElasticsearchServer(settings);
    }

    /** The settings this stack uses. */
    public StackSettings settings() {
        return settings;
    }

    /**
     * Starts whatever is not running and waits until both components are healthy, then creates
     * missing topics and (re)installs the index templates. If a component fails to start, the
     * components this call started are stopped again before the exception is thrown.
     *
     * @return the status, with the start-up time of each component this call started
     * @throws StackException with a person-readable reason (port taken, no JDK 21+, a log tail)
     */
    public StackStatus up() {
        return locked(this::doUp);
    }

    /** Stops both components; stopping a stopped stack is harmless. */
    public StackStatus down() {
        return locked(() -> {
            Files.createDirectories(settings.home());
            final boolean esRunning = elasticsearch.process().isPresent();
            final boolean kafkaRunning = kafka.process().isPresent();
            if (esRunning) {
                progress.accept("Stopping Elasticsearch (pid " + elasticsearch.process().map(ProcessHandle::pid).orElse(0L) + ")");
            }
            if (kafkaRunning) {
                progress.accept("Stopping Kafka (pid " + kafka.process().map(ProcessHandle::pid).orElse(0L) + ")");
            }
            // Both get SIGTERM before either is waited for: the two shutdowns overlap.
            final Thread esStopper = Thread.ofVirtual().start(() -> elasticsearch.stop(settings.stopTimeout()));
            kafka.stop(settings.stopTimeout());
            esStopper.join();
            if (!esRunning && !kafkaRunning) {
                progress.accept("Nothing to stop in " + settings.home());
            }
            return status();
        });
    }

    /** The current state of both components; takes no lock and changes nothing. */
    public StackStatus status() {
        return new StackStatus(settings.home(), kafka.status(), elasticsearch.status());
    }

    /**
     * Deletes Kafka's and Elasticsearch's data (topics, offsets, indices) so that the next
     * {@link #up()} starts empty. Test harnesses use it; the stack must be stopped.
     */
    public void deleteData() {
        locked(() -> {
            if (kafka.process().isPresent() || elasticsearch.process().isPresent()) {
                throw new StackException("Stop the stack in " + settings.home() + " before deleting its data");
            }
            kafka.deleteData();
            elasticsearch.deleteData();
            return null;
        });
    }

    private StackStatus doUp() throws IOException {
        final boolean kafkaRunning = kafka.process().isPresent();
        final boolean esRunning = elasticsearch.process().isPresent();
        if (kafkaRunning || esRunning) {
            StackSettings.recorded(settings.home())
                    .filter(recorded -> recorded.kafkaPort() != settings.kafkaPort()
                            || recorded.controllerPort() != settings.controllerPort()
                            || recorded.elasticsearchPort() != settings.elasticsearchPort())
                    .ifPresent(recorded -> {
                        throw new StackException("The stack in " + settings.home() + " already runs on other ports (Kafka "
                                + recorded.kafkaPort() + ", controller " + recorded.controllerPort() + ", Elasticsearch "
                                + recorded.elasticsearchPort() + "). Run 'stack down' first to change ports.");
                    });
        }
        if (!kafkaRunning) {
            requireFree(settings.kafkaPort(), "Kafka", "--kafka-port");
            requireFree(settings.controllerPort(), "the Kafka controller", "--controller-port");
        }
        if (!esRunning) {
            requireFree(settings.elasticsearchPort(), "Elasticsearch", "--es-port");
        }
        Files.createDirectories(settings.home());
        settings.record();
        final Jdk jdk = kafkaRunning && esRunning && !secure ? null : jdkFinder.find();
        if (secure || isSecure()) {
            final boolean fresh = !isSecure();
            if (fresh && (kafkaRunning || esRunning)) {
                throw new StackException("The stack in " + settings.home() + " runs without security; "
                        + "'stack down' first (and use a fresh home) to start it with --secure");
            }
            StackSecurity.enable(settings, jdk);
            if (fresh) {
                progress.accept("Generated a CA, the broker's certificate and the passwords of a secure stack in "
                        + settings.home().resolve(StackSecurity.DIR));
            }
        }
        final Distribution distribution = kafkaRunning && esRunning ? null : Distribution.load();
        final Instant deadline = Instant.now().plus(settings.startTimeout());

        // Kafka is spawned first because it is quick to spawn; Elasticsearch's preparation (unzip,
        // service user) and its 25-45 s start then overlap with Kafka's start-up.
        Process esLauncher = null;
        Process kafkaProcess = null;
        Duration kafkaStartup = null;
        Duration esStartup = null;
        try {
            Instant kafkaSpawned = null;
            if (!kafkaRunning) {
                kafkaProcess = kafka.start(jdk, distribution, progress);
                kafkaSpawned = Instant.now();
            }
            Instant esSpawned = null;
            if (!esRunning) {
                esLauncher = elasticsearch.start(jdk, distribution, progress);
                esSpawned = Instant.now();
            }
            if (kafkaProcess != null) {
                kafka.awaitHealthy(kafkaProcess, deadline);
                kafkaStartup = Duration.between(kafkaSpawned, Instant.now());
                progress.accept(String.format("Kafka is healthy on %s, %.1f s after its start", kafka.address(),
                        seconds(kafkaStartup)));
            } else {
                kafka.awaitHealthy(deadline);
            }
            final int acls = kafka.applySecurity();
            if (acls > 0) {
                progress.accept("Kafka: SASL/SCRAM over TLS with " + acls + " ACL entries; client configurations in "
                        + settings.home().resolve(StackSecurity.DIR).resolve("kafka-clients"));
            }
            final List<String> created = kafka.createTopics();
            progress.accept(created.isEmpty()
                    ? "All catalog topics exist"
                    : "Created " + created.size() + " topics: " + String.join(", ", created));
            final List<String> aligned = kafka.alignTimestampTypes();
            if (!aligned.isEmpty()) {
                progress.accept("Set " + Topics.TIMESTAMP_TYPE + "=" + Topics.LOG_APPEND_TIME + " on " + String.join(", ", aligned)
                        + " (created before the catalog asked for it: the engine counts lateness in arrival order)");
            }

            if (esLauncher != null) {
                elasticsearch.awaitHealthy(esLauncher, deadline);
                esStartup = Duration.between(esSpawned, Instant.now());
                progress.accept(String.format("Elasticsearch is healthy on %s, %.1f s after its start",
                        elasticsearch.address(), seconds(esStartup)));
            } else {
                elasticsearch.awaitHealthy(deadline);
            }
            final List<String> templates = elasticsearch.installTemplates();
            progress.accept("Installed index templates: " + String.join(", ", templates));
        } catch (final RuntimeException | IOException e) {
            undoStart(kafkaProcess, esLauncher);
            throw e;
        }
        final StackStatus status = status();
        return new StackStatus(status.home(),
                kafkaStartup == null ? status.kafka() : status.kafka().withStartup(kafkaStartup),
                esStartup == null ? status.elasticsearch() : status.elasticsearch().withStartup(esStartup));
    }

    /** Stops what a failed {@code up} started, so that it leaves the stack as it found it. */
    private void undoStart(final Process kafkaProcess, final Process esLauncher) {
        if (kafkaProcess != null) {
            kafka.stop(Duration.ofSeconds(10));
        }
        if (esLauncher != null) {
            // The node may not have written its pid file yet: take down the launcher's tree too.
            if (esLauncher.isAlive()) {
                Processes.killTree(esLauncher.toHandle());
            }
            elasticsearch.stop(Duration.ofSeconds(10));
        }
    }

    static void requireFree(final int port, final String component, final String option) {
        if (Processes.bindable(port)) {
            return;
        }
        throw new StackException("Port " + port + " on 127.0.0.1, needed by " + component + ", is in use by "
                + describeOwner(port) + ". Stop that, or choose other ports (" + option + ").");
    }

    /** Names the RestoreGuard stack (of another home) that holds the port, if one does. */
    private static String describeOwner(final int port) {
        final List<String> stacks = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(process -> {
            final Matcher matcher = HOME_PATTERN.matcher(Processes.commandLine(process));
            if (matcher.find()) {
                final Path home = Path.of(matcher.group(1));
                StackSettings.recorded(home)
                        .filter(r -> r.kafkaPort() == port || r.controllerPort() == port || r.elasticsearchPort() == port)
                        .ifPresent(r -> stacks.add("the RestoreGuard stack of " + home + " (pid " + process.pid() + ")"));
            }
        });
        return stacks.isEmpty() ? "another program" : String.join(", ", stacks);
    }

    private static double seconds(final Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    private <T> T locked(final IoSupplier<T> action) {
        return locked(settings, action);
    }

    /**
     * Runs {@code action} holding the home's lock. Static and package-private so that a
     * {@link KafkaBroker} on the same home takes turns with {@code up} and {@code down}.
     */
    @SuppressWarnings("try") // the lock is held for the try block's duration, never read
    static <T> T locked(final StackSettings settings, final IoSupplier<T> action) {
        JVM_LOCK.lock();
        try {
            Files.createDirectories(settings.home());
            try (FileChannel channel = FileChannel.open(settings.home().resolve("stack.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = channel.lock()) {
                return action.get();
            }
        } catch (final IOException e) {
            throw new StackException("Local stack in " + settings.home() + ": " + e.getMessage(), e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("Interrupted", e);
        } finally {
            JVM_LOCK.unlock();
        }
    }

    /** An action that may fail with I/O. */
    @FunctionalInterface
    interface IoSupplier<T> {
        T get() throws IOException, InterruptedException;
    }
}
