package dev.restoreguard.testkit;

import dev.restoreguard.infra.stack.LocalStack;
import dev.restoreguard.infra.stack.StackSettings;
import dev.restoreguard.infra.stack.StackStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JUnit 5 extension that starts the real local stack once per test JVM and stops it when the JVM's
 * test run ends. Use {@link WithLocalStack} (or {@code @ExtendWith(LocalStackExtension.class)}) and
 * take a {@link TestStack} parameter.
 *
 * <p>The test stack is not the developer's stack: it lives in its own home and on its own ports,
 * so both can run at once. Defaults and the system properties (or environment variables) that
 * change them:
 * <ul>
 *   <li>home: {@code ${java.io.tmpdir}/restoreguard-test-stack-<user>};
 *       {@code -Drestoreguard.test.home} or {@code RESTOREGUARD_TEST_HOME}</li>
 *   <li>ports 19092 (Kafka), 19093 (controller), 19200 (Elasticsearch);
 *       {@code -Drestoreguard.test.kafka.port}, {@code .controller.port}, {@code .es.port}</li>
 *   <li>start timeout 300 s; {@code -Drestoreguard.test.start.timeout.seconds}</li>
 *   <li>{@code -Drestoreguard.test.keep=true} leaves the stack running after the run, so that the
 *       next run skips the 30-60 s start-up (its data is then not reset either)</li>
 * </ul>
 *
 * <p>When it starts the stack, the extension first deletes the previous run's topics and indices,
 * so each run begins empty. The stack is shared with other test JVMs that use the same home
 * (parallel forks, a second build): each JVM holds a lease file, and the last one out stops it.
 * The stack is kept in the root context's store as an {@link AutoCloseable}, which JUnit closes
 * after the last test of the JVM; a shutdown hook covers JVMs that end otherwise.
 */
public final class LocalStackExtension implements BeforeAllCallback, ParameterResolver {

    private static final Logger LOGGER = LoggerFactory.getLogger(LocalStackExtension.class);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LocalStackExtension.class);

    /** Default Kafka port of the test stack. */
    public static final int DEFAULT_KAFKA_PORT = 19092;
    /** Default controller port of the test stack. */
    public static final int DEFAULT_CONTROLLER_PORT = 19093;
    /** Default Elasticsearch port of the test stack. */
    public static final int DEFAULT_ELASTICSEARCH_PORT = 19200;

    @Override
    public void beforeAll(final ExtensionContext context) {
        // Start in beforeAll, not lazily in a parameter, so that a failing start fails the class
        // up front with the stack's own message.
        running(context);
    }

    @Override
    public boolean supportsParameter(final ParameterContext parameterContext, final ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == TestStack.class;
    }

    @Override
    public Object resolveParameter(final ParameterContext parameterContext, final ExtensionContext extensionContext) {
        return running(extensionContext).testStack();
    }

    /** The stack of this test JVM, started on first use. */
    public static TestStack testStack(final ExtensionContext context) {
        return running(context).testStack();
    }

    private static RunningStack running(final ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(RunningStack.class, key -> RunningStack.start(settings()), RunningStack.class);
    }

    /** The test stack's settings from system properties, environment variables and defaults. */
    static StackSettings settings() {
        final Path home = Path.of(setting("restoreguard.test.home", "RESTOREGUARD_TEST_HOME",
                Path.of(System.getProperty("java.io.tmpdir"), "restoreguard-test-stack-"
                        + System.getProperty("user.name", "user")).toString()));
        return StackSettings.forHome(home).withPorts(
                Integer.parseInt(setting("restoreguard.test.kafka.port", "RESTOREGUARD_TEST_KAFKA_PORT",
                        Integer.toString(DEFAULT_KAFKA_PORT))),
                Integer.parseInt(setting("restoreguard.test.controller.port", "RESTOREGUARD_TEST_CONTROLLER_PORT",
                        Integer.toString(DEFAULT_CONTROLLER_PORT))),
                Integer.parseInt(setting("restoreguard.test.es.port", "RESTOREGUARD_TEST_ES_PORT",
                        Integer.toString(DEFAULT_ELASTICSEARCH_PORT))))
                // Generous: a loaded two-core machine has taken two minutes to start Elasticsearch.
                .withStartTimeout(Duration.ofSeconds(Long.parseLong(setting("restoreguard.test.start.timeout.seconds",
                        "RESTOREGUARD_TEST_START_TIMEOUT_SECONDS", "300"))));
    }

    private static String setting(final String property, final String variable, final String fallback) {
        final String fromProperty = System.getProperty(property);
        if (fromProperty != null && !fromProperty.isBlank()) {
            return fromProperty;
        }
        final String fromEnv = System.getenv(variable);
        return fromEnv != null && !fromEnv.isBlank() ? fromEnv : fallback;
    }

    /** The started stack plus this JVM's lease on it; closing releases the lease. */
    static final class RunningStack implements AutoCloseable {

        private final LocalStack stack;
        private final TestStack testStack;
        private final Path lease;
        private final Thread shutdownHook;
        private boolean closed;

        private RunningStack(final LocalStack stack, final Path lease) {
            this.stack = stack;
            this.lease = lease;
            final StackSettings settings = stack.settings();
            this.testStack = new TestStack(settings.bootstrapServers(), URI.create(settings.elasticsearchUrl() + "/"),
                    settings.home());
            this.shutdownHook = new Thread(this::release, "restoreguard-test-stack-stop");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }

        static RunningStack start(final StackSettings settings) {
            final LocalStack stack = new LocalStack(settings, line -> LOGGER.info("[test stack] {}", line));
            final Path lease = leases(settings).resolve(Long.toString(ProcessHandle.current().pid()));
            final long started = System.nanoTime();
            try {
                withLeaseLock(settings, () -> {
                Files.createDirectories(lease.getParent());
                if (stack.status().stopped() && liveLeases(settings).isEmpty()) {
                    // Nobody else uses it: begin with empty topics and indices.
                    stack.deleteData();
                }
                Files.writeString(lease, "test JVM\n");
                try {
                    stack.up();
                } catch (final RuntimeException e) {
                    Files.deleteIfExists(lease);
                    throw e;
                }
                });
            } catch (final IOException e) {
                throw new UncheckedIOException("Cannot prepare the test stack in " + settings.home(), e);
            }
            LOGGER.atInfo().addKeyValue("home", settings.home())
                    .addKeyValue("seconds", Duration.ofNanos(System.nanoTime() - started).toMillis() / 1000.0)
                    .log("Test stack ready: Kafka {}, Elasticsearch {}", settings.bootstrapServers(),
                            settings.elasticsearchUrl());
            return new RunningStack(stack, lease);
        }

        TestStack testStack() {
            return testStack;
        }

        @Override
        public void close() {
            release();
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (final IllegalStateException e) {
                // The JVM is already shutting down: the hook runs release() again, which is a no-op.
            }
        }

        private synchronized void release() {
            if (closed) {
                return;
            }
            closed = true;
            final StackSettings settings = stack.settings();
            try {
                withLeaseLock(settings, () -> {
                    Files.deleteIfExists(lease);
                    if (Boolean.getBoolean("restoreguard.test.keep")) {
                        LOGGER.info("[test stack] left running in {} (restoreguard.test.keep)", settings.home());
                        return;
                    }
                    final List<Path> others = liveLeases(settings);
                    if (others.isEmpty()) {
                        final StackStatus status = stack.down();
                        LOGGER.atInfo().addKeyValue("stopped", status.stopped()).log("[test stack] stopped");
                    } else {
                        LOGGER.info("[test stack] left running for other test JVMs: {}", others);
                    }
                });
            } catch (final IOException | RuntimeException e) {
                LOGGER.atWarn().setCause(e).log("[test stack] could not be stopped");
            }
        }

        private static Path leases(final StackSettings settings) {
            return settings.home().resolve("test-leases");
        }

        /** Leases of running JVMs; leases of JVMs that died are removed on the way. */
        private static List<Path> liveLeases(final StackSettings settings) throws IOException {
            final Path folder = leases(settings);
            if (!Files.isDirectory(folder)) {
                return List.of();
            }
            try (Stream<Path> files = Files.list(folder)) {
                return files.filter(file -> {
                    final boolean alive = parsePid(file).flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false);
                    if (!alive) {
                        try {
                            Files.deleteIfExists(file);
                        } catch (final IOException e) {
                            LOGGER.atDebug().addKeyValue("lease", file).log("Cannot delete stale lease");
                        }
                    }
                    return alive;
                }).toList();
            }
        }

        private static java.util.Optional<Long> parsePid(final Path file) {
            try {
                return java.util.Optional.of(Long.parseLong(file.getFileName().toString()));
            } catch (final NumberFormatException e) {
                return java.util.Optional.empty();
            }
        }

        /** Runs {@code action} holding a file lock that serializes lease changes across JVMs. */
        @SuppressWarnings("try") // the lock is held for the try block's duration, never read
        private static void withLeaseLock(final StackSettings settings, final IoAction action) throws IOException {
            Files.createDirectories(settings.home());
            try (FileChannel channel = FileChannel.open(settings.home().resolve("test-leases.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = channel.lock()) {
                action.run();
            }
        }
    }

    /** An action that may fail with I/O. */
    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }
}
