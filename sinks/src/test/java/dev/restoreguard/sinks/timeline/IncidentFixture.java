package dev.restoreguard.sinks.timeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.events.dns.DnsRecordChange;
import dev.restoreguard.events.hosts.HostsSnapshot;
import dev.restoreguard.events.inventory.InventorySnapshot;
import dev.restoreguard.events.restore.RestoreEvent;
import dev.restoreguard.sinks.elasticsearch.EcsDocuments;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Friday incident as the Elasticsearch sink writes it: events turned into documents by the
 * sink's own {@link EcsDocuments}, and the three alerts exactly as the engine published them for
 * the scenario ({@code timeline/friday-alerts.jsonl}, from {@code restoreguard replay}), re-pointed
 * at this fixture's event ids and with the hosts-file writer the audit log would name. The hosts
 * comment carries markup, to prove every format escapes it.
 */
final class IncidentFixture {

    static final String OBSERVER = "vbr01.corp.example";
    static final String PATH = "C:\\Windows\\System32\\drivers\\etc\\hosts";
    static final String WRITER = "CORP\\jdoe";
    static final String SESSION = "8c0e7a4e-1f3b-4d8e-9a51-0c2f7d1e6b90";
    static final String INJECTION = "<script>window.pwned=1</script><img src=x onerror=alert(1)>";
    static final String BASE = "# Copyright (c) 1993-2009 Microsoft Corp.\r\n#\r\n# This is a sample HOSTS file used by Microsoft TCP/IP for Windows.\r\n"
            + "#\r\n# localhost name resolution is handled within DNS itself.\r\n#\t127.0.0.1       localhost\r\n#\t::1             localhost\r\n";
    static final String EDITED = BASE + "10.20.1.15\tsql-dev-01.corp.example sql-dev-01   # temp fix " + INJECTION + "\r\n";
    private static final EcsDocuments DOCS = new EcsDocuments("default");

    final Envelope inventory = Envelope.of("inventory", at("08:00:00"), null, new InventorySnapshot(
            List.of(new InventorySnapshot.Asset("sql-prod-01.corp.example", List.of("10.20.1.15"), "production", null),
                    new InventorySnapshot.Asset("sql-dev-01.corp.example", List.of("10.30.1.15"), "development", null)),
            List.of(new InventorySnapshot.Network("10.20.0.0/16", "production"))));
    final Envelope dns = Envelope.of("windows-dns", at("08:00:00"), null,
            new DnsRecordChange("corp.example", "sql-dev-01", "A", "add", "10.30.1.15", "dc01.corp.example", "CORP\\dnsadmin", null));
    final Envelope baseline = Envelope.of("hosts-file", at("09:00:00"), OBSERVER, new HostsSnapshot(PATH, BASE, List.of(), List.of(),
            "aa".repeat(32), BASE.length(), false, true, null, "unknown"));
    final Envelope edit = Envelope.of("hosts-file", at("15:41:00"), OBSERVER, new HostsSnapshot(PATH, EDITED,
            List.of(new HostsSnapshot.Entry(8, "10.20.1.15", List.of("sql-dev-01.corp.example", "sql-dev-01"))), List.of(),
            "bb".repeat(32), EDITED.length(), false, false,
            new HostsSnapshot.Diff(List.of(new HostsSnapshot.Change("sql-dev-01.corp.example", null, "10.20.1.15", null, 8)),
                    List.of(), List.of(), "aa".repeat(32)), WRITER));
    final Envelope started = restore("16:02:00", "started");
    final Envelope finished = restore("16:19:30", "finished");
    final List<Alert> alerts;

    IncidentFixture() {
        String text = resource("/timeline/friday-alerts.jsonl")
                .replace("57413eb9-5357-3430-a563-37e87d01a14c", inventory.eventId())
                .replace("88db516e-da3c-361f-8050-95bac74ef798", edit.eventId())
                .replace("9976988c-a79e-34dc-be57-ecdbed532de3", started.eventId())
                .replace("3bd3170c-a841-3fb0-ba5f-ed3820120bf7", finished.eventId())
                .replaceAll("\"writer\":\\s*\"unknown\"", "\"writer\": \"CORP\\\\\\\\jdoe\"");
        final List<Alert> read = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                try {
                    read.add(Json.MAPPER.readValue(line, Alert.class));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        alerts = List.copyOf(read);
    }

    Alert alert(final String rule) {
        return alerts.stream().filter(a -> a.rule().id().equals(rule)).findFirst().orElseThrow();
    }

    List<Envelope> events() {
        return List.of(inventory, dns, baseline, edit, started, finished);
    }

    /** The event documents, each written twice (a re-run of the sink after a rollover). */
    List<JsonNode> eventDocs() {
        final List<JsonNode> docs = new ArrayList<>();
        for (int copy = 0; copy < 2; copy++) {
            events().forEach(e -> docs.add(DOCS.event(e, at("16:30:00"))));
        }
        return docs;
    }

    /** Every alert version as in the alerts data stream, plus the same version again from the latest-state index. */
    List<JsonNode> alertDocs() {
        final List<JsonNode> docs = new ArrayList<>();
        alerts.forEach(a -> docs.add(DOCS.alert(a, at("16:30:00"))));
        alerts.forEach(a -> docs.add(DOCS.alert(a, at("16:30:00"))));
        return docs;
    }

    /** The baseline is the previous snapshot of the edit. */
    Map<String, JsonNode> previous() {
        return Map.of(edit.eventId(), DOCS.event(baseline, at("16:30:00")));
    }

    Timeline timeline(final TimelineScope scope) {
        return TimelineAssembler.assemble(scope, at("08:00:00"), at("17:19:30"), at("18:00:00"), eventDocs(), alertDocs(),
                previous(), List.of());
    }

    static Instant at(final String time) {
        return Instant.parse("2026-11-20T" + time + "Z");
    }

    private static Envelope restore(final String time, final String state) {
        return Envelope.of("veeam-syslog", at(time), OBSERVER, new RestoreEvent("veeam", SESSION, state, "sql-dev-01", "Sales",
                "Restore Sales to DEV", WRITER, null, null, null));
    }

    static String resource(final String name) {
        try (InputStream in = IncidentFixture.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
