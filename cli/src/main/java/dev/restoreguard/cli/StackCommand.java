package dev.restoreguard.cli;

import dev.restoreguard.infra.stack.ComponentStatus;
import dev.restoreguard.infra.stack.LocalStack;
import dev.restoreguard.infra.stack.StackException;
import dev.restoreguard.infra.stack.StackSettings;
import dev.restoreguard.infra.stack.StackStatus;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code restoreguard stack up|down|status}: runs the local Kafka broker and Elasticsearch node
 * (see {@link LocalStack}) and prints their state for a person. Exit codes: 0 when the command
 * reached its goal, 1 when {@code up}/{@code down} failed, 3 when {@code status} finds the stack
 * not (fully) healthy.
 */
@Command(name = "stack",
        mixinStandardHelpOptions = true,
        description = {"Run the local stack: a single-node Kafka (KRaft) broker and an Elasticsearch node, on 127.0.0.1, "
                + "without Docker.",
                "Files live in --home (default $RESTOREGUARD_HOME or ~/.restoreguard); the processes keep running after "
                + "this command returns."},
        subcommands = {StackCommand.Up.class, StackCommand.Down.class, StackCommand.Status.class})
public final class StackCommand implements Callable<Integer> {

    /** Exit code of {@code status} when a component is stopped or unhealthy. */
    static final int NOT_HEALTHY = 3;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** The {@code --home} option every subcommand takes. */
    static final class HomeOption {
        @Option(names = "--home", paramLabel = "DIR",
                description = "Folder for the stack's configuration, data, logs and pid files "
                        + "(default: $RESTOREGUARD_HOME, else ~/.restoreguard).")
        Path home;

        /** Settings for the home, with the ports the last {@code up} recorded there. */
        StackSettings settings() {
            return StackSettings.forHome(home == null ? StackSettings.defaultHome() : home);
        }
    }

    /** {@code stack up}. */
    @Command(name = "up", mixinStandardHelpOptions = true,
            description = {"Start Kafka and Elasticsearch unless they run, wait until both are healthy, create the "
                    + "catalog topics and install the index templates.",
                    "Running it again is harmless. Ports default to those of the last 'up' in this home, else "
                    + "9092/9093/9200."})
    static final class Up implements Callable<Integer> {
        @Spec
        private CommandSpec spec;
        @Mixin
        private HomeOption home;
        @Option(names = "--kafka-port", paramLabel = "PORT", description = "Kafka client port (default 9092).")
        private Integer kafkaPort;
        @Option(names = "--controller-port", paramLabel = "PORT", description = "KRaft controller port (default 9093).")
        private Integer controllerPort;
        @Option(names = "--es-port", paramLabel = "PORT", description = "Elasticsearch HTTP port (default 9200).")
        private Integer esPort;
        @Option(names = "--secure",
                description = {"Kafka with SASL/SCRAM-SHA-512 over TLS and ACLs (one principal per collector kind, the "
                        + "approval bridge, the engine, each sink), Elasticsearch with security on and file-realm users. "
                        + "Certificates and passwords are generated in <home>/security at the first start; each "
                        + "principal's client configuration is in <home>/security/kafka-clients/<principal>.properties "
                        + "(pass it with --client-config). A secure home stays secure."})
        private boolean secure;
        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "180",
                description = "How long to wait for each component to become healthy (default ${DEFAULT-VALUE}).")
        private long timeoutSeconds;

        @Override
        public Integer call() {
            final StackSettings recorded = home.settings();
            final StackSettings settings = recorded
                    .withPorts(kafkaPort == null ? recorded.kafkaPort() : kafkaPort,
                            controllerPort == null ? recorded.controllerPort() : controllerPort,
                            esPort == null ? recorded.elasticsearchPort() : esPort)
                    .withStartTimeout(Duration.ofSeconds(timeoutSeconds));
            final PrintWriter out = spec.commandLine().getOut();
            try {
                final LocalStack stack = new LocalStack(settings, line -> {
                    out.println(line);
                    out.flush();
                });
                final StackStatus status = (secure ? stack.secure() : stack).up();
                out.println();
                printStatus(out, status);
                out.flush();
                return 0;
            } catch (final StackException e) {
                return fail(spec, "stack up failed: " + e.getMessage());
            }
        }
    }

    /** {@code stack down}. */
    @Command(name = "down", mixinStandardHelpOptions = true,
            description = "Stop Kafka and Elasticsearch (SIGTERM, then SIGKILL after 30 s). Data stays in --home.")
    static final class Down implements Callable<Integer> {
        @Spec
        private CommandSpec spec;
        @Mixin
        private HomeOption home;

        @Override
        public Integer call() {
            final PrintWriter out = spec.commandLine().getOut();
            try {
                final StackStatus status = new LocalStack(home.settings(), line -> {
                    out.println(line);
                    out.flush();
                }).down();
                printStatus(out, status);
                out.flush();
                return 0;
            } catch (final StackException e) {
                return fail(spec, "stack down failed: " + e.getMessage());
            }
        }
    }

    /** {@code stack status}. */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show whether Kafka and Elasticsearch run and answer their health checks "
                    + "(exit code 0 when both are healthy, 3 otherwise).")
    static final class Status implements Callable<Integer> {
        @Spec
        private CommandSpec spec;
        @Mixin
        private HomeOption home;

        @Override
        public Integer call() {
            final StackStatus status = new LocalStack(home.settings()).status();
            final PrintWriter out = spec.commandLine().getOut();
            printStatus(out, status);
            out.flush();
            return status.healthy() ? 0 : NOT_HEALTHY;
        }
    }

    /** One header line and one line per component. */
    static void printStatus(final PrintWriter out, final StackStatus status) {
        out.println("RestoreGuard local stack in " + status.home());
        for (final ComponentStatus component : new ComponentStatus[] {status.kafka(), status.elasticsearch()}) {
            out.println(formatComponent(component));
        }
    }

    static String formatComponent(final ComponentStatus component) {
        final String state = switch (component.state()) {
            case HEALTHY -> "running, healthy";
            case RUNNING -> "running, NOT healthy";
            case STOPPED -> "stopped";
        };
        final StringBuilder line = new StringBuilder(String.format("  %-14s %-21s %-11s %-23s %s",
                component.name(), state,
                component.pid().isPresent() ? "pid " + component.pid().getAsLong() : "-",
                component.address(), component.detail()));
        component.startup().ifPresent(took -> line.append(String.format(" (healthy %.1f s after start)",
                took.toMillis() / 1000.0)));
        return line.toString();
    }

    private static int fail(final CommandSpec spec, final String message) {
        final PrintWriter err = spec.commandLine().getErr();
        err.println(message);
        err.flush();
        return 1;
    }
}
