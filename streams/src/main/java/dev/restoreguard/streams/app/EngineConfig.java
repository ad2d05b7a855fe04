package dev.restoreguard.streams.app;

import dev.restoreguard.streams.approval.TrustedKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Configuration of the correlation engine. Every knob has a default and can be overridden by an
 * environment variable ({@code RESTOREGUARD_ENGINE_ALLOWED_LATENESS=PT15M}); invalid values fail
 * at start-up with the variable's name in the message.
 *
 * @param bootstrapServers   Kafka bootstrap servers
 * @param applicationId      Kafka Streams application id (instances with the same id share the work)
 * @param stateDir           local state directory
 * @param streamThreads      stream threads of this instance
 * @param allowedLateness    how late a record may arrive and still revise earlier verdicts (contract §3)
 * @param historyRetention   how far back hosts-file history is kept for "as of" lookups
 * @param sessionRetention   how long a restore session is kept for records that arrive after its start
 * @param httpPort           port of the engine's HTTP endpoint (check-restore, health, metrics); 0 = off
 * @param processingGuarantee {@code exactly_once_v2} (default) or {@code at_least_once}
 * @param inMemoryState      keep key-value state in memory instead of RocksDB (replay and benchmarks:
 *                           the test driver commits after every record, which flushes RocksDB each time)
 * @param collectorSilence   how long a collector may send no heartbeat before RG-910 fires (wall-clock time)
 * @param standbyReplicas    warm copies of each task's state on other instances ({@code num.standby.replicas}):
 *                           with 1, a crashed instance's tasks resume elsewhere without restoring their state
 * @param trustedKeys        approval-bridge keys whose signed approvals the engine trusts
 *                           ({@link TrustedKeys}, {@value TrustedKeys#VARIABLE})
 * @param sessionTimeout     how long the group waits for a silent instance (crashed, SIGKILLed, cut off)
 *                           before its tasks move to another ({@code consumer.session.timeout.ms}); Kafka's
 *                           default 45 s; 6 s to 30 min, the bounds a broker accepts by default
 * @param commitInterval     how often the engine commits ({@code commit.interval.ms}); under exactly-once every
 *                           commit is a transaction and an alert becomes readable when its transaction commits,
 *                           so this is the floor of an alert's latency and, by the transactions it saves, a lever
 *                           on throughput (docs/benchmarks.md measures both); Kafka's default under
 *                           exactly-once, 100 ms; 10 ms to 5 s (the transaction timeout is 10 s)
 */
public record EngineConfig(String bootstrapServers, String applicationId, Path stateDir, int streamThreads,
                           Duration allowedLateness, Duration historyRetention, Duration sessionRetention,
                           int httpPort, String processingGuarantee, boolean inMemoryState,
                           Duration collectorSilence, int standbyReplicas, TrustedKeys trustedKeys,
                           Duration sessionTimeout, Duration commitInterval) {

    public EngineConfig {
        require(bootstrapServers != null && !bootstrapServers.isBlank(), "bootstrap_servers", "required");
        require(streamThreads >= 1, "stream_threads", "must be at least 1, was " + streamThreads);
        require(!allowedLateness.isNegative(), "allowed_lateness", "must not be negative");
        require(!sessionRetention.isNegative(), "session_retention", "must not be negative");
        require(historyRetention.compareTo(allowedLateness) >= 0, "history_retention",
                "must be at least allowed_lateness (" + allowedLateness + ")");
        require(httpPort >= 0 && httpPort <= 65535, "http_port", "must be 0..65535, was " + httpPort);
        require(StreamsConfig.EXACTLY_ONCE_V2.equals(processingGuarantee)
                || StreamsConfig.AT_LEAST_ONCE.equals(processingGuarantee), "processing_guarantee",
                "must be exactly_once_v2 or at_least_once, was " + processingGuarantee);
        require(collectorSilence != null && collectorSilence.toMillis() >= 1, "collector_silence",
                "must be positive, was " + collectorSilence);
        require(standbyReplicas >= 0, "standby_replicas", "must not be negative, was " + standbyReplicas);
        trustedKeys = trustedKeys == null ? TrustedKeys.none() : trustedKeys;
        sessionTimeout = sessionTimeout == null ? DEFAULT_SESSION_TIMEOUT : sessionTimeout;
        require(sessionTimeout.compareTo(MIN_SESSION_TIMEOUT) >= 0 && sessionTimeout.compareTo(MAX_SESSION_TIMEOUT) <= 0,
                "session_timeout", "must be within " + SESSION_TIMEOUT_BOUNDS + ", was " + sessionTimeout);
        commitInterval = commitInterval == null ? DEFAULT_COMMIT_INTERVAL : commitInterval;
        final Optional<String> badInterval = commitIntervalProblem(commitInterval);
        require(badInterval.isEmpty(), "commit_interval", badInterval.orElse(""));
    }

    /** What is wrong with {@code interval} as the engine's commit interval, if anything (the bench's option shares the rule). */
    public static Optional<String> commitIntervalProblem(final Duration interval) {
        return interval.compareTo(MIN_COMMIT_INTERVAL) >= 0 && interval.compareTo(MAX_COMMIT_INTERVAL) <= 0
                ? Optional.empty() : Optional.of("must be within PT0.01S..PT5S, was " + interval);
    }

    /** Every setting but the session timeout and the commit interval, which stay Kafka's defaults. */
    public EngineConfig(final String bootstrapServers, final String applicationId, final Path stateDir,
                        final int streamThreads, final Duration allowedLateness, final Duration historyRetention,
                        final Duration sessionRetention, final int httpPort, final String processingGuarantee,
                        final boolean inMemoryState, final Duration collectorSilence, final int standbyReplicas,
                        final TrustedKeys trustedKeys) {
        this(bootstrapServers, applicationId, stateDir, streamThreads, allowedLateness, historyRetention, sessionRetention,
                httpPort, processingGuarantee, inMemoryState, collectorSilence, standbyReplicas, trustedKeys,
                DEFAULT_SESSION_TIMEOUT, DEFAULT_COMMIT_INTERVAL);
    }

    /** Kafka Streams' {@code commit.interval.ms} default under exactly-once. */
    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(100);
    private static final Duration MIN_COMMIT_INTERVAL = Duration.ofMillis(10);
    // half of Kafka Streams' exactly-once transaction.timeout.ms (10 s): a longer interval would let
    // the broker abort a transaction the engine still means to commit
    private static final Duration MAX_COMMIT_INTERVAL = Duration.ofSeconds(5);

    /** The consumer's {@code session.timeout.ms} default. */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(45);
    // a broker refuses a member outside group.min/max.session.timeout.ms (defaults 6 s and 30 min)
    // with InvalidSessionTimeoutException, which would kill the engine after it started
    private static final Duration MIN_SESSION_TIMEOUT = Duration.ofSeconds(6);
    private static final Duration MAX_SESSION_TIMEOUT = Duration.ofMinutes(30);
    static final String SESSION_TIMEOUT_BOUNDS = "PT6S..PT30M (the broker's default group.min/max.session.timeout.ms)";

    private static void require(final boolean ok, final String key, final String message) {
        if (!ok) {
            throw new IllegalArgumentException("engine." + key + ": " + message);
        }
    }

    /** Five missed beats of a collector's default 60 s heartbeat. */
    public static final Duration DEFAULT_COLLECTOR_SILENCE = Duration.ofMinutes(5);

    /** Defaults: the local stack's broker, 10 minutes of allowed lateness, 7 days of history. */
    public static EngineConfig defaults() {
        return new EngineConfig("127.0.0.1:9092", "restoreguard-engine",
                Path.of(System.getProperty("user.home"), ".restoreguard", "engine-state"), 1,
                Duration.ofMinutes(10), Duration.ofDays(7), Duration.ofDays(2), 8710,
                StreamsConfig.EXACTLY_ONCE_V2, false, DEFAULT_COLLECTOR_SILENCE, 0,
                TrustedKeys.none());
    }

    /** The defaults overridden by {@code RESTOREGUARD_ENGINE_*} variables of {@code env}. */
    public static EngineConfig fromEnvironment(final Map<String, String> env) {
        try {
            return readEnvironment(env);
        } catch (IllegalArgumentException e) {
            throw namingTheVariable(e);
        }
    }

    /**
     * The constructor names the key ({@code engine.stream_threads}); whoever set an environment
     * variable looks for the variable ({@code RESTOREGUARD_ENGINE_STREAM_THREADS}).
     */
    private static IllegalArgumentException namingTheVariable(final IllegalArgumentException e) {
        final String message = String.valueOf(e.getMessage());
        final int colon = message.indexOf(':');
        if (!message.startsWith("engine.") || colon < 0) {
            return e; // the parsers' messages name the variable already
        }
        final String key = message.substring("engine.".length(), colon);
        final String variable = key.equals("bootstrap_servers") ? "RESTOREGUARD_BOOTSTRAP_SERVERS"
                : "RESTOREGUARD_ENGINE_" + key.toUpperCase(java.util.Locale.ROOT);
        return new IllegalArgumentException(variable + " (" + message.substring(0, colon) + ")" + message.substring(colon), e);
    }

    private static EngineConfig readEnvironment(final Map<String, String> env) {
        final EngineConfig d = defaults();
        return new EngineConfig(
                env.getOrDefault("RESTOREGUARD_BOOTSTRAP_SERVERS", d.bootstrapServers()),
                env.getOrDefault("RESTOREGUARD_ENGINE_APPLICATION_ID", d.applicationId()),
                env.containsKey("RESTOREGUARD_ENGINE_STATE_DIR") ? path(env, "RESTOREGUARD_ENGINE_STATE_DIR") : d.stateDir(),
                integer(env, "RESTOREGUARD_ENGINE_STREAM_THREADS", d.streamThreads()),
                duration(env, "RESTOREGUARD_ENGINE_ALLOWED_LATENESS", d.allowedLateness()),
                duration(env, "RESTOREGUARD_ENGINE_HISTORY_RETENTION", d.historyRetention()),
                duration(env, "RESTOREGUARD_ENGINE_SESSION_RETENTION", d.sessionRetention()),
                integer(env, "RESTOREGUARD_ENGINE_HTTP_PORT", d.httpPort()),
                env.getOrDefault("RESTOREGUARD_ENGINE_PROCESSING_GUARANTEE", d.processingGuarantee()), false,
                duration(env, "RESTOREGUARD_ENGINE_COLLECTOR_SILENCE", d.collectorSilence()),
                integer(env, "RESTOREGUARD_ENGINE_STANDBY_REPLICAS", d.standbyReplicas()),
                TrustedKeys.fromEnvironment(env),
                duration(env, "RESTOREGUARD_ENGINE_SESSION_TIMEOUT", d.sessionTimeout()),
                duration(env, "RESTOREGUARD_ENGINE_COMMIT_INTERVAL", d.commitInterval()));
    }

    public EngineConfig withBootstrapServers(final String servers) {
        return new EngineConfig(servers, applicationId, stateDir, streamThreads, allowedLateness, historyRetention,
                sessionRetention, httpPort, processingGuarantee, inMemoryState, collectorSilence, standbyReplicas, trustedKeys, sessionTimeout, commitInterval);
    }

    public EngineConfig withAllowedLateness(final Duration lateness) {
        return new EngineConfig(bootstrapServers, applicationId, stateDir, streamThreads, lateness,
                historyRetention.compareTo(lateness) >= 0 ? historyRetention : lateness, sessionRetention,
                httpPort, processingGuarantee, inMemoryState, collectorSilence, standbyReplicas, trustedKeys, sessionTimeout, commitInterval);
    }

    public EngineConfig withApplication(final String id, final Path dir, final int port) {
        return new EngineConfig(bootstrapServers, id, dir, streamThreads, allowedLateness, historyRetention,
                sessionRetention, port, processingGuarantee, inMemoryState, collectorSilence, standbyReplicas, trustedKeys, sessionTimeout, commitInterval);
    }

    /** This configuration committing every {@code interval} ({@code commit.interval.ms}). */
    public EngineConfig withCommitInterval(final Duration interval) {
        return new EngineConfig(bootstrapServers, applicationId, stateDir, streamThreads, allowedLateness,
                historyRetention, sessionRetention, httpPort, processingGuarantee, inMemoryState, collectorSilence, standbyReplicas, trustedKeys, sessionTimeout, interval);
    }

    /** Whether the engine runs exactly-once ({@code exactly_once_v2}) rather than at-least-once. */
    public boolean exactlyOnce() {
        return StreamsConfig.EXACTLY_ONCE_V2.equals(processingGuarantee);
    }

    /** This configuration with key-value state in memory (replay, benchmarks). */
    public EngineConfig withInMemoryState() {
        return new EngineConfig(bootstrapServers, applicationId, stateDir, streamThreads, allowedLateness,
                historyRetention, sessionRetention, httpPort, processingGuarantee, true, collectorSilence, standbyReplicas, trustedKeys, sessionTimeout, commitInterval);
    }

    /** This configuration with another collector-silence threshold (RG-910). */
    public EngineConfig withCollectorSilence(final Duration silence) {
        return new EngineConfig(bootstrapServers, applicationId, stateDir, streamThreads, allowedLateness,
                historyRetention, sessionRetention, httpPort, processingGuarantee, inMemoryState, silence, standbyReplicas, trustedKeys, sessionTimeout, commitInterval);
    }

    /** This configuration trusting exactly {@code keys} for approval signatures. */
    public EngineConfig withTrustedKeys(final TrustedKeys keys) {
        return new EngineConfig(bootstrapServers, applicationId, stateDir, streamThreads, allowedLateness,
                historyRetention, sessionRetention, httpPort, processingGuarantee, inMemoryState, collectorSilence, standbyReplicas, keys, sessionTimeout, commitInterval);
    }

    private static Path path(final Map<String, String> env, final String key) {
        try {
            return Path.of(env.get(key));
        } catch (java.nio.file.InvalidPathException e) {
            // the JDK's message names only the character, not the variable that holds it
            throw new IllegalArgumentException(key + ": not a path: " + e.getMessage(), e);
        }
    }

    private static int integer(final Map<String, String> env, final String key, final int fallback) {
        final String v = env.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": not a whole number: '" + v + "'", e);
        }
    }

    private static Duration duration(final Map<String, String> env, final String key, final Duration fallback) {
        final String v = env.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Duration.parse(v.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(key + ": not an ISO-8601 duration (like PT10M): '" + v + "'", e);
        }
    }

    /** Kafka Streams properties for this configuration. */
    public Properties streamsProperties() {
        final Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, standbyReplicas);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), (int) sessionTimeout.toMillis());
        // a heartbeat must come well inside the session (Kafka: at most a third of it)
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG),
                (int) Math.min(3000, sessionTimeout.toMillis() / 3));
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class.getName());
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class.getName());
        p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, dev.restoreguard.events.Topics.DLQ.name());
        p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        // inventory snapshots of 100k assets exceed the default 1 MB request size
        p.put(StreamsConfig.producerPrefix("max.request.size"), 32 * 1024 * 1024);
        p.put(StreamsConfig.producerPrefix("compression.type"), "lz4");
        // ...and so are the changelog records of the reference history that hold them: internal
        // topics get the same limit as restoreguard.engine.reference (the broker's default is 1 MB,
        // and an engine on a real broker died on its first 100k-asset inventory without this)
        p.put(StreamsConfig.topicPrefix(org.apache.kafka.common.config.TopicConfig.MAX_MESSAGE_BYTES_CONFIG),
                Integer.toString(32 * 1024 * 1024));
        return p;
    }
}
