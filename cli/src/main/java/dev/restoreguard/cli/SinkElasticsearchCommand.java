package dev.restoreguard.cli;

import dev.restoreguard.events.config.ConfigException;
import dev.restoreguard.infra.stack.IndexTemplates;
import dev.restoreguard.sinks.alert.config.SinksFile;
import dev.restoreguard.sinks.elasticsearch.ElasticsearchSinkConfig;
import dev.restoreguard.sinks.elasticsearch.ElasticsearchSinkService;
import dev.restoreguard.sinks.service.Metrics;
import dev.restoreguard.sinks.service.SinkService;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code restoreguard sink elasticsearch}: indexes the normalized events and every alert version
 * into Elasticsearch until Ctrl-C (see {@link ElasticsearchSinkService}).
 */
@Command(name = "elasticsearch", mixinStandardHelpOptions = true,
        description = {"Index events and alerts into Elasticsearch until Ctrl-C (data streams logs-restoreguard.events-*, "
                + "logs-restoreguard.alerts-* and the latest-state index restoreguard-alerts).",
                "Exit 130/143 after Ctrl-C/SIGTERM (the JVM's status for a signal, after a clean close), 1 when it could not start or failed, 2 on invalid options or configuration."})
public final class SinkElasticsearchCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML file with sinks.elasticsearch (optional; defaults fit the local stack).")
    private Path config;

    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default $RESTOREGUARD_BOOTSTRAP_SERVERS, else 127.0.0.1:9092).")
    private String bootstrapServer;

    @picocli.CommandLine.Mixin
    private KafkaClientOptions kafkaClient;

    @Option(names = "--es-url", paramLabel = "URL", description = "Elasticsearch URL (overrides sinks.elasticsearch.urls).")
    private String esUrl;

    @Option(names = "--install-templates",
            description = "Install the index templates when missing (needs the manage_index_templates privilege).")
    private boolean installTemplates;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8720",
            description = "Port of /health/live, /health/ready and /metrics on 127.0.0.1; 0 turns it off (default ${DEFAULT-VALUE}).")
    private int httpPort;

    @Override
    public Integer call() throws InterruptedException {
        ElasticsearchSinkConfig sinkConfig;
        try {
            sinkConfig = config == null ? ElasticsearchSinkConfig.DEFAULT : SinksFile.read(config, System.getenv()).sinks().elasticsearch();
            if (esUrl != null) {
                sinkConfig = sinkConfig.withUrls(List.of(esUrl));
            }
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("invalid configuration: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 2;
        }
        final Map<String, String> templates = installTemplates ? IndexTemplates.load() : Map.of();
        final SinkService service = ElasticsearchSinkService.create(sinkConfig,
                kafkaClient.config(bootstrapServer), templates, new Metrics());
        spec.commandLine().getOut().println("Starting the Elasticsearch sink (" + sinkConfig + ")...");
        return SinkServiceRunner.run(service, httpPort, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
