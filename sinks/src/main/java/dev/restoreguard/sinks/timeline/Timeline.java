package dev.restoreguard.sinks.timeline;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * What happened, in what order, and who did it: the events and alert versions of one incident as
 * Elasticsearch holds them (de-duplicated by event id), in event-time order, with the causal links
 * taken from the alerts' evidence spelled out as sentences, the evidence tables and the hosts-file
 * diffs. Built by {@link #collect}; rendered by {@link TimelineFormat}.
 *
 * <p>Reads the data streams {@code logs-restoreguard.events-<namespace>} and
 * {@code logs-restoreguard.alerts-<namespace>} and the latest-state index {@code restoreguard-alerts}
 * that the Elasticsearch sink writes; writes nothing.
 *
 * @param title       one line: what the timeline is about
 * @param scope       the seed and the window asked for
 * @param from        start of the window searched
 * @param to          end of the window searched
 * @param generatedAt when it was built
 * @param summary     the story in a few sentences (alerts, who, the causal chain)
 * @param entries     events and alert versions, oldest first
 * @param targets     per restore target: meant, reached, and how it resolved (from the alerts' evidence)
 * @param approvals   the approvals the engine considered, with their state at the restore's time
 * @param dnsRecords  the DNS records followed during resolution
 * @param hostsDiffs  the hosts-file changes, as diffs against the previous snapshot
 * @param notes       caveats (a capped search, a missing previous snapshot)
 */
public record Timeline(
        String title,
        TimelineScope scope,
        Instant from,
        Instant to,
        Instant generatedAt,
        List<String> summary,
        List<Entry> entries,
        List<TargetRow> targets,
        List<ApprovalRow> approvals,
        List<DnsRow> dnsRecords,
        List<HostsDiff> hostsDiffs,
        List<String> notes) {

    public Timeline {
        summary = List.copyOf(summary);
        entries = List.copyOf(entries);
        targets = List.copyOf(targets);
        approvals = List.copyOf(approvals);
        dnsRecords = List.copyOf(dnsRecords);
        hostsDiffs = List.copyOf(hostsDiffs);
        notes = List.copyOf(notes);
    }

    /**
     * The timeline of one alert from the cluster the client points at, with the sink's default
     * names (namespace {@code default}, latest-state index {@code restoreguard-alerts}).
     *
     * @throws TimelineException when the alert is not there or Elasticsearch cannot be read
     */
    public static Timeline forAlert(final ElasticsearchClient client, final String alertId) {
        return collect(new IncidentDocuments(client, "default", "restoreguard-alerts"), TimelineScope.alert(alertId),
                Clock.systemUTC());
    }

    /**
     * Searches Elasticsearch for everything the scope reaches and assembles the timeline.
     *
     * @throws TimelineException when the seed is not found or Elasticsearch cannot be read
     */
    public static Timeline collect(final IncidentDocuments documents, final TimelineScope scope, final Clock clock) {
        return new IncidentSearch(documents, clock).timeline(scope);
    }

    /** What kind of thing an entry is; the rank orders entries that share a timestamp. */
    public enum Kind {
        INVENTORY("inventory", 0),
        DNS("dns", 1),
        APPROVAL("approval", 2),
        HOSTS_FILE("hosts file", 3),
        RESTORE("restore", 4),
        AUDIT("audit", 5),
        ALERT("alert", 6),
        OTHER("event", 7);

        private final String label;
        private final int rank;

        Kind(final String label, final int rank) {
            this.label = label;
            this.rank = rank;
        }

        public String label() {
            return label;
        }

        public int rank() {
            return rank;
        }
    }

    /**
     * One event or alert version.
     *
     * @param at       event time ({@code @timestamp})
     * @param kind     what it is
     * @param id       event id, or alert id for an alert version
     * @param observer the machine whose view it is ({@code host.name})
     * @param actor    who did it (user, hosts-file writer, approver), or null
     * @param title    one line
     * @param because  causal sentences (alerts: why, from the evidence)
     * @param causedBy ids of the entries of this timeline it follows from
     * @param rule     rule id (alerts)
     * @param severity severity label (alerts)
     * @param status   alert status ({@code open}/{@code retracted}) or the event's outcome/state
     * @param version  an alert version's number (1 = first written), 0 for events
     */
    public record Entry(Instant at, Kind kind, String id, String observer, String actor, String title,
                        List<String> because, List<String> causedBy, String rule, String severity, String status,
                        int version) {
        public Entry {
            because = List.copyOf(because);
            causedBy = List.copyOf(causedBy);
        }
    }

    /** One restore target as the engine judged it. */
    public record TargetRow(String rules, Instant restoreTime, String target, String intendedEnvironment,
                            String intendedBasis, String effectiveIp, String effectiveEnvironment,
                            String effectiveBasis, String resolvedBy, String via) {
    }

    /** One approval the engine considered for a restore target, with its state at the restore's time. */
    public record ApprovalRow(Instant restoreTime, String target, String changeId, String state, String approvedBy,
                              String window, boolean covers, String why) {
    }

    /** A DNS record followed during resolution. */
    public record DnsRow(String name, String type, String data, String addedAt, String user, String eventId) {
    }

    /**
     * A hosts-file change as a line diff.
     *
     * @param at       when the collector saw the new content
     * @param observer the machine
     * @param path     the file
     * @param writer   who wrote it (from the audit log), as the collector recorded it
     * @param eventId  the snapshot's event id
     * @param before   when the previous content was seen, or null when it was not found
     * @param lines    the diff (context lines, additions, removals)
     * @param changes  the effective changes per name ("sql-dev-01.corp.example: → 10.20.1.15 (line 8)")
     */
    public record HostsDiff(Instant at, String observer, String path, String writer, String eventId, Instant before,
                            List<DiffLine> lines, List<String> changes) {
        public HostsDiff {
            lines = List.copyOf(lines);
            changes = List.copyOf(changes);
        }
    }

    /**
     * One line of a diff.
     *
     * @param op     {@code ' '} unchanged, {@code '+'} added, {@code '-'} removed, {@code '~'} lines skipped
     * @param before line number in the previous content, or 0
     * @param after  line number in the new content, or 0
     * @param text   the line
     */
    public record DiffLine(char op, int before, int after, String text) {
    }
}
