package dev.restoreguard.producers.scenario;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.EventValidationException;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.approval.ApprovalEvent;
import dev.restoreguard.events.dns.DnsRecordChange;
import dev.restoreguard.events.inventory.InventorySnapshot;
import dev.restoreguard.events.net.IpAddresses;
import dev.restoreguard.events.net.Names;
import dev.restoreguard.events.restore.RestoreEvent;
import dev.restoreguard.producers.approval.ApprovalSigner;
import dev.restoreguard.producers.dns.WindowsDnsAuditParser;
import dev.restoreguard.producers.hosts.HostsFileParser;
import dev.restoreguard.producers.hosts.HostsSnapshotter;
import dev.restoreguard.producers.servicenow.ServiceNowChangeMapper;
import dev.restoreguard.producers.veeam.VeeamSyslogParser;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads scenario files (detection contract section 5) line by line and turns each record into
 * the event a live collector would publish, through the same parsing code: hosts files through
 * {@link HostsSnapshotter}, DNS records with their zone-relative names, restores, approvals and
 * inventories. Stateful (hosts snapshots are diffed per file), so one reader per scenario.
 */
public final class ScenarioReader {

    /** Source name of replayed events. */
    public static final String SOURCE = "replay";

    private static final Set<String> NOT_YET = Set.of();

    private final HostsSnapshotter hosts = new HostsSnapshotter(new HostsFileParser());
    private final WindowsDnsAuditParser windowsDns = new WindowsDnsAuditParser();
    private final VeeamSyslogParser veeam = new VeeamSyslogParser();
    private final ServiceNowChangeMapper serviceNow = new ServiceNowChangeMapper();
    private final Supplier<ApprovalSigner> signerSource;
    private ApprovalSigner signer;

    /** A reader whose approvals are signed by an ephemeral key (see {@link #signer()}). */
    public ScenarioReader() {
        this(ApprovalSigner.ephemeral("replay-ephemeral"));
    }

    /**
     * A reader whose {@code approval} and {@code servicenow_change} records pass through the
     * approval bridge's signer, as live ones do (detection contract section 5).
     */
    public ScenarioReader(final ApprovalSigner signer) {
        this(() -> signer);
        java.util.Objects.requireNonNull(signer, "signer");
    }

    /**
     * A reader that obtains its signer on the first approval (a scenario without approvals needs
     * no key); a signer that cannot be had skips each approval line with the reason.
     */
    public ScenarioReader(final Supplier<ApprovalSigner> signer) {
        this.signerSource = java.util.Objects.requireNonNull(signer, "signer");
    }

    /** The signer of this reader's approvals; an in-process engine must trust its public key. */
    public ApprovalSigner signer() {
        if (signer == null) {
            signer = signerSource.get();
        }
        return signer;
    }

    /** What one line became. */
    public sealed interface Outcome permits Events, Skipped, Ignored {
        int line();
    }

    /** Events to publish, in order (a line may yield none, e.g. an unchanged hosts file). */
    public record Events(int line, List<Routed> events, String note) implements Outcome {
    }

    /** A line that cannot be used, with the reason (reported, never fatal). */
    public record Skipped(int line, String reason) implements Outcome {
    }

    /** A line that carries no event ({@code scenario}, {@code expect}, blank). */
    public record Ignored(int line) implements Outcome {
    }

    /** Reads one line of a scenario (1-based {@code lineNumber} for diagnostics). */
    public Outcome read(final int lineNumber, final String line) {
        if (line == null || line.isBlank()) {
            return new Ignored(lineNumber);
        }
        final JsonNode node;
        try {
            node = Json.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            return new Skipped(lineNumber, "not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            return new Skipped(lineNumber, "not a JSON object");
        }
        final String kind = node.path("kind").asText(null);
        if (kind == null) {
            return new Skipped(lineNumber, "kind: required");
        }
        try {
            return switch (kind) {
                case "scenario", "expect" -> new Ignored(lineNumber);
                case "inventory" -> inventory(lineNumber, node);
                case "hosts_file" -> hostsFile(lineNumber, node);
                case "dns_record" -> dnsRecord(lineNumber, node);
                case "restore" -> restore(lineNumber, node);
                case "approval" -> approval(lineNumber, node);
                case "windows_dns_audit" -> windowsDnsAudit(lineNumber, node);
                case "veeam_syslog" -> veeamSyslog(lineNumber, node);
                case "servicenow_change" -> serviceNowChange(lineNumber, node);
                default -> new Skipped(lineNumber, NOT_YET.contains(kind)
                        ? "kind '" + kind + "' is not supported by this build yet"
                        : "unknown kind '" + kind + "'");
            };
        } catch (IllegalArgumentException e) {
            return new Skipped(lineNumber, kind + ": " + e.getMessage());
        }
    }

    private static Instant at(final JsonNode node) {
        return instant("at", text(node, "at"));
    }

    /** An RFC 3339 time, or a validation error naming {@code field}. */
    private static Instant instant(final String field, final String text) {
        if (text == null || text.isBlank()) {
            throw new EventValidationException(field + ": required");
        }
        try {
            return java.time.OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new EventValidationException(field + ": not an RFC 3339 time: '" + text + "'");
        }
    }

    private static String text(final JsonNode node, final String field) {
        final JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static List<String> strings(final JsonNode node, final String field) {
        final List<String> values = new ArrayList<>();
        node.path(field).forEach(v -> values.add(v.asText()));
        return values;
    }

    private Outcome inventory(final int line, final JsonNode node) {
        final Instant at = at(node);
        final List<InventorySnapshot.Asset> assets = new ArrayList<>();
        for (JsonNode a : node.path("assets")) {
            assets.add(new InventorySnapshot.Asset(text(a, "name"), strings(a, "ips"), text(a, "environment"),
                    text(a, "owner")));
        }
        final List<InventorySnapshot.Network> networks = new ArrayList<>();
        for (JsonNode n : node.path("networks")) {
            networks.add(new InventorySnapshot.Network(text(n, "cidr"), text(n, "environment")));
        }
        final Envelope e = Envelope.of(SOURCE, at, null, new InventorySnapshot(assets, networks));
        return new Events(line, List.of(new Routed(Topics.INVENTORY.name(), "inventory", e)), null);
    }

    private Outcome hostsFile(final int line, final JsonNode node) {
        final Instant at = at(node);
        final String observer = EventValidationException.require("hosts_file.observer", text(node, "observer"));
        final String path = EventValidationException.require("hosts_file.path", text(node, "path"));
        final String content = node.path("content").asText("");
        final String normalizedObserver = Names.normalize(observer);
        return hosts.next(normalizedObserver, path, content.getBytes(StandardCharsets.UTF_8), text(node, "user"))
                .<Outcome>map(snapshot -> new Events(line, List.of(new Routed(Topics.HOSTS.name(), normalizedObserver,
                        Envelope.of(SOURCE, at, normalizedObserver, snapshot))), null))
                .orElseGet(() -> new Events(line, List.of(), "hosts file unchanged: nothing published"));
    }

    private Outcome dnsRecord(final int line, final JsonNode node) {
        final Instant at = at(node);
        final String zone = Names.normalize(EventValidationException.require("dns_record.zone", text(node, "zone")));
        final String type = EventValidationException.require("dns_record.type", text(node, "type")).toUpperCase(Locale.ROOT);
        final String action = EventValidationException.require("dns_record.action", text(node, "action"))
                .toLowerCase(Locale.ROOT);
        String data = EventValidationException.require("dns_record.data", text(node, "data"));
        if (!"CNAME".equals(type)) {
            data = IpAddresses.normalize(data).orElseThrow(() ->
                    new EventValidationException("dns_record.data: not an IP address: '" + text(node, "data") + "'"));
        } else {
            data = Names.normalize(data);
        }
        final DnsRecordChange change = new DnsRecordChange(zone, text(node, "name"), type, action, data,
                text(node, "server") == null ? null : Names.normalize(text(node, "server")), text(node, "user"), null);
        final String fqdn = Names.dnsRecordFqdn(zone, change.name());
        return new Events(line, List.of(new Routed(Topics.DNS.name(), fqdn,
                Envelope.of(SOURCE, at, change.server(), change))), null);
    }

    /** Through the live collector's parser; the event time is the event's {@code @timestamp}. */
    private Outcome windowsDnsAudit(final int line, final JsonNode node) {
        final JsonNode event = node.get("event");
        if (event == null || !event.isObject()) {
            return new Skipped(line, "windows_dns_audit.event: required (the Winlogbeat event object)");
        }
        return switch (windowsDns.parse(event, null)) {
            case WindowsDnsAuditParser.Change c -> new Events(line, List.of(new Routed(Topics.DNS.name(), c.fqdn(),
                    Envelope.of(SOURCE, c.at(), c.change().server(), c.change()))), null);
            case WindowsDnsAuditParser.Ignored i -> new Events(line, List.of(), "windows_dns_audit ignored: " + i.reason());
            case WindowsDnsAuditParser.Skipped s -> new Skipped(line, "windows_dns_audit: " + s.reason());
        };
    }

    /** Through the live receiver's parser; the event time is the line's syslog TIMESTAMP, not {@code at}. */
    private Outcome veeamSyslog(final int line, final JsonNode node) {
        final String raw = text(node, "line");
        if (raw == null) {
            return new Skipped(line, "veeam_syslog.line: required (one RFC 5424 line)");
        }
        return switch (veeam.parse(raw)) {
            case VeeamSyslogParser.Mapped m -> new Events(line, List.of(new Routed(m.topic().name(), m.key(),
                    m.envelope(SOURCE))), null);
            case VeeamSyslogParser.Skipped s -> new Skipped(line, "veeam_syslog: " + s.reason());
        };
    }

    /** Through the poller's mapping; the event time is the record's {@code sys_updated_on}, not {@code at}. */
    private Outcome serviceNowChange(final int line, final JsonNode node) {
        return switch (serviceNow.map(node.get("record"))) {
            case ServiceNowChangeMapper.Mapped m -> new Events(line, List.of(new Routed(Topics.APPROVALS.name(),
                    m.approval().changeId(), signer().envelope(SOURCE, m.at(), m.approval()))),
                    m.notes().isEmpty() ? null : "servicenow_change: " + String.join("; ", m.notes()));
            case ServiceNowChangeMapper.Skipped s -> new Skipped(line, "servicenow_change: " + s.reason());
        };
    }

    private Outcome restore(final int line, final JsonNode node) {
        final Instant at = at(node);
        final String observer = Names.normalize(EventValidationException.require("restore.observer",
                text(node, "observer")));
        final RestoreEvent restore = new RestoreEvent(text(node, "product"), text(node, "session_id"),
                text(node, "state"), text(node, "target"), text(node, "database"), text(node, "job"),
                text(node, "initiator"), text(node, "reason"), text(node, "task_status"),
                node.hasNonNull("result") ? node.get("result").asInt() : null);
        return new Events(line, List.of(new Routed(Topics.RESTORES.name(), observer,
                Envelope.of(SOURCE, at, observer, restore))), null);
    }

    private Outcome approval(final int line, final JsonNode node) {
        final Instant at = at(node);
        ApprovalEvent.Window window = null;
        final JsonNode w = node.get("window");
        if (w != null && !w.isNull()) {
            window = new ApprovalEvent.Window(instant("approval.window.start", text(w, "start")),
                    instant("approval.window.end", text(w, "end")));
        }
        final ApprovalEvent approval = new ApprovalEvent(text(node, "change_id"), text(node, "state"),
                strings(node, "targets"), window, text(node, "approved_by"), "scenario", null);
        return new Events(line, List.of(new Routed(Topics.APPROVALS.name(), approval.changeId(),
                signer().envelope(SOURCE, at, approval))), null);
    }
}
