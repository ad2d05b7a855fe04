package dev.restoreguard.cli;

import dev.restoreguard.events.config.ConfigException;
import dev.restoreguard.producers.config.CollectorConfig;
import dev.restoreguard.producers.runtime.Collector;
import dev.restoreguard.producers.runtime.CollectorKinds;
import dev.restoreguard.producers.runtime.CollectorService;
import dev.restoreguard.producers.runtime.Metrics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code restoreguard collect <kind>}: runs one collector as a long-lived service (systemd unit or
 * Windows service) until Ctrl-C or SIGTERM, with its durable spool, heartbeats, and health and
 * metrics on {@code collector.health}.
 */
@Command(name = "collect", mixinStandardHelpOptions = true,
        description = {"Run a collector until Ctrl-C: hosts-file, dns-zone, windows-dns, resolution, veeam-syslog, veeam-rest, "
                        + "servicenow, restore-http, pgbackrest or inventory-watch.",
                "Events are spooled on disk before they are sent to Kafka; health on /health/live and /health/ready, "
                        + "Prometheus metrics on /metrics (collector.health.bind:port, default 127.0.0.1:8711).",
                "Exit 130/143 after Ctrl-C/SIGTERM (the JVM's status for a signal, after a clean close), 1 when the collector failed to start, 2 on invalid configuration."})
public final class CollectCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "KIND", description = "hosts-file, dns-zone, windows-dns, resolution, veeam-syslog, veeam-rest, "
            + "servicenow, restore-http, pgbackrest or inventory-watch")
    private String kind;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "restoreguard.yaml",
            description = "configuration file (default ${DEFAULT-VALUE})")
    private Path config;

    @picocli.CommandLine.Mixin
    private KafkaClientOptions kafkaClient;

    @Override
    public Integer call() throws InterruptedException {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final CollectorConfig cfg;
        final Collector collector;
        final Metrics metrics = new Metrics();
        try {
            cfg = CollectorConfig.read(config).withKafkaClientProperties(kafkaClient.fileProperties());
            collector = CollectorKinds.create(kind, cfg, metrics);
        } catch (ConfigException e) {
            err.println("invalid configuration: " + e.getMessage());
            err.flush();
            return 2;
        }
        final CollectorService service = new CollectorService(cfg, collector, metrics);
        final Thread hook = new Thread(service::close, "restoreguard-collect-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            service.start();
        } catch (Exception e) {
            err.println("collector " + kind + " could not start: " + e);
            err.flush();
            service.close();
            return 1;
        }
        out.printf("collector %s running; health and metrics on http://%s:%d/ (Ctrl-C to stop)%n", kind,
                cfg.collector().health().bind(), service.healthPort());
        out.flush();
        service.awaitStop();
        return 0;
    }
}
