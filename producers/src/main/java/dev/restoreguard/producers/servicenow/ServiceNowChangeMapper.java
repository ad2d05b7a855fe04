package dev.restoreguard.producers.servicenow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreguard.events.EventValidationException;
import dev.restoreguard.events.approval.ApprovalEvent;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Maps one ServiceNow {@code change_request} record, as the Table API returns it, to an
 * {@link ApprovalEvent} (detection contract section 5):
 *
 * <ul>
 *   <li>{@code change_id} = {@code number};</li>
 *   <li>{@code approved} when {@code approval} is {@code approved} and {@code state} is -2
 *       (Scheduled) or -1 (Implement); {@code revoked} when {@code state} is 3 (Closed) or 4
 *       (Canceled) or {@code approval} is {@code rejected}; {@code pending} otherwise (ends an
 *       approval in force, grants none). Revocation is checked first: a closed change that was
 *       once approved no longer covers anything;</li>
 *   <li>targets = {@code cmdb_ci.display_value}, then the affected CIs when the record carries them
 *       (an {@code affected_cis} array or comma-separated string, which integrations add from
 *       {@code task_ci}; the Table API's {@code change_request} has no such column itself);</li>
 *   <li>window = {@code start_date} .. {@code end_date}, the Table API's UTC
 *       {@code YYYY-MM-DD HH:MM:SS} values (never the display values, which are in the API user's
 *       time zone); a missing or inverted window gives an approval without window, which covers
 *       nothing;</li>
 *   <li>event time = {@code sys_updated_on}; {@code approved_by} = {@code sys_updated_by} (the
 *       Table API records who last changed the record, not who approved; {@code approval_set} is
 *       only a time).</li>
 * </ul>
 *
 * Every field may be a plain string ({@code sysparm_display_value=false|true}) or an object
 * {@code {"value": ..., "display_value": ...}} ({@code sysparm_display_value=all}); choice fields
 * are read from {@code value}, and their display labels ({@code Scheduled}, {@code Approved}) are
 * understood too. Stateless and thread-safe; shared by the poller and scenario replay.
 */
public final class ServiceNowChangeMapper {

    /** Origin written into the approval. */
    public static final String ORIGIN = "servicenow";

    private static final DateTimeFormatter GLIDE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
    private static final Map<String, Integer> STATE_LABELS = Map.of("new", -5, "assess", -4, "authorize", -3,
            "scheduled", -2, "implement", -1, "review", 0, "closed", 3, "canceled", 4, "cancelled", 4);
    private static final Set<Integer> APPROVABLE = Set.of(-2, -1);
    private static final Set<Integer> ENDED = Set.of(3, 4);

    /** What a record became. */
    public sealed interface Result permits Mapped, Skipped {
    }

    /**
     * An approval to publish on {@code restoreguard.approvals}, keyed by change id.
     *
     * @param at       event time ({@code sys_updated_on})
     * @param approval the approval
     * @param notes    what was odd but not fatal (no window, no target)
     */
    public record Mapped(Instant at, ApprovalEvent approval, List<String> notes) implements Result {
    }

    /** A record that cannot be mapped. */
    public record Skipped(String reason) implements Result {
    }

    /** Maps one record. Never throws on bad input. */
    public Result map(final JsonNode record) {
        if (record == null || !record.isObject()) {
            return new Skipped("change_request: not a JSON object");
        }
        final String number = value(record, "number");
        if (number == null) {
            return new Skipped("change_request.number: required");
        }
        final List<String> notes = new ArrayList<>();
        try {
            final Instant at = glideTime(record, "sys_updated_on");
            if (at == null) {
                return new Skipped(number + ": sys_updated_on: required (the event time)");
            }
            final Integer state = state(record);
            final String approval = lower(value(record, "approval"));
            final String mapped;
            if ((state != null && ENDED.contains(state)) || "rejected".equals(approval)) {
                mapped = "revoked";
            } else if ("approved".equals(approval) && state != null && APPROVABLE.contains(state)) {
                mapped = "approved";
            } else {
                mapped = "pending";
            }
            final List<String> targets = targets(record);
            if (targets.isEmpty()) {
                notes.add("no cmdb_ci display value: the approval covers no target");
            }
            ApprovalEvent.Window window = null;
            final Instant start = glideTime(record, "start_date");
            final Instant end = glideTime(record, "end_date");
            if (start == null || end == null) {
                notes.add("start_date/end_date missing: the approval covers no time");
            } else if (end.isBefore(start)) {
                notes.add("end_date " + end + " before start_date " + start + ": the approval covers no time");
            } else {
                window = new ApprovalEvent.Window(start, end);
            }
            final String approvedBy = display(record, "sys_updated_by");
            return new Mapped(at, new ApprovalEvent(number, mapped, targets, window, approvedBy, ORIGIN, null),
                    List.copyOf(notes));
        } catch (IllegalArgumentException e) { // EventValidationException included
            return new Skipped(number + ": " + e.getMessage());
        }
    }

    private static Integer state(final JsonNode record) {
        final String raw = value(record, "state");
        if (raw == null) {
            return null;
        }
        try {
            return Integer.valueOf(raw.strip());
        } catch (NumberFormatException e) {
            final Integer byLabel = STATE_LABELS.get(raw.strip().toLowerCase(Locale.ROOT));
            if (byLabel == null) {
                // a custom state we do not know: neither approvable nor ended, so pending
                return null;
            }
            return byLabel;
        }
    }

    private static List<String> targets(final JsonNode record) {
        final Set<String> targets = new LinkedHashSet<>();
        final String ci = display(record, "cmdb_ci");
        if (ci != null) {
            targets.add(ci);
        }
        final JsonNode affected = record.get("affected_cis");
        if (affected != null && affected.isArray()) {
            for (JsonNode a : affected) {
                final String t = a.isObject() ? firstText(a.get("display_value"), a.get("value")) : a.asText(null);
                if (t != null && !t.isBlank()) {
                    targets.add(t.strip());
                }
            }
        } else if (affected != null && !affected.isNull()) {
            final String list = affected.isObject() ? firstText(affected.get("display_value"), affected.get("value"))
                    : affected.asText();
            if (list != null) {
                for (String t : list.split(",")) {
                    if (!t.isBlank()) {
                        targets.add(t.strip());
                    }
                }
            }
        }
        return List.copyOf(targets);
    }

    /** The machine value of a field: {@code value} of an object, the string itself otherwise; blank is null. */
    static String value(final JsonNode record, final String field) {
        final JsonNode f = record.get(field);
        if (f == null || f.isNull()) {
            return null;
        }
        final String v = f.isObject() ? firstText(f.get("value"), null) : f.asText();
        return v == null || v.isBlank() ? null : v.strip();
    }

    /**
     * The display value of a field: {@code display_value} of an object, the string itself
     * otherwise. A reference object without {@code display_value} ({@code {"link","value"}}) gives
     * null: its {@code value} is a sys_id, not a name.
     */
    static String display(final JsonNode record, final String field) {
        final JsonNode f = record.get(field);
        if (f == null || f.isNull()) {
            return null;
        }
        final String v = f.isObject() ? firstText(f.get("display_value"), null) : f.asText();
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static String firstText(final JsonNode a, final JsonNode b) {
        if (a != null && !a.isNull() && !a.asText().isBlank()) {
            return a.asText();
        }
        if (b != null && !b.isNull() && !b.asText().isBlank()) {
            return b.asText();
        }
        return null;
    }

    private static String lower(final String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    /** A Table API date-time ({@code 2026-11-20 16:00:00}, UTC) or an RFC 3339 time; null when absent. */
    static Instant glideTime(final JsonNode record, final String field) {
        final String text = value(record, field);
        if (text == null) {
            return null;
        }
        try {
            return LocalDateTime.parse(text, GLIDE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e2) {
                throw new EventValidationException(field + ": not a Table API date-time (YYYY-MM-DD HH:MM:SS UTC): '"
                        + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'");
            }
        }
    }

    /** Formats an instant the way the Table API writes and queries date-times (UTC). */
    public static String glide(final Instant t) {
        return GLIDE.format(t.atOffset(ZoneOffset.UTC));
    }
}
