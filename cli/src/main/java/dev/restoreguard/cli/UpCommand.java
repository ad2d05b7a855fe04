package dev.restoreguard.cli;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.events.config.ConfigException;
import dev.restoreguard.events.net.Names;
import dev.restoreguard.infra.stack.LocalStack;
import dev.restoreguard.infra.stack.StackException;
import dev.restoreguard.infra.stack.StackSettings;
import dev.restoreguard.infra.stack.StackStatus;
import dev.restoreguard.producers.approval.BridgeKeys;
import dev.restoreguard.producers.config.CollectorConfig;
import dev.restoreguard.producers.scenario.ScenarioReader;
import dev.restoreguard.sinks.SinkException;
import dev.restoreguard.sinks.alert.config.AlertsConfig;
import dev.restoreguard.sinks.alert.config.SinksFile;
import dev.restoreguard.sinks.alert.config.WebhookConfig;
import dev.restoreguard.streams.app.CorrelationApp;
import dev.restoreguard.streams.app.EngineConfig;
import dev.restoreguard.streams.approval.TrustedKeys;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code restoreguard up}: the main job on the embedded local stack. Starts (or reuses) the local
 * Kafka and Elasticsearch, then runs in this process the correlation engine, the Elasticsearch sink,
 * the alert-channel sink and a hosts-file collector for this machine, and prints every alert version
 * published on {@code restoreguard.alerts} as it arrives, until Ctrl-C. With {@code --demo} it also
 * plays the seed incident in real time (see {@link DemoIncident}) and shows where the alert landed in
 * Elasticsearch. The stack keeps running afterwards ({@code restoreguard stack down} stops it).
 *
 * <p>Reads {@code restoreguard.alerts} (read_committed, from the end) and, with {@code --demo},
 * {@code restoreguard.hosts.snapshots}; its services read and write what {@link LocalServices} lists.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Start the local stack (Kafka + Elasticsearch on loopback), the correlation engine, both sinks "
                + "(Elasticsearch and alert channels) and a hosts-file collector, and show alerts as they arrive. "
                + "Ctrl-C stops the services; `restoreguard stack down` stops the stack.",
                "--demo also plays the Friday restore incident in real time into it.",
                "Exit 130/143 after Ctrl-C/SIGTERM (the JVM's status for a signal, after a clean close), 1 when the stack or "
                        + "a service could not start, 2 on invalid options or configuration."})
public final class UpCommand implements Callable<Integer> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
            .withZone(ZoneId.of("UTC"));

    @Spec
    private CommandSpec spec;

    @Option(names = "--home", paramLabel = "DIR",
            description = "Local stack data directory (default $RESTOREGUARD_HOME, else ~/.restoreguard).")
    private Path home;
    @Option(names = "--kafka-port", paramLabel = "PORT", description = "Kafka client port (default: the last 'up' in this home, else 9092).")
    private Integer kafkaPort;
    @Option(names = "--controller-port", paramLabel = "PORT", description = "KRaft controller port (default: the last 'up', else 9093).")
    private Integer controllerPort;
    @Option(names = "--es-port", paramLabel = "PORT", description = "Elasticsearch HTTP port (default: the last 'up', else 9200).")
    private Integer esPort;
    @Option(names = "--engine-http-port", paramLabel = "PORT",
            description = "Port of the engine's /health, /metrics and /check-restore on 127.0.0.1 (default $RESTOREGUARD_ENGINE_HTTP_PORT, else 8710; 0 turns it off).")
    private Integer engineHttpPort;
    @Option(names = "--sinks-config", paramLabel = "FILE",
            description = "YAML with sinks.alerts.channels to deliver alerts to; default: a signed webhook to a receiver in this process "
                    + "that logs deliveries to <home>/webhook-deliveries.jsonl.")
    private Path sinksConfig;
    @Option(names = "--hosts-file", paramLabel = "FILE",
            description = "The hosts file this machine's collector watches (default: the OS hosts file).")
    private Path hostsFile;
    @Option(names = "--no-collector", description = "Do not run the hosts-file collector for this machine.")
    private boolean noCollector;
    @Option(names = "--demo", description = "Play the Friday restore incident into the running job, in real time (about 30 s).")
    private boolean demo;
    @Option(names = "--demo-pace", paramLabel = "SECONDS", defaultValue = "3",
            description = "Longest pause between two demo records (default ${DEFAULT-VALUE}).")
    private int demoPaceSeconds;
    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "180",
            description = "How long to wait for each component to become healthy (default ${DEFAULT-VALUE}).")
    private long timeoutSeconds;

    @Override
    public Integer call() throws InterruptedException {
        final long began = System.nanoTime();
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final Console console = new Console(out);
        final StackSettings recorded = StackSettings.forHome(home == null ? StackSettings.defaultHome() : home);
        final StackSettings settings = recorded.withPorts(kafkaPort == null ? recorded.kafkaPort() : kafkaPort,
                        controllerPort == null ? recorded.controllerPort() : controllerPort,
                        esPort == null ? recorded.elasticsearchPort() : esPort)
                .withStartTimeout(Duration.ofSeconds(timeoutSeconds));
        final AlertsConfig channels;
        try {
            channels = sinksConfig == null ? null : SinksFile.read(sinksConfig, System.getenv()).requireAlerts();
        } catch (ConfigException e) {
            err.println("invalid --sinks-config: " + e.getMessage());
            err.flush();
            return 2;
        }
        final StackStatus status;
        try {
            status = new LocalStack(settings, console::println).up();
        } catch (StackException e) {
            err.println("the local stack could not start: " + e.getMessage());
            err.flush();
            return 1;
        }
        StackCommand.printStatus(out, status);
        final String bootstrap = settings.bootstrapServers();
        // the approval bridge's local key: `approve` signs with it and this engine trusts it
        BridgeKeys.ensureLocal(settings.home());
        final EngineConfig fromEnv = EngineConfig.fromEnvironment(System.getenv());
        final EngineConfig engineConfig = (System.getenv(TrustedKeys.VARIABLE) == null
                ? fromEnv.withTrustedKeys(TrustedKeys.directory(BridgeKeys.keysDir(settings.home()))) : fromEnv)
                .withBootstrapServers(bootstrap)
                .withApplication(fromEnv.applicationId(), settings.home().resolve("engine-state"),
                        engineHttpPort == null ? fromEnv.httpPort() : engineHttpPort);
        final AtomicBoolean stopping = new AtomicBoolean();
        try (LocalServices services = new LocalServices(bootstrap);
             LocalWebhookReceiver receiver = channels == null
                     ? new LocalWebhookReceiver(settings.home().resolve("webhook-deliveries.jsonl"),
                     LocalWebhookReceiver.secret(settings.home().resolve("webhook/local-webhook.secret")), console::delivered) : null;
             KafkaConsumer<String, Alert> alerts = AlertsTail.open(bootstrap)) {
            final Thread hook = new Thread(() -> {
                stopping.set(true);
                alerts.wakeup();
            }, "restoreguard-up-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            console.println("Starting the correlation engine...");
            final CorrelationApp engine = services.startEngine(engineConfig, Duration.ofSeconds(timeoutSeconds));
            console.println("Starting the Elasticsearch sink and the alert sink...");
            services.startElasticsearchSink(settings.elasticsearchUrl());
            final AlertsConfig alertChannels = channels != null ? channels : localWebhook(receiver);
            services.startAlertSink(alertChannels);
            if (!noCollector) {
                final Path watched = hostsFile != null ? hostsFile : Path.of(CollectorConfig.HostsFile.defaultHostsPath());
                final var collector = services.startHostsCollector(null, watched, settings.home().resolve("collectors/local"));
                console.println("Hosts-file collector watching " + watched + " (health http://127.0.0.1:" + collector.healthPort() + "/health)");
            }
            final DemoRun demoRun = demo ? prepareDemo(services, settings, console) : null;
            console.println(String.format("RestoreGuard is up after %d s. Kafka %s, Elasticsearch %s%s",
                    Duration.ofNanos(System.nanoTime() - began).toSeconds(), bootstrap, settings.elasticsearchUrl(),
                    engine.httpPort() > 0 ? ", engine http://127.0.0.1:" + engine.httpPort() + "/health/ready" : ""));
            console.println("Alerts go to: " + alertChannels.channels().stream().map(c -> c.name() + " (" + c.type() + ")").toList()
                    + " and Elasticsearch (index restoreguard-alerts, data streams logs-restoreguard.*)");
            console.println("Watching restoreguard.alerts (Ctrl-C to stop; the stack keeps running)...");
            if (demoRun != null) {
                demoRun.start(bootstrap, engineConfig.applicationId(), settings, began, stopping);
            }
            watch(alerts, console, stopping);
            return 0;
        } catch (CorrelationApp.StartException | IllegalStateException e) {
            err.println("the engine could not start: " + e.getMessage());
            err.flush();
            return 1;
        } catch (SinkException e) {
            err.println("a sink could not start: " + e.getMessage());
            err.flush();
            return 1;
        } catch (Exception e) {
            if (e instanceof InterruptedException ie) {
                throw ie;
            }
            err.println("up failed: " + e);
            err.flush();
            return 1;
        }
    }

    private DemoRun prepareDemo(final LocalServices services, final StackSettings settings, final Console console) throws Exception {
        final String suffix = "-run" + Long.toString(Instant.now().getEpochSecond(), 36);
        final DemoIncident incident = DemoIncident.seed(suffix);
        for (Map.Entry<String, String> e : incident.initialHostsFiles().entrySet()) {
            final Path dir = settings.home().resolve("demo").resolve(e.getKey());
            Files.createDirectories(dir);
            final Path file = dir.resolve("hosts");
            Files.writeString(file, e.getValue(), StandardCharsets.UTF_8);
            incident.sandbox(e.getKey(), file);
            services.startHostsCollector(e.getKey(), file, dir.resolve("collector"));
            console.println("Demo: a hosts-file collector plays the backup server " + e.getKey() + ", watching the sandbox file " + file);
        }
        return new DemoRun(incident, Duration.ofSeconds(Math.max(0, demoPaceSeconds)), console);
    }

    private static AlertsConfig localWebhook(final LocalWebhookReceiver receiver) {
        return new AlertsConfig(null, null, null, null, null,
                List.of(new WebhookConfig("local-webhook", null, null, null, null, receiver.url(), receiver.secret())));
    }

    private static void watch(final KafkaConsumer<String, Alert> alerts, final Console console, final AtomicBoolean stopping) {
        try {
            while (!stopping.get()) {
                for (ConsumerRecord<String, Alert> record : alerts.poll(Duration.ofMillis(500))) {
                    console.alert(record.value());
                }
            }
        } catch (WakeupException e) {
            // Ctrl-C: leave the loop and close the services
        }
    }

    /** One alert as a person reads it on a console. */
    static String line(final Alert a) {
        final String status = Alert.RETRACTED.equals(a.alert().status()) ? " RETRACTED" : "";
        return String.format("%s  %-8s %s %s%s  %s%n      %s", TIME.format(a.timestamp()),
                a.alert().severity().label().toUpperCase(java.util.Locale.ROOT), a.rule().id(), a.rule().name(),
                status, a.alert().subject(), a.alert().reason());
    }

    /** The console: one writer shared by the watch loop, the webhook receiver and the demo thread. */
    static final class Console {
        private final PrintWriter out;
        private final Map<String, Alert> seen = new ConcurrentHashMap<>();

        Console(final PrintWriter out) {
            this.out = out;
        }

        synchronized void println(final String line) {
            out.println(line);
            out.flush();
        }

        void alert(final Alert a) {
            seen.put(a.rule().id() + " " + a.alert().subject(), a);
            println(line(a));
        }

        void delivered(final LocalWebhookReceiver.Delivery d) {
            println("      delivered: " + d.ruleId() + " " + d.subject() + " → local webhook (webhook-id " + d.webhookId() + ")");
        }

        Alert seen(final String rule, final String subject) {
            return seen.get(rule + " " + subject);
        }
    }

    /** The demo, played on its own thread while the main thread shows alerts. */
    private static final class DemoRun {
        private final DemoIncident incident;
        private final Duration pace;
        private final Console console;

        DemoRun(final DemoIncident incident, final Duration pace, final Console console) {
            this.incident = incident;
            this.pace = pace;
            this.console = console;
        }

        void start(final String bootstrap, final String engineGroup, final StackSettings settings, final long began,
                   final AtomicBoolean stopping) {
            Thread.ofPlatform().name("restoreguard-demo").daemon().start(() -> {
                try {
                    run(bootstrap, engineGroup, settings, began, stopping);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    console.println("[demo] failed: " + e.getMessage());
                }
            });
        }

        private void run(final String bootstrap, final String engineGroup, final StackSettings settings, final long began,
                         final AtomicBoolean stopping) throws Exception {
            console.println("[demo] " + incident.description());
            try (ClusterReplay target = new ClusterReplay(bootstrap, Duration.ofSeconds(1), engineGroup);
                 KafkaConsumer<String, Envelope> snapshots = snapshotsTail(bootstrap)) {
                final ScenarioReader reader = new ScenarioReader(
                        () -> BridgeKeys.signer(null, null, System.getenv(), settings.home()));
                final int published = incident.play(reader, new DemoIncident.Stage() {
                    @Override
                    public void publish(final dev.restoreguard.producers.scenario.Routed event) {
                        target.send(event.topic(), event.key(), event.envelope());
                    }

                    @Override
                    public void awaitHostsSnapshot(final String observer) throws InterruptedException {
                        awaitSnapshot(snapshots, observer, stopping);
                    }
                }, pace, console::println);
                console.println("[demo] all " + published + " events are in; waiting for the verdicts...");
            }
            new DemoFindings(settings.elasticsearchUrl(), console).report(incident.expected(), stopping);
            console.println(String.format("[demo] done %d s after the command started. The job keeps running: Ctrl-C stops it.",
                    Duration.ofNanos(System.nanoTime() - began).toSeconds()));
        }

        private static KafkaConsumer<String, Envelope> snapshotsTail(final String bootstrap) {
            final KafkaConsumer<String, Envelope> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                    new StringDeserializer(), Topics.HOSTS.valueSerde().deserializer());
            final List<TopicPartition> partitions = consumer.partitionsFor(Topics.HOSTS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            return consumer;
        }

        private void awaitSnapshot(final KafkaConsumer<String, Envelope> snapshots, final String observer,
                                   final AtomicBoolean stopping) {
            final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && !stopping.get()) {
                for (ConsumerRecord<String, Envelope> r : snapshots.poll(Duration.ofMillis(250))) {
                    if (observer.equals(r.key())) {
                        console.println("[demo] the collector on " + observer + " published the new hosts-file state (event "
                                + r.value().eventId() + ")");
                        return;
                    }
                }
            }
            console.println("[demo] the collector on " + observer + " did not publish the edit within 60 s; continuing");
        }
    }
}
