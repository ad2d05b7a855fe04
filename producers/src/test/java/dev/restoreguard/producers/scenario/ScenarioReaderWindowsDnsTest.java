package dev.restoreguard.producers.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.dns.DnsRecordChange;
import org.junit.jupiter.api.Test;

class ScenarioReaderWindowsDnsTest {

    @Test
    void shouldRouteWindowsDnsAuditThroughTheCollectorParser() {
        final String line = "{\"kind\":\"windows_dns_audit\",\"event\":{\"@timestamp\":\"2026-11-20T16:10:00Z\","
                + "\"host\":{\"name\":\"dc01.corp.example\"},\"winlog\":{\"event_id\":515,\"user\":{\"domain\":\"CORP\",\"name\":\"jdoe\"},"
                + "\"event_data\":{\"Zone\":\"corp.example\",\"NAME\":\"sql-dev-01\",\"Type\":\"1\",\"RDATA\":\"0x0A14010F\",\"TTL\":\"3600\"}}}}";
        final ScenarioReader.Outcome outcome = new ScenarioReader().read(3, line);
        assertThat(outcome).isInstanceOf(ScenarioReader.Events.class);
        final Routed routed = ((ScenarioReader.Events) outcome).events().get(0);
        assertThat(routed.topic()).isEqualTo("restoreguard.dns.records");
        assertThat(routed.key()).isEqualTo("sql-dev-01.corp.example");
        assertThat(routed.envelope().at()).hasToString("2026-11-20T16:10:00Z");
        assertThat(routed.envelope().source()).isEqualTo("replay");
        final DnsRecordChange change = (DnsRecordChange) routed.envelope().payload();
        assertThat(change.data()).isEqualTo("10.20.1.15");
        assertThat(change.user()).isEqualTo("CORP\\jdoe");
        assertThat(change.action()).isEqualTo("add");
    }

    @Test
    void shouldReportIgnoredAndMalformedWindowsEvents() {
        final ScenarioReader reader = new ScenarioReader();
        final ScenarioReader.Outcome ignored = reader.read(1, "{\"kind\":\"windows_dns_audit\",\"event\":{\"@timestamp\":"
                + "\"2026-11-20T16:10:00Z\",\"winlog\":{\"event_id\":541}}}");
        assertThat(ignored).isInstanceOf(ScenarioReader.Events.class);
        assertThat(((ScenarioReader.Events) ignored).events()).isEmpty();
        assertThat(((ScenarioReader.Events) ignored).note()).contains("541");
        assertThat(reader.read(2, "{\"kind\":\"windows_dns_audit\"}")).isInstanceOf(ScenarioReader.Skipped.class);
    }
}
