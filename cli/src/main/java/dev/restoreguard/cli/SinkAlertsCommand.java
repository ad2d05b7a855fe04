package dev.restoreguard.cli;

import dev.restoreguard.events.config.ConfigException;
import dev.restoreguard.sinks.alert.AlertsService;
import dev.restoreguard.sinks.alert.config.AlertsConfig;
import dev.restoreguard.sinks.alert.config.SinksFile;
import dev.restoreguard.sinks.service.Metrics;
import dev.restoreguard.sinks.service.SinkService;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code restoreguard sink alerts --config FILE}: sends alerts to the channels of
 * {@code sinks.alerts.channels} until Ctrl-C (see {@link AlertsService}).
 */
@Command(name = "alerts", mixinStandardHelpOptions = true,
        description = {"Send alerts to the configured channels (webhook, slack, teams, pagerduty, email, syslog) until Ctrl-C; "
                + "each channel is its own consumer group and commits only after a successful send.",
                "Exit 130/143 after Ctrl-C/SIGTERM (the JVM's status for a signal, after a clean close), 1 when a channel is unreachable at start or a loop failed, 2 on invalid configuration."})
public final class SinkAlertsCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", required = true, description = "YAML file with sinks.alerts.channels.")
    private Path config;

    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default $RESTOREGUARD_BOOTSTRAP_SERVERS, else 127.0.0.1:9092).")
    private String bootstrapServer;

    @picocli.CommandLine.Mixin
    private KafkaClientOptions kafkaClient;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8721",
            description = "Port of /health/live, /health/ready and /metrics on 127.0.0.1; 0 turns it off (default ${DEFAULT-VALUE}).")
    private int httpPort;

    @Override
    public Integer call() throws InterruptedException {
        final AlertsConfig alerts;
        try {
            alerts = SinksFile.read(config, System.getenv()).requireAlerts();
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("invalid configuration: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 2;
        }
        final SinkService service = AlertsService.create(alerts,
                kafkaClient.config(bootstrapServer), new Metrics());
        spec.commandLine().getOut().println("Starting the alert sink with " + alerts.channels().size() + " channel(s): "
                + alerts.channels().stream().map(c -> c.name() + " (" + c.type() + ")").toList());
        return SinkServiceRunner.run(service, httpPort, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
