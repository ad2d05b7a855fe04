package dev.restoreguard.events;

import dev.restoreguard.events.alert.Alert;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The topic catalog: the one place where RestoreGuard's topics are named. Collectors write the
 * normalized topics, the engine reads them and writes {@link #ALERTS}, sinks read events and
 * alerts, and {@code infra} creates every topic of {@link #all()} with its partitions and cleanup.
 *
 * <p>Keys are chosen so that what must be judged together lands in one partition: hosts-file
 * snapshots and restores are keyed by observer (the backup server), DNS changes by the record's
 * fully qualified name, approvals by change id. Inventory is a single compacted key.
 */
public final class Topics {

    private static final Serde<String> KEY = Serdes.String();
    private static final Serde<Envelope> EVENTS = new JsonSerde<>(Envelope.class);
    private static final Duration MONTH = Duration.ofDays(30);
    private static final Duration YEAR = Duration.ofDays(365);
    /** The topic configuration that says what a record's timestamp is. */
    public static final String TIMESTAMP_TYPE = "message.timestamp.type";
    /** {@link #TIMESTAMP_TYPE}: the broker stamps each record when it appends it (its arrival). */
    public static final String LOG_APPEND_TIME = "LogAppendTime";
    /**
     * The record timestamp of what the engine judges is when the record reached Kafka, not its
     * event time (that is in the envelope): the engine measures lateness in arrival order
     * (contract §3), and Kafka Streams aligns a task's partitions by it.
     */
    private static final Map<String, String> ARRIVAL_TIMESTAMPS = Map.of(TIMESTAMP_TYPE, LOG_APPEND_TIME);

    /** Raw Veeam syslog lines as received (key: sending host). */
    public static final Topic<String, String> RAW_VEEAM = new Topic<>(
            "restoreguard.raw.veeam", "sending host", KEY, Serdes.String(), 3, "delete", MONTH, Map.of());
    /** Raw Windows DNS Server audit events as Winlogbeat ships them (key: DNS server). */
    public static final Topic<String, String> RAW_WINDOWS_DNS = new Topic<>(
            "restoreguard.raw.windows-dns", "DNS server", KEY, Serdes.String(), 3, "delete", MONTH, Map.of());
    /** Raw ServiceNow change_request records (key: change number). */
    public static final Topic<String, String> RAW_SERVICENOW = new Topic<>(
            "restoreguard.raw.servicenow", "change number", KEY, Serdes.String(), 3, "delete", MONTH, Map.of());

    /** Hosts-file snapshots with their diff (key: normalized observer name). */
    public static final Topic<String, Envelope> HOSTS = new Topic<>(
            "restoreguard.hosts.snapshots", "observer", KEY, EVENTS, 6, "delete", YEAR, ARRIVAL_TIMESTAMPS);
    /** Authoritative DNS record adds and deletes (key: record FQDN). */
    public static final Topic<String, Envelope> DNS = new Topic<>(
            "restoreguard.dns.records", "record fqdn", KEY, EVENTS, 6, "delete", YEAR, ARRIVAL_TIMESTAMPS);
    /** Restore session records from every product (key: normalized observer name). */
    public static final Topic<String, Envelope> RESTORES = new Topic<>(
            "restoreguard.restores", "observer", KEY, EVENTS, 6, "delete", YEAR, ARRIVAL_TIMESTAMPS);
    /** Signed change approvals (key: change id). */
    public static final Topic<String, Envelope> APPROVALS = new Topic<>(
            "restoreguard.approvals", "change id", KEY, EVENTS, 3, "delete", YEAR, ARRIVAL_TIMESTAMPS);
    /** Inventory snapshots; the latest replaces the whole inventory (single key {@code inventory}). */
    public static final Topic<String, Envelope> INVENTORY = new Topic<>(
            "restoreguard.inventory", "constant 'inventory'", KEY, EVENTS, 1, "compact", null,
            Map.of("max.message.bytes", Integer.toString(32 * 1024 * 1024),
                    "min.compaction.lag.ms", Long.toString(YEAR.toMillis()),
                    TIMESTAMP_TYPE, LOG_APPEND_TIME));
    /** Other audit evidence (Veeam mounts, unmapped Veeam events) and collector heartbeats (key: host). */
    public static final Topic<String, Envelope> AUDIT = new Topic<>(
            "restoreguard.audit", "host", KEY, EVENTS, 3, "delete", YEAR, Map.of());
    /**
     * The correlation engine's broadcast of reference changes (DNS, approvals, inventory): every
     * change is written to every partition, so each observer task holds the whole reference
     * history and reads it with its hosts snapshots and restores. A copy keeps the timestamp of
     * the record it copies (when that reached Kafka: this topic keeps the producer's timestamp),
     * so the tasks measure its lateness as of its arrival. Co-partitioned with the observer
     * topics. A new engine rebuilds it from the source topics.
     */
    public static final Topic<String, Envelope> ENGINE_REFERENCE = new Topic<>(
            "restoreguard.engine.reference", "kind|entity (every partition)", KEY, EVENTS, 6, "delete",
            Duration.ofDays(30), Map.of("max.message.bytes", Integer.toString(32 * 1024 * 1024)));
    /** Alert documents, every version (key: alert.id). */
    public static final Topic<String, Alert> ALERTS = new Topic<>(
            "restoreguard.alerts", "alert id", KEY, new JsonSerde<>(Alert.class), 6, "delete", YEAR, Map.of());
    /** Every delivery attempt of an alert to a channel, as JSON (key: alert.id); written by the alert sink. */
    public static final Topic<String, String> ALERT_DELIVERIES = new Topic<>(
            "restoreguard.alerts.deliveries", "alert id", KEY, Serdes.String(), 3, "delete", MONTH, Map.of());
    /** Records no stage could read or process, with {@code dlq.*} headers naming the reason. */
    public static final Topic<byte[], byte[]> DLQ = new Topic<>(
            "restoreguard.dlq", "original key", Serdes.ByteArray(), Serdes.ByteArray(), 3, "delete", YEAR, Map.of());

    private Topics() {
    }

    /** The normalized event topics the engine and the Elasticsearch sink read. */
    public static List<Topic<String, Envelope>> events() {
        return List.of(HOSTS, DNS, RESTORES, APPROVALS, INVENTORY, AUDIT);
    }

    /** Every topic of the catalog, in creation order. */
    public static List<Topic<?, ?>> all() {
        return List.of(RAW_VEEAM, RAW_WINDOWS_DNS, RAW_SERVICENOW, HOSTS, DNS, RESTORES, APPROVALS,
                INVENTORY, AUDIT, ENGINE_REFERENCE, ALERTS, ALERT_DELIVERIES, DLQ);
    }

    /** The topics whose records the broker stamps on append ({@link #LOG_APPEND_TIME}): those the engine judges. */
    public static List<String> stampedOnAppend() {
        return all().stream().filter(t -> LOG_APPEND_TIME.equals(t.topicConfig().get(TIMESTAMP_TYPE)))
                .map(Topic::name).toList();
    }
}
