package dev.restoreguard.cli;

import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.infra.stack.LocalStack;
import dev.restoreguard.infra.stack.StackException;
import dev.restoreguard.infra.stack.StackSettings;
import dev.restoreguard.infra.stack.StackStatus;
import dev.restoreguard.streams.app.CorrelationApp;
import dev.restoreguard.streams.app.EngineConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code restoreguard up}: the main job on the embedded local stack. Starts (or reuses) the local
 * Kafka and Elasticsearch, runs the correlation engine in this process and prints every alert
 * version published on {@code restoreguard.alerts} as it arrives, until Ctrl-C. The stack keeps
 * running afterwards ({@code restoreguard stack down} stops it).
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Start the local stack (Kafka + Elasticsearch on loopback) and the correlation engine, "
                + "and show alerts as they arrive. Ctrl-C stops the engine; `restoreguard stack down` stops the stack.",
                "Exit 130/143 after Ctrl-C/SIGTERM (the JVM's status for a signal, after a clean close), 1 when the stack or the engine could not start."})
public final class UpCommand implements Callable<Integer> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
            .withZone(ZoneId.of("UTC"));

    @Spec
    private CommandSpec spec;

    @Option(names = "--home", paramLabel = "DIR",
            description = "Local stack data directory (default $RESTOREGUARD_HOME, else ~/.restoreguard).")
    private java.nio.file.Path home;

    @Override
    public Integer call() throws InterruptedException {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final StackSettings settings = home == null ? StackSettings.defaults() : StackSettings.forHome(home);
        final StackStatus status;
        try {
            status = new LocalStack(settings, line -> {
                out.println(line);
                out.flush();
            }).up();
        } catch (StackException e) {
            err.println("the local stack could not start: " + e.getMessage());
            err.flush();
            return 1;
        }
        StackCommand.printStatus(out, status);
        final EngineConfig config = EngineConfig.fromEnvironment(System.getenv())
                .withBootstrapServers(settings.bootstrapServers())
                .withApplication("restoreguard-engine", settings.home().resolve("engine-state"),
                        EngineConfig.fromEnvironment(System.getenv()).httpPort());
        final AtomicBoolean stopping = new AtomicBoolean();
        try (CorrelationApp engine = new CorrelationApp(config);
             KafkaConsumer<String, Alert> alerts = AlertsTail.open(settings.bootstrapServers())) {
            final Thread hook = new Thread(() -> {
                stopping.set(true);
                alerts.wakeup();
            }, "restoreguard-up-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            out.println("Starting the correlation engine...");
            out.flush();
            engine.start();
            if (!engine.awaitRunning(Duration.ofMinutes(3))) {
                err.println("the engine did not reach RUNNING (state " + engine.state() + "); see the log above");
                err.flush();
                return 1;
            }
            out.printf("RestoreGuard is up. Kafka %s, Elasticsearch %s, engine http://127.0.0.1:%d/health/ready%n",
                    settings.bootstrapServers(), settings.elasticsearchUrl(), engine.httpPort());
            out.println("Watching restoreguard.alerts (Ctrl-C to stop; the stack keeps running)...");
            out.flush();
            watch(alerts, out, stopping);
            return 0;
        } catch (CorrelationApp.StartException e) {
            err.println("the engine could not start: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    private static void watch(final KafkaConsumer<String, Alert> alerts, final PrintWriter out,
                              final AtomicBoolean stopping) {
        try {
            while (!stopping.get()) {
                for (ConsumerRecord<String, Alert> record : alerts.poll(Duration.ofMillis(500))) {
                    out.println(line(record.value()));
                    out.flush();
                }
            }
        } catch (WakeupException e) {
            // Ctrl-C: leave the loop and close the engine
        }
    }

    /** One alert as a person reads it on a console. */
    static String line(final Alert a) {
        final String status = Alert.RETRACTED.equals(a.alert().status()) ? " RETRACTED" : "";
        return String.format("%s  %-8s %s %s%s  %s%n      %s", TIME.format(a.timestamp()),
                a.alert().severity().label().toUpperCase(java.util.Locale.ROOT), a.rule().id(), a.rule().name(),
                status, a.alert().subject(), a.alert().reason());
    }
}
