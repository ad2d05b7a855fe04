package dev.restoreguard.streams.processor;

import dev.restoreguard.events.alert.Severity;
import java.time.Instant;
import java.util.Map;

/**
 * What was last published for one alert id and which judgments support it. An alert is retracted
 * only when a revision leaves it with no supporter and no support has become final.
 *
 * @param published   JSON of the last published version
 * @param status      its {@code alert.status}
 * @param severity    its severity
 * @param supporters  judgment key to the severity it supports
 * @param permanent   a supporter left the revision window while supporting it: it can no longer be retracted
 * @param touched     event time of the last change (for state expiry)
 * @param origin      the judgment whose finding was published; only it updates the evidence of an open alert
 */
public record AlertState(String published, String status, Severity severity, Map<String, Severity> supporters,
                         boolean permanent, Instant touched, String origin) {

    public AlertState {
        supporters = supporters == null ? Map.of() : Map.copyOf(supporters);
    }
}
