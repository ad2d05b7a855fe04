package dev.restoreguard.events.audit;

import static dev.restoreguard.events.EventValidationException.require;

import dev.restoreguard.events.EventPayload;
import java.util.Map;

/**
 * Evidence that is kept for timelines but never judged: a Veeam restore point mount (41500),
 * Veeam events of other ids, lines a collector could not map. Published on {@code restoreguard.audit}.
 *
 * @param format  the raw format ({@code veeam_syslog}, ...)
 * @param action  what happened ({@code restore-point-mounted}, {@code unmapped}, ...)
 * @param session the session it belongs to, if known
 * @param fields  the parsed fields
 * @param raw     the raw text
 */
public record AuditRecord(String format, String action, String session, Map<String, String> fields, String raw)
        implements EventPayload {

    public static final String KIND = "audit";

    public AuditRecord {
        require("audit.format", format);
        require("audit.action", action);
        fields = fields == null ? Map.of() : Map.copyOf(fields);
    }

    @Override
    public String kind() {
        return KIND;
    }
}
