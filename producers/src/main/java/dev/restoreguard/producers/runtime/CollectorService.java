package dev.restoreguard.producers.runtime;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.audit.Heartbeat;
import dev.restoreguard.producers.config.CollectorConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link Collector} as a long-lived service: opens the spool, starts the
 * {@link EventPublisher}, the health and metrics endpoints and the heartbeat, then starts the
 * collector (which takes its baseline) and runs until {@link #close()}.
 *
 * <p>Topics written: the collector's own, plus {@code restoreguard.audit} for a {@link Heartbeat}
 * every {@code collector.heartbeat_interval_seconds} (key: observer), so the engine can tell a
 * collector that went silent from a quiet one.
 */
public final class CollectorService implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(CollectorService.class);

    /** RestoreGuard's version as packaged (the jar manifest), else {@code dev}. */
    public static final String VERSION = versionOf();

    private final CollectorConfig config;
    private final Collector collector;
    private final Metrics metrics;
    private final String observer;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private Spool spool;
    private EventPublisher publisher;
    private HealthServer health;
    private ScheduledExecutorService heartbeat;

    public CollectorService(final CollectorConfig config, final Collector collector, final Metrics metrics) {
        this.config = config;
        this.collector = collector;
        this.metrics = metrics;
        this.observer = config.collector().observerOrHostName();
    }

    /** Starts everything; returns once the collector has taken its baseline. */
    public void start() throws Exception {
        final CollectorConfig.Runtime rt = config.collector();
        final CollectorConfig.Spool sp = rt.spool();
        spool = Spool.open(rt.spoolDir(), sp.maxBytes(), sp.segmentBytes(),
                "interval".equals(sp.fsync()) ? Spool.FsyncPolicy.INTERVAL : Spool.FsyncPolicy.ALWAYS,
                Duration.ofMillis(sp.fsyncIntervalMs()));
        final Map<String, Object> kafka = new HashMap<>(config.kafka().properties());
        kafka.put("bootstrap.servers", config.kafka().bootstrapServers());
        kafka.putIfAbsent("client.id", "restoreguard-" + collector.kind() + "-" + observer);
        publisher = new EventPublisher(kafka, spool, metrics,
                new EventChains(spool.dir().resolve("chains.json"), collector.kind() + "@" + observer));
        health = new HealthServer(rt.health().bind(), rt.health().port(), this::live, this::ready, metrics);
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("heartbeat").unstarted(r));
        LOGGER.atInfo().addKeyValue("kind", collector.kind()).addKeyValue("observer", observer)
                .addKeyValue("version", VERSION).addKeyValue("kafka", config.kafka().bootstrapServers())
                .addKeyValue("spool", spool.dir()).log("Collector starting");
        collector.start(publisher);
        heartbeat.scheduleAtFixedRate(this::beat, 0, rt.heartbeatIntervalSeconds(), TimeUnit.SECONDS);
        LOGGER.atInfo().addKeyValue("kind", collector.kind()).addKeyValue("health_port", health.port())
                .log("Collector running");
    }

    private void beat() {
        try {
            final Envelope e = Envelope.of(collector.kind(), Instant.now().truncatedTo(ChronoUnit.MILLIS), observer,
                    new Heartbeat(collector.kind(), VERSION, publisher.lastEventTime()));
            publisher.publish(Topics.AUDIT, observer, e);
        } catch (RuntimeException e) {
            metrics.increment(Metrics.ERRORS);
            LOGGER.atError().setCause(e).log("Heartbeat failed");
        }
    }

    private HealthServer.Status live() {
        return new HealthServer.Status(stopped.getCount() > 0, stopped.getCount() > 0 ? "running" : "stopping");
    }

    private HealthServer.Status ready() {
        final StringBuilder why = new StringBuilder();
        boolean ok = true;
        if (!collector.ready()) {
            ok = false;
            why.append("collector not ready; ");
        }
        if (spool.nearlyFull()) {
            ok = false;
            why.append("spool full (").append(spool.sizeBytes()).append(" of ").append(spool.maxBytes())
                    .append(" bytes): new events are being dropped; ");
        }
        why.append("kafka ").append(publisher.connected() ? "connected" : "not connected")
                .append(publisher.lastError() == null ? "" : " (" + publisher.lastError() + ")")
                .append("; pending ").append(spool.pendingEvents());
        return new HealthServer.Status(ok, why.toString());
    }

    /** The port of the health endpoints. */
    public int healthPort() {
        return health.port();
    }

    /** The publisher (tests). */
    public EventPublisher publisher() {
        return publisher;
    }

    /** Blocks until {@link #close()}. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        if (stopped.getCount() == 0) {
            return;
        }
        stopped.countDown();
        LOGGER.atInfo().addKeyValue("kind", collector.kind()).log("Collector stopping");
        if (heartbeat != null) {
            heartbeat.shutdownNow();
        }
        try {
            collector.close();
        } catch (RuntimeException e) {
            LOGGER.atWarn().setCause(e).log("Collector close failed");
        }
        if (publisher != null) {
            publisher.close(Duration.ofSeconds(5));
        }
        if (health != null) {
            health.close();
        }
        if (spool != null) {
            spool.close();
        }
    }

    private static String versionOf() {
        final String v = CollectorService.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

}
