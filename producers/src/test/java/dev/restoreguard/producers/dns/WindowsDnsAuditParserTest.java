package dev.restoreguard.producers.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.dns.DnsRecordChange;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WindowsDnsAuditParserTest {

    private final WindowsDnsAuditParser parser = new WindowsDnsAuditParser();

    static String event(final int id, final String type, final String name, final String rdata) {
        return """
                {"@timestamp":"2026-11-20T16:10:00.123Z","host":{"name":"DC01.corp.example"},
                 "winlog":{"channel":"Microsoft-Windows-DNSServer/Audit","event_id":%d,"computer_name":"dc01.corp.example",
                  "user":{"domain":"CORP","name":"jdoe","identifier":"S-1-5-21-1"},
                  "event_data":{"Zone":"corp.example","NAME":"%s","Type":"%s","RDATA":"%s","TTL":"3600"}}}
                """.formatted(id, name, type, rdata).replace("\n", "");
    }

    private DnsRecordChange change(final String json) {
        final WindowsDnsAuditParser.Result r = parser.parse(json, null);
        assertThat(r).isInstanceOf(WindowsDnsAuditParser.Change.class);
        return ((WindowsDnsAuditParser.Change) r).change();
    }

    @Test
    void shouldMapARecordCreateWithHexRdata() {
        final WindowsDnsAuditParser.Change c = (WindowsDnsAuditParser.Change)
                parser.parse(event(515, "1", "sql-dev-01.corp.example.", "0x0A14010F"), null);
        assertThat(c.at()).isEqualTo(Instant.parse("2026-11-20T16:10:00.123Z"));
        assertThat(c.fqdn()).isEqualTo("sql-dev-01.corp.example");
        assertThat(c.change()).isEqualTo(new DnsRecordChange("corp.example", "sql-dev-01.corp.example", "A", "add",
                "10.20.1.15", "dc01.corp.example", "CORP\\jdoe", null));
    }

    @Test
    void shouldMapDeletesAndDynamicUpdates() {
        assertThat(change(event(516, "1", "a", "10.0.0.1")).action()).isEqualTo("delete");
        assertThat(change(event(519, "1", "a", "10.0.0.1")).action()).isEqualTo("add");
        assertThat(change(event(520, "1", "a", "10.0.0.1")).action()).isEqualTo("delete");
    }

    @Test
    void shouldDecodeAaaaAndCnameInWireAndTextForm() {
        assertThat(change(event(515, "28", "v6", "0x20010DB8000000000000000000000001")).data()).isEqualTo("2001:db8::1");
        assertThat(change(event(515, "28", "v6", "2001:DB8:0:0::1")).data()).isEqualTo("2001:db8::1");
        // 03 sql 04 prod 04 corp 07 example 00
        assertThat(change(event(515, "5", "alias", "0x0373716C0470726F6404636F7270076578616D706C6500")).data())
                .isEqualTo("sql.prod.corp.example");
        assertThat(change(event(515, "5", "alias", "SQL.prod.corp.example.")).data()).isEqualTo("sql.prod.corp.example");
    }

    @Test
    void shouldIgnoreOtherEventIdsAndRecordTypes() {
        assertThat(parser.parse(event(513, "1", "a", "10.0.0.1"), null)).isInstanceOf(WindowsDnsAuditParser.Ignored.class);
        assertThat(parser.parse(event(515, "15", "mx", "0x00"), null)).isInstanceOf(WindowsDnsAuditParser.Ignored.class);
    }

    @Test
    void shouldSkipMalformedEventsWithAReason() {
        assertThat(parser.parse("{not json", null)).isInstanceOf(WindowsDnsAuditParser.Skipped.class);
        assertThat(parser.parse(event(515, "1", "a", "0x0A14"), null))
                .isEqualTo(new WindowsDnsAuditParser.Skipped("winlog.event_data.RDATA: A needs 4 bytes, got 2: '0x0A14'"));
        assertThat(parser.parse(event(515, "1", "a", "2001:db8::1"), null))
                .isInstanceOf(WindowsDnsAuditParser.Skipped.class);
        assertThat(parser.parse("{\"winlog\":{\"event_id\":515}}", null)).isInstanceOf(WindowsDnsAuditParser.Skipped.class);
    }

    @Test
    void shouldFallBackToTheConfiguredServerAndAcceptAStringEventId() {
        final String json = "{\"@timestamp\":\"2026-11-20T16:10:00Z\",\"winlog\":{\"event_id\":\"515\","
                + "\"event_data\":{\"Zone\":\"corp.example\",\"NAME\":\"a\",\"Type\":\"1\",\"RDATA\":\"0x0A000001\"}}}";
        final DnsRecordChange c = change2(parser.parse(json, "dns01.corp.example"));
        assertThat(c.server()).isEqualTo("dns01.corp.example");
        assertThat(c.user()).isNull();
    }

    private static DnsRecordChange change2(final WindowsDnsAuditParser.Result r) {
        return ((WindowsDnsAuditParser.Change) r).change();
    }
}
