package dev.restoreguard.producers.veeam;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.EventPayload;
import dev.restoreguard.events.EventValidationException;
import dev.restoreguard.events.Topic;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.audit.AuditRecord;
import dev.restoreguard.events.net.Names;
import dev.restoreguard.events.restore.RestoreEvent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Maps one line of Veeam Backup &amp; Replication syslog event forwarding (VBR 12.1+, RFC 5424,
 * APP-NAME {@code Veeam_MP}, structured data {@code [categoryId=0 instanceId=<id> Key="Value" ...]})
 * to RestoreGuard's records, as the detection contract's section 5 table says:
 *
 * <ul>
 *   <li>40210 / 210 (restore session started): restore {@code started}; session {@code JobSessionID},
 *       initiator {@code InitiatorName}, reason {@code ExtraData} (Veeam's operation summary), no
 *       target - Veeam does not name one at this point;</li>
 *   <li>250 / 251 (VMware / Hyper-V restore task finished): the same session, {@code running},
 *       target {@code ServerName} (the host written to), task status {@code Status};</li>
 *   <li>40290 / 290 (restore session finished): {@code finished}, or {@code failed} when
 *       {@code Result} is 2; {@code Result} kept as the result code;</li>
 *   <li>41500 (restore point mounted): an {@link AuditRecord} {@code restore-point-mounted} with
 *       every parameter ({@code Reason}, {@code MountServer}, {@code UserName}, ...);</li>
 *   <li>every other id: an {@link AuditRecord} {@code unmapped}, kept for the timeline, never judged;</li>
 *   <li>lines that are not Veeam syslog (other APP-NAME, not RFC 5424, no {@code instanceId},
 *       no timestamp, no observer): {@link Skipped} with the reason, for the caller to count.</li>
 * </ul>
 *
 * The event time is the syslog TIMESTAMP in UTC. The observer is {@code VbrHostName}, else the
 * syslog HOSTNAME, normalized with {@link Names#normalize(String)}. Topics written by whoever
 * publishes the result: {@code restoreguard.restores} and {@code restoreguard.audit}, both keyed by
 * observer. Parameter names are matched case-insensitively (Veeam's own reference spells
 * {@code RestorePointTIme}). Live receivers and scenario replay share this class; stateless and
 * thread-safe.
 */
public final class VeeamSyslogParser {

    /** APP-NAME of Veeam's event forwarding. */
    public static final String APP_NAME = "Veeam_MP";
    /** Product name in restore records and alert subjects. */
    public static final String PRODUCT = "veeam";
    /** Audit format name. */
    public static final String FORMAT = "veeam_syslog";

    private final Rfc5424Parser syslog = new Rfc5424Parser();

    /** What a line became. */
    public sealed interface Result permits Mapped, Skipped {
    }

    /**
     * An event to publish.
     *
     * @param topic    {@link Topics#RESTORES} or {@link Topics#AUDIT}
     * @param key      the record key (the observer)
     * @param at       event time (syslog TIMESTAMP, UTC)
     * @param observer normalized observer
     * @param instanceId the Veeam event id
     * @param payload  {@link RestoreEvent} or {@link AuditRecord}
     */
    public record Mapped(Topic<String, Envelope> topic, String key, Instant at, String observer, int instanceId,
                         EventPayload payload) implements Result {

        /** The envelope, with the deterministic id of {@link Envelope#of}. */
        public Envelope envelope(final String source) {
            return Envelope.of(source, at, observer, payload);
        }
    }

    /** A line that carries no usable Veeam event. */
    public record Skipped(String reason) implements Result {
    }

    /** Parses and maps one line. Never throws on bad input. */
    public Result parse(final String line) {
        final SyslogMessage m;
        try {
            m = syslog.parse(line);
        } catch (SyslogFormatException e) {
            return new Skipped("not RFC 5424 syslog: " + e.getMessage());
        }
        if (m.appName() == null || !APP_NAME.equalsIgnoreCase(m.appName())) {
            return new Skipped("not Veeam syslog: APP-NAME is '" + m.appName() + "', not " + APP_NAME);
        }
        final Map<String, String> params = veeamParams(m);
        if (params == null) {
            return new Skipped("Veeam syslog without instanceId in its structured data");
        }
        final int instanceId;
        try {
            instanceId = Integer.parseInt(params.get("instanceId").strip());
        } catch (NumberFormatException e) {
            return new Skipped("instanceId is not a number: '" + Rfc5424Parser.cut(params.get("instanceId")) + "'");
        }
        if (m.timestamp() == null) {
            return new Skipped("instanceId " + instanceId + ": no TIMESTAMP, so no event time");
        }
        final String observerRaw = firstNonBlank(params.get("VbrHostName"), m.hostname());
        if (observerRaw == null) {
            return new Skipped("instanceId " + instanceId + ": neither VbrHostName nor HOSTNAME names the observer");
        }
        final String observer = Names.normalize(observerRaw);
        final String session = blankToNull(params.get("JobSessionID"));
        try {
            final EventPayload payload = switch (instanceId) {
                case 40210, 210 -> new RestoreEvent(PRODUCT, requireSession(instanceId, session), "started", null, null,
                        null, blankToNull(params.get("InitiatorName")), blankToNull(params.get("ExtraData")), null, null);
                case 250, 251 -> new RestoreEvent(PRODUCT, requireSession(instanceId, session), "running",
                        blankToNull(params.get("ServerName")), null, null, blankToNull(params.get("InitiatorName")), null,
                        blankToNull(params.get("Status")), null);
                case 40290, 290 -> finished(instanceId, session, params);
                case 41500 -> new AuditRecord(FORMAT, "restore-point-mounted", session, ordered(params), line);
                default -> new AuditRecord(FORMAT, "unmapped", session, ordered(params), line);
            };
            final Topic<String, Envelope> topic = payload instanceof RestoreEvent ? Topics.RESTORES : Topics.AUDIT;
            return new Mapped(topic, observer, m.timestamp(), observer, instanceId, payload);
        } catch (EventValidationException e) {
            return new Skipped("instanceId " + instanceId + ": " + e.getMessage());
        }
    }

    private static RestoreEvent finished(final int instanceId, final String session, final Map<String, String> params) {
        Integer result = null;
        final String r = blankToNull(params.get("Result"));
        if (r != null) {
            try {
                result = Integer.parseInt(r.strip());
            } catch (NumberFormatException e) {
                throw new EventValidationException("Result is not a number: '" + Rfc5424Parser.cut(r) + "'");
            }
        }
        // 2 is Veeam's "Failed"; 0 success and 1 warning both mean the data was written
        final String state = result != null && result == 2 ? "failed" : "finished";
        return new RestoreEvent(PRODUCT, requireSession(instanceId, session), state, null, null, null, null, null, null,
                result);
    }

    private static String requireSession(final int instanceId, final String session) {
        if (session == null) {
            throw new EventValidationException("JobSessionID: required for a restore record");
        }
        return session;
    }

    /** The parameters of the element that holds {@code instanceId}, case-insensitive; null if none. */
    private static Map<String, String> veeamParams(final SyslogMessage m) {
        for (SyslogMessage.SdElement e : m.elements()) {
            final Map<String, String> p = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            p.putAll(e.params());
            if (p.containsKey("instanceId")) {
                return p;
            }
        }
        return null;
    }

    private static Map<String, String> ordered(final Map<String, String> params) {
        return new LinkedHashMap<>(params);
    }

    private static String firstNonBlank(final String a, final String b) {
        return blankToNull(a) != null ? a.strip() : blankToNull(b);
    }

    private static String blankToNull(final String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
