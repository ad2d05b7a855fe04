package dev.restoreguard.streams.app;

import dev.restoreguard.events.Topics;
import dev.restoreguard.streams.topology.CorrelationTopology;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The correlation engine as a long-lived service: the topology of {@link CorrelationTopology}
 * run by {@link KafkaStreams}, plus a small HTTP endpoint on {@code 127.0.0.1:httpPort} (health,
 * Prometheus metrics, {@code check-restore}).
 *
 * <p>Reads {@code restoreguard.hosts.snapshots}, {@code restoreguard.restores},
 * {@code restoreguard.dns.records}, {@code restoreguard.approvals}, {@code restoreguard.inventory},
 * {@code restoreguard.engine.reference} and {@code restoreguard.dlq} (keys: strings, values: JSON
 * envelopes; the DLQ raw bytes); writes alerts keyed by {@code alert.id} to
 * {@code restoreguard.alerts}, reference changes to {@code restoreguard.engine.reference} and
 * unreadable records to {@code restoreguard.dlq}. It does not create these topics: it waits for
 * them (they come from {@code restoreguard stack up} or the operator's own tooling) and fails
 * naming the missing ones.
 *
 * <p>Lifecycle: {@link #start()}, then {@link #awaitTermination()} until {@link #close()} (from a
 * shutdown hook) or a fatal error. Local state is never wiped ({@code cleanUp()} is not called):
 * after an unclean stop under exactly-once, Kafka Streams itself restores what it must from the
 * changelogs, and a wipe would only make the restart slower.
 */
public final class CorrelationApp implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(CorrelationApp.class);

    /** How long {@link #start()} waits for missing topics by default. */
    public static final Duration DEFAULT_TOPIC_WAIT = Duration.ofSeconds(60);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final EngineConfig config;
    private final Duration topicWait;
    private final Map<String, ?> clientProperties;
    private final EngineExceptionHandler exceptionHandler = new EngineExceptionHandler(Clock.systemUTC());
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final AtomicReference<KafkaStreams.State> lastState = new AtomicReference<>(KafkaStreams.State.CREATED);
    private volatile KafkaStreams streams;
    private volatile EngineHttpServer http;
    private volatile boolean closing;
    private boolean closed;

    /** An engine that waits {@link #DEFAULT_TOPIC_WAIT} for its topics. */
    public CorrelationApp(final EngineConfig config) {
        this(config, DEFAULT_TOPIC_WAIT);
    }

    public CorrelationApp(final EngineConfig config, final Duration topicWait) {
        this(config, topicWait, Map.of());
    }

    /**
     * An engine whose Kafka clients also get {@code clientProperties}: security settings
     * ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}) of a secured cluster, applied to
     * the Streams, producer, consumer and admin clients alike.
     */
    public CorrelationApp(final EngineConfig config, final Duration topicWait, final Map<String, ?> clientProperties) {
        this.config = config;
        this.topicWait = topicWait;
        this.clientProperties = Map.copyOf(clientProperties);
    }

    /** The engine failed to start (topics missing, Kafka unreachable, HTTP port taken). */
    public static final class StartException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public StartException(final String message, final Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Runs the engine from {@code RESTOREGUARD_*} environment variables until the JVM is stopped.
     * Exits 0 after a clean stop, 1 when the engine failed, 2 on invalid configuration.
     */
    public static void main(final String[] args) {
        final EngineConfig config;
        try {
            config = EngineConfig.fromEnvironment(System.getenv());
        } catch (IllegalArgumentException e) {
            LOGGER.atError().addKeyValue("reason", e.getMessage()).log("invalid engine configuration");
            System.exit(2);
            return;
        }
        System.exit(runUntilStopped(new CorrelationApp(config)));
    }

    /**
     * Starts {@code app}, installs a shutdown hook that closes it (Ctrl-C, SIGTERM) and blocks until
     * it stops. Returns 0 after a clean stop, 1 when the engine failed or could not start.
     */
    public static int runUntilStopped(final CorrelationApp app) {
        final Thread hook = new Thread(app::close, "restoreguard-engine-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            app.start();
            final boolean failed = app.awaitTermination();
            return failed ? 1 : 0;
        } catch (StartException e) {
            LOGGER.atError().addKeyValue("reason", e.getMessage()).log("engine could not start");
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            app.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook runs close() again, which is a no-op
            }
        }
    }

    /**
     * Waits for the topics, starts Kafka Streams and the HTTP endpoint. Returns once the engine is
     * starting; use {@link #awaitRunning(Duration)} to wait for RUNNING.
     *
     * @throws StartException when a topic is still missing after the topic wait, Kafka cannot be
     *                        reached, or the HTTP port cannot be bound
     */
    public synchronized void start() {
        if (streams != null) {
            throw new IllegalStateException("engine already started");
        }
        final Topology topology = CorrelationTopology.build(config);
        final Properties props = config.streamsProperties();
        props.putAll(clientProperties);
        awaitTopics(new StreamsConfig(props).getAdminConfigs(config.applicationId() + "-topic-check"),
                requiredTopics(topology), config.bootstrapServers(), topicWait, () -> closing);
        if (closing) {
            throw new StartException("stopped while waiting for the engine's topics", null);
        }

        final KafkaStreams kafkaStreams = new KafkaStreams(topology, props);
        kafkaStreams.setUncaughtExceptionHandler(exceptionHandler);
        kafkaStreams.setStateListener(this::onStateChange);
        this.streams = kafkaStreams;
        if (config.httpPort() > 0) {
            final EngineHttpApi api = new EngineHttpApi(new KafkaStreamsView(kafkaStreams,
                    exceptionHandler::replacements), config.historyRetention(), Clock.systemUTC());
            try {
                this.http = new EngineHttpServer(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                        config.httpPort()), api).start();
            } catch (RuntimeException e) {
                kafkaStreams.close(Duration.ZERO);
                throw new StartException(e.getMessage(), e);
            }
        }
        LOGGER.atInfo().addKeyValue("application_id", config.applicationId())
                .addKeyValue("bootstrap_servers", config.bootstrapServers())
                .addKeyValue("state_dir", config.stateDir())
                .addKeyValue("processing_guarantee", config.processingGuarantee())
                .addKeyValue("allowed_lateness", config.allowedLateness())
                .addKeyValue("http_port", config.httpPort())
                .log("starting the correlation engine");
        kafkaStreams.start();
    }

    private void onStateChange(final KafkaStreams.State newState, final KafkaStreams.State oldState) {
        lastState.set(newState);
        LOGGER.atInfo().addKeyValue("from", oldState.name()).addKeyValue("to", newState.name())
                .log("engine state changed");
        if (newState == KafkaStreams.State.ERROR) {
            LOGGER.atError().addKeyValue("uncaught_exceptions", exceptionHandler.uncaught())
                    .log("the engine stopped after a fatal error; it needs a restart");
        }
        if (newState == KafkaStreams.State.ERROR || newState == KafkaStreams.State.NOT_RUNNING) {
            terminated.countDown();
        }
    }

    /** The engine's state ({@code CREATED} before {@link #start()}). */
    public KafkaStreams.State state() {
        final KafkaStreams s = streams;
        return s == null ? lastState.get() : s.state();
    }

    /** Waits until the engine is RUNNING; false when it failed or the timeout passed first. */
    public boolean awaitRunning(final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            final KafkaStreams.State s = state();
            if (s == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (s == KafkaStreams.State.ERROR || s == KafkaStreams.State.NOT_RUNNING
                    || s == KafkaStreams.State.PENDING_ERROR) {
                return false;
            }
            terminated.await(100, TimeUnit.MILLISECONDS);
        }
        return state() == KafkaStreams.State.RUNNING;
    }

    /**
     * Blocks until the engine stops.
     *
     * @return true when it stopped because of a fatal error, false after {@link #close()}
     */
    public boolean awaitTermination() throws InterruptedException {
        terminated.await();
        return !closing && (state() == KafkaStreams.State.ERROR || state() == KafkaStreams.State.PENDING_ERROR);
    }

    /** The port of the HTTP endpoint, or -1 when it is off or not started. */
    public int httpPort() {
        final EngineHttpServer h = http;
        return h == null ? -1 : h.port();
    }

    /** Stops the HTTP endpoint and Kafka Streams, waiting up to 30 s; safe to call more than once. */
    @Override
    public void close() {
        // set before taking the lock: a start() still waiting for topics sees it and gives up
        closing = true;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            stop();
        }
        terminated.countDown();
    }

    private void stop() {
        final EngineHttpServer h = http;
        if (h != null) {
            h.close();
        }
        final KafkaStreams s = streams;
        if (s != null) {
            LOGGER.atInfo().addKeyValue("state", s.state().name()).log("stopping the correlation engine");
            final boolean clean = s.close(CLOSE_TIMEOUT);
            LOGGER.atInfo().addKeyValue("clean", clean).log("correlation engine stopped");
        }
    }

    /**
     * Every user topic the topology reads or writes, plus the dead-letter topic the error handlers
     * write; internal topics (changelogs, repartitions) are Kafka Streams' to create.
     */
    static Set<String> requiredTopics(final Topology topology) {
        final Set<String> topics = new TreeSet<>();
        final TopologyDescription description = topology.describe();
        for (TopologyDescription.Subtopology sub : description.subtopologies()) {
            for (TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Source source && source.topicSet() != null) {
                    topics.addAll(source.topicSet());
                } else if (node instanceof TopologyDescription.Sink sink && sink.topic() != null) {
                    topics.add(sink.topic());
                }
            }
        }
        for (TopologyDescription.GlobalStore global : description.globalStores()) {
            topics.addAll(global.source().topicSet());
        }
        topics.add(Topics.DLQ.name());
        topics.removeIf(t -> t.endsWith("-repartition") || t.endsWith("-changelog"));
        return topics;
    }

    /**
     * Waits until every topic exists, polling every second; logs what is missing every 10 s.
     *
     * @throws StartException naming the missing topics, or saying Kafka cannot be reached
     */
    static void awaitTopics(final Map<String, Object> adminConfig, final Set<String> required,
                            final String bootstrapServers, final Duration wait, final BooleanSupplier stop) {
        final Instant deadline = Instant.now().plus(wait);
        Instant nextLog = Instant.now();
        final Admin admin = Admin.create(adminConfig);
        try {
            while (!stop.getAsBoolean()) {
                Set<String> missing;
                String unreachable = null;
                try {
                    final Set<String> existing = admin.listTopics(new ListTopicsOptions().timeoutMs(5_000))
                            .names().get(6, TimeUnit.SECONDS);
                    missing = new TreeSet<>(required);
                    missing.removeAll(existing);
                    if (missing.isEmpty()) {
                        LOGGER.atInfo().addKeyValue("topics", required.size()).log("every engine topic exists");
                        warnAboutEventTimestamps(admin, required);
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    missing = required;
                    unreachable = e instanceof ExecutionException && e.getCause() != null
                            ? e.getCause().getMessage() : "no answer within 6 s";
                }
                final Instant now = Instant.now();
                if (!now.isBefore(deadline)) {
                    if (unreachable != null) {
                        throw new StartException("cannot reach Kafka at " + bootstrapServers + " (" + unreachable
                                + "); is the broker running? (`./restoreguard stack up` starts the local one)", null);
                    }
                    throw new StartException(describeMissing(missing, bootstrapServers, wait), null);
                }
                if (!now.isBefore(nextLog)) {
                    LOGGER.atWarn().addKeyValue("bootstrap_servers", bootstrapServers)
                            .addKeyValue("missing", missing).addKeyValue("kafka_unreachable", unreachable)
                            .log("waiting for the engine's topics");
                    nextLog = now.plusSeconds(10);
                }
                Thread.sleep(1_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartException("interrupted while waiting for the engine's topics", e);
        } finally {
            // an unreachable broker leaves calls pending: do not wait for them to time out
            admin.close(Duration.ofSeconds(1));
        }
    }

    /**
     * Warns about judged topics whose record timestamp is the producer's (topics created before
     * the catalog set {@link Topics#LOG_APPEND_TIME}): collectors stamp their records with
     * event time, so the engine would measure lateness by event time and never find a record too
     * late. Best effort: a broker that does not answer only leaves the warning out.
     */
    private static void warnAboutEventTimestamps(final Admin admin, final Set<String> required) {
        final String key = Topics.TIMESTAMP_TYPE;
        final List<ConfigResource> judged = Topics.stampedOnAppend().stream().filter(required::contains)
                .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
        try {
            final Map<ConfigResource, Config> configs = admin.describeConfigs(judged).all().get(6, TimeUnit.SECONDS);
            final List<String> wrong = new ArrayList<>();
            configs.forEach((resource, config) -> {
                final ConfigEntry entry = config.get(key);
                if (entry == null || !Topics.LOG_APPEND_TIME.equals(entry.value())) {
                    wrong.add(resource.name());
                }
            });
            if (!wrong.isEmpty()) {
                Collections.sort(wrong);
                LOGGER.atWarn().addKeyValue("topics", wrong).addKeyValue("expected", key + "=" + Topics.LOG_APPEND_TIME)
                        .log("these topics keep the producers' timestamps (event time): no record will count as too"
                                + " late; `./restoreguard stack up` sets the config on a local stack, elsewhere set it on"
                                + " each, e.g. kafka-configs.sh --alter --entity-type topics --entity-name <topic>"
                                + " --add-config " + key + "=" + Topics.LOG_APPEND_TIME);
            }
        } catch (ExecutionException | TimeoutException e) {
            LOGGER.atDebug().setCause(e).log("could not read the topics' timestamp type");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String describeMissing(final Set<String> missing, final String bootstrapServers, final Duration wait) {
        final List<String> names = new ArrayList<>(missing);
        return (names.size() == 1 ? "topic " + names.get(0) + " does not exist"
                : "topics " + String.join(", ", names) + " do not exist")
                + " on " + bootstrapServers + " (waited " + wait.toSeconds() + " s); create the catalog's topics with "
                + "`./restoreguard stack up` (local stack) or from dev.restoreguard.events.Topics.all()";
    }
}
