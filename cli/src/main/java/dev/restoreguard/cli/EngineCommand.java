package dev.restoreguard.cli;

import dev.restoreguard.streams.app.CorrelationApp;
import dev.restoreguard.streams.app.EngineConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code restoreguard engine}: runs the correlation engine ({@link CorrelationApp}) in the
 * foreground until Ctrl-C or SIGTERM. Configuration comes from the {@code RESTOREGUARD_*}
 * environment variables of {@link EngineConfig}; the options override them.
 */
@Command(name = "engine", mixinStandardHelpOptions = true,
        description = {"Run the correlation engine until Ctrl-C: reads the collectors' topics, writes alerts to "
                + "restoreguard.alerts, and serves health, metrics and check-restore on 127.0.0.1:<http-port>.",
                "Other settings come from RESTOREGUARD_ENGINE_* environment variables (see EngineConfig).",
                "Exit 130/143 after Ctrl-C/SIGTERM (the JVM's status for a signal, after a clean close), 1 when the engine failed or could not start (a topic missing, Kafka "
                + "unreachable), 2 on invalid options or configuration."})
public final class EngineCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default $RESTOREGUARD_BOOTSTRAP_SERVERS, else 127.0.0.1:9092).")
    private String bootstrapServer;

    @picocli.CommandLine.Mixin
    private KafkaClientOptions kafkaClient;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "Port of the HTTP endpoint on 127.0.0.1; 0 turns it off "
                    + "(default $RESTOREGUARD_ENGINE_HTTP_PORT, else 8710).")
    private Integer httpPort;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Local state directory (default $RESTOREGUARD_ENGINE_STATE_DIR, else "
                    + "~/.restoreguard/engine-state). Keep it between runs: a restart then restores little.")
    private Path stateDir;

    @Option(names = "--topic-wait", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long to wait for the catalog's topics to exist before giving up (default ${DEFAULT-VALUE}).")
    private long topicWaitSeconds;

    @Override
    public Integer call() throws InterruptedException {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final EngineConfig config;
        try {
            config = config(EngineConfig.fromEnvironment(System.getenv()));
        } catch (IllegalArgumentException e) {
            err.println("invalid engine configuration: " + e.getMessage());
            err.flush();
            return 2;
        }
        if (topicWaitSeconds < 0) {
            err.println("--topic-wait must not be negative");
            err.flush();
            return 2;
        }
        final CorrelationApp app = new CorrelationApp(config, Duration.ofSeconds(topicWaitSeconds),
                kafkaClient.overrides());
        final Thread hook = new Thread(app::close, "restoreguard-engine-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            out.printf("Starting the correlation engine (Kafka %s, state %s)...%n", config.bootstrapServers(),
                    config.stateDir());
            out.flush();
            app.start();
            if (app.awaitRunning(Duration.ofMinutes(5))) {
                out.println("Engine running"
                        + (app.httpPort() > 0 ? "; http://127.0.0.1:" + app.httpPort() + "/health/ready, /metrics, "
                        + "/check-restore" : "") + ". Ctrl-C stops it.");
                out.flush();
            }
            final boolean failed = app.awaitTermination();
            if (failed) {
                err.println("the engine stopped after a fatal error (see the log above); restart it");
                err.flush();
                return 1;
            }
            return 0;
        } catch (CorrelationApp.StartException e) {
            err.println("the engine could not start: " + e.getMessage());
            err.flush();
            return 1;
        } finally {
            app.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down (Ctrl-C): the hook closes the engine, close() is idempotent
            }
        }
    }

    private EngineConfig config(final EngineConfig fromEnvironment) {
        EngineConfig config = fromEnvironment;
        // --bootstrap-server, else the client configuration's, else $RESTOREGUARD_BOOTSTRAP_SERVERS or the default
        config = config.withBootstrapServers(kafkaClient.config(bootstrapServer).get("bootstrap.servers").toString());
        if (httpPort != null || stateDir != null) {
            config = config.withApplication(config.applicationId(), stateDir == null ? config.stateDir() : stateDir,
                    httpPort == null ? config.httpPort() : httpPort);
        }
        return config;
    }
}
