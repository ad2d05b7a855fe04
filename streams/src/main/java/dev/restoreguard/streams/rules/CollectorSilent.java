package dev.restoreguard.streams.rules;

import dev.restoreguard.events.alert.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RG-910: a collector went silent. A backup server whose collector stopped (crashed, uninstalled,
 * blocked by a firewall, or stopped by someone who wants to edit the hosts file unseen) would
 * otherwise look exactly like a server where nothing happens. One alert per observer and collector
 * kind (subject {@code heartbeat:<observer>:<collector>}): it opens when the silence exceeds the
 * threshold, is re-published as {@code retracted} when heartbeats resume, and opens again (same
 * id) if the collector falls silent again.
 */
public final class CollectorSilent {

    private CollectorSilent() {
    }

    /** The alert's subject for a collector on an observer. */
    public static String subject(final String observer, final String collector) {
        return "heartbeat:" + observer + ":" + collector;
    }

    /**
     * The finding for a silence noticed at {@code since} (wall-clock time).
     *
     * @param lastHeard   wall-clock time the engine last received a heartbeat (or started listening)
     * @param lastBeatAt  event time of the last heartbeat, null if none was ever received
     * @param resumedAt   when heartbeats resumed (the retracted version's reason), null while silent
     */
    public static Finding finding(final String observer, final String collector, final Duration threshold,
                                  final Instant since, final Instant lastHeard, final Instant lastBeatAt,
                                  final Instant resumedAt) {
        final Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("collector", collector);
        evidence.put("silence_threshold", threshold.toString());
        evidence.put("last_heard", lastHeard.toString());
        evidence.put("last_heartbeat_at", lastBeatAt == null ? null : lastBeatAt.toString());
        if (resumedAt != null) {
            evidence.put("resumed_at", resumedAt.toString());
        }
        final String reason = "The " + collector + " collector on " + observer + " sent no heartbeat for more than "
                + threshold.toSeconds() + " s (last heard " + lastHeard + "): changes on that server go unseen"
                + (resumedAt == null ? "." : "; heartbeats resumed at " + resumedAt + ".");
        return new Finding(RuleCatalog.RG_910, subject(observer, collector), Severity.HIGH, reason, since, observer,
                List.of(observer), List.of(), List.of(), evidence);
    }
}
