package dev.restoreguard.events.audit;

import static dev.restoreguard.events.EventValidationException.require;

import dev.restoreguard.events.EventPayload;
import java.time.Instant;

/**
 * A collector's periodic sign of life, so that a backup server whose collector went silent is
 * noticed. Published on {@code restoreguard.audit}, keyed by host.
 *
 * @param collector     collector kind ({@code hosts-file}, {@code veeam-syslog}, ...)
 * @param version       RestoreGuard version of the collector
 * @param lastEventTime event time of the last event it published, if any
 */
public record Heartbeat(String collector, String version, Instant lastEventTime) implements EventPayload {

    public static final String KIND = "heartbeat";

    public Heartbeat {
        require("heartbeat.collector", collector);
    }

    @Override
    public String kind() {
        return KIND;
    }
}
