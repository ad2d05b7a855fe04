package dev.restoreguard.sinks.elasticsearch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.events.approval.ApprovalEvent;
import dev.restoreguard.events.audit.AuditRecord;
import dev.restoreguard.events.audit.Heartbeat;
import dev.restoreguard.events.dns.DnsRecordChange;
import dev.restoreguard.events.hosts.HostsSnapshot;
import dev.restoreguard.events.inventory.InventorySnapshot;
import dev.restoreguard.events.net.IpAddresses;
import dev.restoreguard.events.net.Names;
import dev.restoreguard.events.restore.RestoreEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns RestoreGuard events and alerts into ECS documents for Elasticsearch. Standard ECS fields
 * where ECS has one ({@code event.*}, {@code host.name}, {@code host.target.*} for a restore's
 * destination, {@code related.*}, {@code file.*} for hosts files, {@code dns.*} for DNS records,
 * {@code user.name}); everything of our own under {@code restoreguard.*}. The index templates under
 * {@code infra/src/main/resources/elasticsearch/index-templates} map exactly these fields.
 */
public final class EcsDocuments {

    /** {@code data_stream.dataset} and {@code event.dataset} of events. */
    public static final String EVENTS_DATASET = "restoreguard.events";
    /** {@code data_stream.dataset} and {@code event.dataset} of alerts. */
    public static final String ALERTS_DATASET = "restoreguard.alerts";
    /** Arrays (related.*, hosts entries) are capped so that one huge hosts file cannot make a huge document. */
    static final int MAX_ARRAY = 1000;
    private static final int MAX_MESSAGE = 1024;

    private final String namespace;

    public EcsDocuments(final String namespace) {
        this.namespace = namespace;
    }

    /** The data stream events are written to. */
    public String eventsDataStream() {
        return "logs-" + EVENTS_DATASET + "-" + namespace;
    }

    /** The data stream alert versions are written to. */
    public String alertsDataStream() {
        return "logs-" + ALERTS_DATASET + "-" + namespace;
    }

    /** The ECS document of a normalized event. */
    public ObjectNode event(final Envelope envelope, final Instant ingested) {
        final ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("@timestamp", envelope.at().toString());
        doc.putObject("ecs").put("version", Alert.ECS_VERSION);
        final ObjectNode event = doc.putObject("event");
        event.put("id", envelope.eventId());
        event.put("kind", "event");
        event.put("dataset", EVENTS_DATASET);
        event.put("module", "restoreguard");
        event.put("provider", envelope.source());
        event.put("ingested", ingested.toString());
        dataStream(doc, EVENTS_DATASET);
        if (envelope.observer() != null) {
            doc.putObject("host").put("name", envelope.observer());
        }
        final Related related = new Related();
        related.host(envelope.observer());
        final ObjectNode ours = doc.putObject("restoreguard");
        ours.put("kind", envelope.kind());
        ours.put("source", envelope.source());
        ours.put("schema_version", envelope.schemaVersion());
        final String message = switch (envelope.payload()) {
            case RestoreEvent restore -> restore(doc, event, ours, related, envelope, restore);
            case HostsSnapshot hosts -> hosts(doc, event, ours, related, envelope, hosts);
            case DnsRecordChange dns -> dns(doc, event, ours, related, dns);
            case ApprovalEvent approval -> approval(event, ours, related, approval);
            case InventorySnapshot inventory -> inventory(event, ours, related, inventory);
            case AuditRecord audit -> audit(event, ours, related, audit);
            case Heartbeat heartbeat -> heartbeat(event, ours, heartbeat, envelope);
            default -> {
                event.putArray("category").add("host");
                event.putArray("type").add("info");
                event.put("action", envelope.kind());
                yield envelope.kind() + " event from " + envelope.source();
            }
        };
        doc.put("message", truncate(message, MAX_MESSAGE));
        related.write(doc);
        return doc;
    }

    /**
     * The ECS document of one alert version: the contract's alert document as published, plus
     * {@code event.ingested}, {@code event.action} ({@code alert-open}/{@code alert-retracted}) and
     * {@code restoreguard.alert_version}.
     */
    public ObjectNode alert(final Alert alert, final Instant ingested) {
        final ObjectNode doc = Json.MAPPER.valueToTree(alert);
        final ObjectNode event = (ObjectNode) doc.get("event");
        event.put("ingested", ingested.toString());
        event.put("action", "alert-" + alert.alert().status());
        if (!event.hasNonNull("dataset")) {
            event.put("dataset", ALERTS_DATASET);
        }
        if (!event.hasNonNull("module")) {
            event.put("module", "restoreguard");
        }
        if (!doc.hasNonNull("message")) {
            doc.put("message", alert.alert().reason());
        }
        if (!doc.has("ecs")) {
            doc.putObject("ecs").put("version", Alert.ECS_VERSION);
        }
        dataStream(doc, ALERTS_DATASET);
        ((ObjectNode) doc.get("restoreguard")).put("alert_version", versionOf(alert));
        return doc;
    }

    /**
     * A short hash of the alert's canonical JSON: the same version always hashes the same (so a
     * re-delivered version is a duplicate), a retraction or an evidence update hashes differently.
     */
    public static String versionOf(final Alert alert) {
        try {
            final byte[] canonical = Json.MAPPER.writeValueAsBytes(alert);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical), 0, 8);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash alert " + alert.alert().id(), e);
        }
    }

    /** The data-stream {@code _id} of an alert version: every version is kept, each once. */
    public static String alertVersionId(final Alert alert) {
        return alert.alert().id() + "-" + versionOf(alert);
    }

    /** The document as UTF-8 JSON bytes. */
    public static byte[] bytes(final ObjectNode doc) {
        try {
            return Json.MAPPER.writeValueAsBytes(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write document", e);
        }
    }

    private void dataStream(final ObjectNode doc, final String dataset) {
        final ObjectNode ds = doc.putObject("data_stream");
        ds.put("type", "logs");
        ds.put("dataset", dataset);
        ds.put("namespace", namespace);
    }

    private static String restore(final ObjectNode doc, final ObjectNode event, final ObjectNode ours,
                                  final Related related, final Envelope envelope, final RestoreEvent restore) {
        event.putArray("category").add(restore.database() != null ? "database" : "file");
        event.putArray("type").add(switch (restore.state()) {
            case "started" -> "start";
            case "finished", "failed" -> "end";
            default -> "info";
        });
        event.put("action", "restore-" + restore.state());
        final boolean failed = "failed".equals(restore.state()) || Integer.valueOf(2).equals(restore.result());
        if (failed) {
            event.put("outcome", "failure");
        } else if ("finished".equals(restore.state())) {
            event.put("outcome", "success");
        } else {
            event.put("outcome", "unknown");
        }
        final ObjectNode r = ours.putObject("restore");
        r.put("product", restore.product());
        r.put("session_id", restore.sessionId());
        r.put("state", restore.state());
        putIfNotNull(r, "target", restore.target());
        putIfNotNull(r, "database", restore.database());
        putIfNotNull(r, "job", restore.job());
        putIfNotNull(r, "initiator", restore.initiator());
        putIfNotNull(r, "reason", restore.reason());
        putIfNotNull(r, "task_status", restore.taskStatus());
        if (restore.result() != null) {
            r.put("result", restore.result());
        }
        if (restore.target() != null) {
            final ObjectNode host = doc.has("host") ? (ObjectNode) doc.get("host") : doc.putObject("host");
            final ObjectNode target = host.putObject("target");
            if (IpAddresses.isIpLiteral(restore.target())) {
                final String ip = IpAddresses.normalize(restore.target()).orElse(restore.target());
                target.putArray("ip").add(ip);
                related.ip(ip);
            } else {
                final String name = envelope.observer() == null ? Names.normalize(restore.target())
                        : Names.normalize(restore.target(), envelope.observer());
                target.put("name", name);
                related.host(name);
            }
        }
        if (restore.initiator() != null) {
            doc.putObject("user").put("name", restore.initiator());
            related.user(restore.initiator());
        }
        return restore.product() + " restore session " + restore.sessionId() + " " + restore.state()
                + (envelope.observer() == null ? "" : " on " + envelope.observer())
                + (restore.target() == null ? "" : ", target " + restore.target())
                + (restore.database() == null ? "" : ", database " + restore.database())
                + (restore.initiator() == null ? "" : ", by " + restore.initiator());
    }

    private static String hosts(final ObjectNode doc, final ObjectNode event, final ObjectNode ours,
                                final Related related, final Envelope envelope, final HostsSnapshot hosts) {
        event.putArray("category").add("file").add("configuration");
        event.putArray("type").add(hosts.baseline() ? "info" : "change");
        event.put("action", hosts.baseline() ? "hosts-file-baseline" : "hosts-file-changed");
        final ObjectNode file = doc.putObject("file");
        file.put("path", hosts.path());
        file.put("size", hosts.sizeBytes());
        if (hosts.sha256() != null) {
            file.putObject("hash").put("sha256", hosts.sha256());
        }
        final ObjectNode h = ours.putObject("hosts");
        h.put("baseline", hosts.baseline());
        h.put("truncated", hosts.truncated());
        putIfNotNull(h, "writer", hosts.writer());
        h.put("entry_count", hosts.entries().size());
        h.put("ignored_count", hosts.ignored().size());
        putIfNotNull(h, "content", hosts.content());
        final ArrayNode entries = h.putArray("entries");
        for (final HostsSnapshot.Entry entry : hosts.entries().subList(0, Math.min(MAX_ARRAY, hosts.entries().size()))) {
            final ObjectNode e = entries.addObject();
            e.put("line", entry.line());
            e.put("address", entry.address());
            final ArrayNode names = e.putArray("names");
            entry.names().forEach(names::add);
        }
        final ArrayNode ignored = h.putArray("ignored");
        for (final HostsSnapshot.Ignored line : hosts.ignored().subList(0, Math.min(MAX_ARRAY, hosts.ignored().size()))) {
            final ObjectNode i = ignored.addObject();
            i.put("line", line.line());
            putIfNotNull(i, "reason", line.reason());
            putIfNotNull(i, "excerpt", line.excerpt());
        }
        int added = 0;
        int removed = 0;
        int changed = 0;
        final List<String> examples = new ArrayList<>();
        if (hosts.diff() != null) {
            putIfNotNull(h, "sha256_before", hosts.diff().sha256Before());
            final ArrayNode changes = h.putArray("changes");
            added = change(changes, "added", hosts.diff().added(), related, examples);
            removed = change(changes, "removed", hosts.diff().removed(), related, examples);
            changed = change(changes, "changed", hosts.diff().changed(), related, examples);
        } else {
            // a baseline: the entries are what matters for "which names does this machine override"
            hosts.entries().forEach(entry -> {
                related.ip(entry.address());
                entry.names().forEach(n -> related.host(Names.normalize(n, envelope.observer())));
            });
        }
        return "hosts file " + hosts.path() + (envelope.observer() == null ? "" : " on " + envelope.observer())
                + (hosts.baseline() ? ": baseline, " + hosts.entries().size() + " entries"
                : ": " + added + " added, " + removed + " removed, " + changed + " changed"
                + (examples.isEmpty() ? "" : " (" + String.join(", ", examples) + ")"));
    }

    private static int change(final ArrayNode changes, final String kind, final List<HostsSnapshot.Change> list,
                              final Related related, final List<String> examples) {
        for (final HostsSnapshot.Change c : list.subList(0, Math.min(MAX_ARRAY, list.size()))) {
            final ObjectNode node = changes.addObject();
            node.put("change", kind);
            putIfNotNull(node, "name", c.name());
            putIfNotNull(node, "before_address", c.beforeAddress());
            putIfNotNull(node, "after_address", c.afterAddress());
            if (c.beforeLine() != null) {
                node.put("before_line", c.beforeLine());
            }
            if (c.afterLine() != null) {
                node.put("after_line", c.afterLine());
            }
            related.host(c.name());
            related.ip(c.beforeAddress());
            related.ip(c.afterAddress());
            if (examples.size() < 3) {
                examples.add(c.name() + " " + (c.beforeAddress() == null ? "" : c.beforeAddress() + " ")
                        + "-> " + (c.afterAddress() == null ? "gone" : c.afterAddress()));
            }
        }
        return list.size();
    }

    private static String dns(final ObjectNode doc, final ObjectNode event, final ObjectNode ours,
                              final Related related, final DnsRecordChange dns) {
        final boolean add = "add".equals(dns.action());
        event.putArray("category").add("network").add("configuration");
        event.putArray("type").add(add ? "creation" : "deletion");
        event.put("action", add ? "dns-record-added" : "dns-record-deleted");
        String fqdn;
        try {
            fqdn = Names.dnsRecordFqdn(dns.zone(), dns.name());
        } catch (RuntimeException e) {
            fqdn = dns.name().toLowerCase(Locale.ROOT);
        }
        final ObjectNode d = doc.putObject("dns");
        final ObjectNode question = d.putObject("question");
        question.put("name", fqdn);
        question.put("type", dns.type());
        final ObjectNode answer = d.putArray("answers").addObject();
        answer.put("name", fqdn);
        answer.put("type", dns.type());
        answer.put("data", dns.data());
        if (dns.server() != null) {
            final ObjectNode host = doc.has("host") ? (ObjectNode) doc.get("host") : doc.putObject("host");
            host.put("name", dns.server());
            related.host(dns.server());
        }
        final ObjectNode r = ours.putObject("dns");
        r.put("zone", dns.zone());
        r.put("name", dns.name());
        r.put("fqdn", fqdn);
        r.put("action", dns.action());
        if (dns.serial() != null) {
            r.put("serial", dns.serial());
        }
        related.host(fqdn);
        if ("CNAME".equals(dns.type())) {
            related.host(dns.data().toLowerCase(Locale.ROOT));
        } else {
            related.ip(dns.data());
        }
        if (dns.user() != null) {
            doc.putObject("user").put("name", dns.user());
            related.user(dns.user());
        }
        return "DNS " + dns.type() + " record " + fqdn + " -> " + dns.data() + (add ? " added" : " deleted")
                + (dns.server() == null ? "" : " on " + dns.server()) + (dns.user() == null ? "" : " by " + dns.user());
    }

    private static String approval(final ObjectNode event, final ObjectNode ours, final Related related,
                                   final ApprovalEvent approval) {
        event.putArray("category").add("configuration");
        final ArrayNode type = event.putArray("type").add("change");
        switch (approval.state()) {
            case "approved" -> type.add("allowed");
            case "rejected", "revoked" -> type.add("denied");
            default -> type.add("info");
        }
        event.put("action", "change-" + approval.state());
        final ObjectNode a = ours.putObject("approval");
        a.put("change_id", approval.changeId());
        a.put("state", approval.state());
        final ArrayNode targets = a.putArray("targets");
        approval.targets().forEach(t -> {
            targets.add(t);
            if (IpAddresses.isIpLiteral(t)) {
                related.ip(IpAddresses.normalize(t).orElse(t));
            } else {
                related.host(Names.normalize(t));
            }
        });
        if (approval.window() != null) {
            final ObjectNode window = a.putObject("window");
            window.put("start", approval.window().start().toString());
            window.put("end", approval.window().end().toString());
        }
        putIfNotNull(a, "approved_by", approval.approvedBy());
        putIfNotNull(a, "origin", approval.origin());
        a.put("signed", approval.signature() != null);
        if (approval.signature() != null) {
            putIfNotNull(a, "signature_key_id", approval.signature().keyId());
        }
        related.user(approval.approvedBy());
        return "change " + approval.changeId() + " " + approval.state()
                + (approval.approvedBy() == null ? "" : " by " + approval.approvedBy())
                + " for " + String.join(", ", approval.targets())
                + (approval.window() == null ? " (no window)"
                : " from " + approval.window().start() + " to " + approval.window().end());
    }

    private static String inventory(final ObjectNode event, final ObjectNode ours, final Related related,
                                    final InventorySnapshot inventory) {
        event.put("kind", "state");
        event.putArray("category").add("configuration");
        event.putArray("type").add("info");
        event.put("action", "inventory-snapshot");
        final ObjectNode inv = ours.putObject("inventory");
        inv.put("asset_count", inventory.assets().size());
        inv.put("network_count", inventory.networks().size());
        final ArrayNode assets = inv.putArray("assets");
        for (final InventorySnapshot.Asset asset : inventory.assets()) {
            final ObjectNode a = assets.addObject();
            a.put("name", asset.name());
            final ArrayNode ips = a.putArray("ips");
            asset.ips().forEach(ips::add);
            a.put("environment", asset.environment());
            putIfNotNull(a, "owner", asset.owner());
        }
        final ArrayNode networks = inv.putArray("networks");
        for (final InventorySnapshot.Network network : inventory.networks()) {
            networks.addObject().put("cidr", network.cidr()).put("environment", network.environment());
        }
        return "inventory snapshot: " + inventory.assets().size() + " assets, " + inventory.networks().size() + " networks";
    }

    private static String audit(final ObjectNode event, final ObjectNode ours, final Related related,
                                final AuditRecord audit) {
        event.putArray("category").add("host");
        event.putArray("type").add("info");
        event.put("action", audit.action());
        final ObjectNode a = ours.putObject("audit");
        a.put("format", audit.format());
        a.put("action", audit.action());
        putIfNotNull(a, "session", audit.session());
        final ObjectNode fields = a.putObject("fields");
        audit.fields().forEach(fields::put);
        putIfNotNull(a, "raw", audit.raw());
        final String user = audit.fields().get("UserName");
        related.user(user);
        return audit.format() + " " + audit.action() + (audit.session() == null ? "" : " (session " + audit.session() + ")")
                + (audit.raw() == null ? "" : ": " + audit.raw());
    }

    private static String heartbeat(final ObjectNode event, final ObjectNode ours, final Heartbeat heartbeat,
                                    final Envelope envelope) {
        event.put("kind", "state");
        event.putArray("category").add("host");
        event.putArray("type").add("info");
        event.put("action", "heartbeat");
        final ObjectNode h = ours.putObject("heartbeat");
        h.put("collector", heartbeat.collector());
        putIfNotNull(h, "version", heartbeat.version());
        if (heartbeat.lastEventTime() != null) {
            h.put("last_event_time", heartbeat.lastEventTime().toString());
        }
        return heartbeat.collector() + " collector alive" + (envelope.observer() == null ? "" : " on " + envelope.observer());
    }

    private static void putIfNotNull(final ObjectNode node, final String field, final String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static String truncate(final String text, final int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    /** Collects {@code related.*} without duplicates and within {@link #MAX_ARRAY}. */
    private static final class Related {
        private final Set<String> hosts = new LinkedHashSet<>();
        private final Set<String> ip = new LinkedHashSet<>();
        private final Set<String> user = new LinkedHashSet<>();

        void host(final String value) {
            add(hosts, value == null ? null : value.toLowerCase(Locale.ROOT));
        }

        void ip(final String value) {
            add(ip, value);
        }

        void user(final String value) {
            add(user, value);
        }

        private static void add(final Set<String> set, final String value) {
            if (value != null && !value.isBlank() && set.size() < MAX_ARRAY) {
                set.add(value);
            }
        }

        void write(final ObjectNode doc) {
            final ObjectNode related = doc.putObject("related");
            hosts.forEach(related.withArray("hosts")::add);
            ip.forEach(related.withArray("ip")::add);
            user.forEach(related.withArray("user")::add);
        }
    }

    static byte[] utf8(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
