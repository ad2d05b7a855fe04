package dev.restoreguard.cli;

import dev.restoreguard.events.Json;
import dev.restoreguard.producers.config.CollectorConfig;
import dev.restoreguard.producers.hosts.HostsFileCollector;
import dev.restoreguard.producers.runtime.CollectorKinds;
import dev.restoreguard.producers.runtime.CollectorService;
import dev.restoreguard.producers.runtime.Metrics;
import dev.restoreguard.sinks.SinkException;
import dev.restoreguard.sinks.alert.AlertsService;
import dev.restoreguard.sinks.alert.config.AlertsConfig;
import dev.restoreguard.sinks.elasticsearch.ElasticsearchSinkConfig;
import dev.restoreguard.sinks.elasticsearch.ElasticsearchSinkService;
import dev.restoreguard.sinks.service.SinkService;
import dev.restoreguard.streams.app.CorrelationApp;
import dev.restoreguard.streams.app.EngineConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The services {@code restoreguard up} runs in one process on the local stack: the correlation
 * engine, the Elasticsearch sink, the alert-channel sink and hosts-file collectors. Started in
 * data-flow order (engine before its consumers' producers is not required by Kafka, but a console
 * that says "up" should mean every part is running) and closed in reverse.
 *
 * <p>Reads and writes what its parts do: collectors write {@code restoreguard.hosts.snapshots} and
 * {@code restoreguard.audit}; the engine reads the event topics and writes {@code restoreguard.alerts};
 * the sinks read the event topics and the alerts and write {@code restoreguard.alerts.deliveries}
 * and {@code restoreguard.dlq}.
 */
final class LocalServices implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(LocalServices.class);

    private final String bootstrapServers;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    LocalServices(final String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** Starts the engine and waits until it is RUNNING. */
    CorrelationApp startEngine(final EngineConfig config, final Duration timeout) throws InterruptedException {
        final CorrelationApp engine = new CorrelationApp(config);
        started.push(engine);
        engine.start();
        if (!engine.awaitRunning(timeout)) {
            throw new IllegalStateException("the engine did not reach RUNNING within " + timeout.toSeconds()
                    + " s (state " + engine.state() + "); see the log");
        }
        return engine;
    }

    /** Starts the Elasticsearch sink (templates are installed by the stack itself). */
    SinkService startElasticsearchSink(final String elasticsearchUrl) throws SinkException {
        final SinkService sink = ElasticsearchSinkService.create(ElasticsearchSinkConfig.DEFAULT.withUrls(List.of(elasticsearchUrl)),
                kafka(), Map.of(), new dev.restoreguard.sinks.service.Metrics());
        return start(sink);
    }

    /** Starts the alert-channel sink with {@code config}'s channels. */
    SinkService startAlertSink(final AlertsConfig config) throws SinkException {
        return start(AlertsService.create(config, kafka(), new dev.restoreguard.sinks.service.Metrics()));
    }

    /**
     * Starts a hosts-file collector watching {@code hostsFile} as {@code observer} (null: this machine,
     * as every collector names itself); its spool and
     * state live in {@code stateDir}, its health endpoint on a free port.
     */
    CollectorService startHostsCollector(final String observer, final Path hostsFile, final Path stateDir) throws Exception {
        final CollectorConfig config = CollectorConfig.parse(String.join("\n",
                "kafka:",
                "  bootstrap_servers: " + quote(bootstrapServers),
                "collector:",
                observer == null ? "" : "  observer: " + quote(observer),
                "  state_dir: " + quote(stateDir.toString()),
                "  health:",
                "    port: 0",
                "collectors:",
                "  hosts_file:",
                "    paths: [" + quote(hostsFile.toString()) + "]",
                "    debounce_ms: 200",
                ""), Map.of());
        final Metrics metrics = new Metrics();
        final CollectorService service = new CollectorService(config,
                CollectorKinds.create(HostsFileCollector.KIND, config, metrics), metrics);
        started.push(service);
        service.start();
        return service;
    }

    private SinkService start(final SinkService sink) throws SinkException {
        started.push(sink);
        sink.start();
        return sink;
    }

    private Map<String, Object> kafka() {
        return Map.of("bootstrap.servers", bootstrapServers);
    }

    private static String quote(final String value) {
        try {
            return Json.MAPPER.writeValueAsString(value); // a JSON string is a valid YAML flow scalar
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            final AutoCloseable service = started.pop();
            try {
                service.close();
            } catch (Exception e) {
                LOGGER.atWarn().addKeyValue("service", service.getClass().getSimpleName()).setCause(e)
                        .log("Could not close a service cleanly");
            }
        }
    }
}
