package dev.restoreguard.sinks;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.events.alert.Severity;
import dev.restoreguard.events.approval.ApprovalEvent;
import dev.restoreguard.events.audit.AuditRecord;
import dev.restoreguard.events.dns.DnsRecordChange;
import dev.restoreguard.events.hosts.HostsSnapshot;
import dev.restoreguard.events.inventory.InventorySnapshot;
import dev.restoreguard.events.restore.RestoreEvent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The incident scenario's records, built in code: the hosts entry that sends a dev restore into production. */
public final class Fixtures {

    public static final Instant T0 = Instant.parse("2026-11-20T16:00:00Z");
    public static final String OBSERVER = "vbr01.corp.example";

    private Fixtures() {
    }

    public static Envelope inventory() {
        return Envelope.of("inventory", T0, null, new InventorySnapshot(
                List.of(new InventorySnapshot.Asset("sql-prod-01.corp.example", List.of("10.20.1.15"), "production", "dba"),
                        new InventorySnapshot.Asset("sql-dev-01.corp.example", List.of("10.30.1.15"), "development", "dba")),
                List.of(new InventorySnapshot.Network("10.20.0.0/16", "production"),
                        new InventorySnapshot.Network("10.30.0.0/16", "development"))));
    }

    public static Envelope hostsChange() {
        return Envelope.of("hosts-file", T0.plusSeconds(60), OBSERVER, new HostsSnapshot("C:\\Windows\\System32\\drivers\\etc\\hosts",
                "127.0.0.1 localhost\n10.20.1.15 sql-dev-01.corp.example\n",
                List.of(new HostsSnapshot.Entry(1, "127.0.0.1", List.of("localhost")),
                        new HostsSnapshot.Entry(2, "10.20.1.15", List.of("sql-dev-01.corp.example"))),
                List.of(), "ab".repeat(32), 64, false, false,
                new HostsSnapshot.Diff(List.of(new HostsSnapshot.Change("sql-dev-01.corp.example", null, "10.20.1.15", null, 2)),
                        List.of(), List.of(), "cd".repeat(32)),
                "CORP\\jdoe via notepad.exe"));
    }

    public static Envelope dnsAdd() {
        return Envelope.of("windows-dns", T0.plusSeconds(90), null,
                new DnsRecordChange("corp.example", "app01", "A", "add", "10.20.1.40", "dc01.corp.example", "CORP\\admin", 42L));
    }

    public static Envelope approval() {
        return Envelope.of("approval-bridge", T0.plusSeconds(100), null, new ApprovalEvent("CHG0012345", "approved",
                List.of("sql-dev-01.corp.example"), new ApprovalEvent.Window(T0, T0.plusSeconds(7200)), "mmiller", "servicenow", null));
    }

    public static Envelope restore() {
        return Envelope.of("veeam-syslog", T0.plusSeconds(120), OBSERVER, new RestoreEvent("veeam",
                "8c0e7a4e-1111-2222-3333-444455556666", "started", "sql-dev-01", "Sales", "SQL nightly", "CORP\\jdoe",
                "refresh dev from prod backup", null, null));
    }

    public static Envelope audit() {
        return Envelope.of("veeam-syslog", T0.plusSeconds(130), OBSERVER, new AuditRecord("veeam_syslog",
                "restore-point-mounted", "8c0e7a4e-1111-2222-3333-444455556666",
                Map.of("MountServer", "mnt01.corp.example", "UserName", "CORP\\jdoe"), "<110>1 ... 41500 ..."));
    }

    /** The six events of the scenario, in arrival order. */
    public static List<Envelope> events() {
        return List.of(inventory(), hostsChange(), dnsAdd(), approval(), restore(), audit());
    }

    public static Alert alert(final String status) {
        return alert("RG-001", "restore:veeam:8c0e7a4e-1111-2222-3333-444455556666", Severity.CRITICAL, status,
                List.of("10.20.1.15"));
    }

    public static Alert alert(final String ruleId, final String subject, final Severity severity, final String status,
                              final List<String> ips) {
        final String id = Alert.idOf(ruleId, subject);
        final Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("intended", Map.of("target", "sql-dev-01.corp.example", "environment", "development"));
        evidence.put("effective", Map.of("ip", "10.20.1.15", "environment", "production", "via", "hosts"));
        evidence.put("hosts_entry", Map.of("line", 2, "path", "C:\\Windows\\System32\\drivers\\etc\\hosts"));
        evidence.put("event_ids", List.of(hostsChange().eventId(), restore().eventId()));
        return new Alert(T0.plusSeconds(120),
                new Alert.Event("alert", List.of("configuration"), List.of("info"), id, severity.ecsSeverity(),
                        severity.ecsSeverity(), "restoreguard.alerts", "restoreguard"),
                new Alert.Rule(ruleId, "restore-into-production-unapproved",
                        "A restore whose effective target is production without an approved change", "restoreguard"),
                new Alert.Info(id, subject, severity, status,
                        "Veeam restore of Sales by CORP\\jdoe to sql-dev-01 actually writes to production "
                                + "10.20.1.15 (sql-prod-01) because the hosts file of vbr01 overrides the name; no approved change covers it."),
                new Alert.Host(OBSERVER),
                new Alert.Related(List.of("sql-dev-01.corp.example", "sql-prod-01.corp.example"), ips, List.of("CORP\\jdoe")),
                "Restore into production without an approved change", new Alert.Ecs(Alert.ECS_VERSION),
                new Alert.Fields(evidence, false));
    }
}
