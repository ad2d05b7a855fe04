package dev.restoreguard.streams.topology;

/** Names of every state store of the correlation topology (stable: they name changelog topics). */
public final class StoreNames {

    /** Per task: the whole DNS, approval and inventory history (every task receives every change). */
    public static final String REFERENCE = "reference-history";
    /** Versioned, per observer: the hosts file as of any time within the history retention. */
    public static final String HOSTS = "hosts-history";
    public static final String SESSIONS = "restore-sessions";
    public static final String OBSERVER_JUDGMENTS = "observer-judgments";
    public static final String OBSERVER_JUDGMENTS_BY_TIME = "observer-judgments-by-time";
    public static final String OBSERVER_ALERTS = "observer-alert-state";
    public static final String OBSERVER_META = "observer-meta";
    /** Last heartbeat heard per observer and collector kind (RG-910). */
    public static final String COLLECTOR_HEARTBEATS = "collector-heartbeats";
    /** Per chain (collector, topic, key): where the chain stands, for the tamper-evidence rules RG-930..RG-933. */
    public static final String CHAINS = "collector-chains";

    private StoreNames() {
    }
}
