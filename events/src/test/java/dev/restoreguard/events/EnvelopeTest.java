package dev.restoreguard.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.restoreguard.events.audit.AuditRecord;
import dev.restoreguard.events.dns.DnsRecordChange;
import dev.restoreguard.events.restore.RestoreEvent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvelopeTest {

    private static final Instant AT = Instant.parse("2026-11-20T16:02:00Z");
    private static final String OBSERVER = "vbr01.corp.example";

    private static RestoreEvent restore(final String sessionId, final String target) {
        return new RestoreEvent("veeam", sessionId, "started", target, null, null, "CORP\\jdoe", null, null, null);
    }

    @Test
    void shouldGiveTheSameEventTheSameIdTwice() {
        // built twice from scratch, as a restarted collector would
        final Envelope first = Envelope.of("veeam-syslog", AT, OBSERVER, restore("s-1", "sql-dev-01"));
        final Envelope second = Envelope.of("veeam-syslog", Instant.parse("2026-11-20T16:02:00Z"), OBSERVER,
                restore("s-1", "sql-dev-01"));

        assertThat(second.eventId()).isEqualTo(first.eventId());
        assertThat(second).isEqualTo(first);
    }

    @Test
    void shouldGiveDifferentEventsDifferentIds() {
        final String id = Envelope.of("veeam-syslog", AT, OBSERVER, restore("s-1", "sql-dev-01")).eventId();

        assertThat(Envelope.of("veeam-syslog", AT, OBSERVER, restore("s-2", "sql-dev-01")).eventId()).isNotEqualTo(id);
        assertThat(Envelope.of("veeam-syslog", AT, OBSERVER, restore("s-1", "sql-prod-01")).eventId()).isNotEqualTo(id);
        assertThat(Envelope.of("veeam-syslog", AT.plusMillis(1), OBSERVER, restore("s-1", "sql-dev-01")).eventId()).isNotEqualTo(id);
        assertThat(Envelope.of("veeam-syslog", AT, "vbr02.corp.example", restore("s-1", "sql-dev-01")).eventId()).isNotEqualTo(id);
        assertThat(Envelope.of("replay", AT, OBSERVER, restore("s-1", "sql-dev-01")).eventId()).isNotEqualTo(id);
        assertThat(Envelope.of("veeam-syslog", AT, null, restore("s-1", "sql-dev-01")).eventId()).isNotEqualTo(id);
    }

    @Test
    void shouldGiveTheSameIdWhateverTheOrderOfAMapInThePayload() {
        final Map<String, String> forward = new LinkedHashMap<>();
        final Map<String, String> backward = new LinkedHashMap<>();
        for (char c = 'a'; c <= 'j'; c++) {
            forward.put(String.valueOf(c), "v" + c);
        }
        for (char c = 'j'; c >= 'a'; c--) {
            backward.put(String.valueOf(c), "v" + c);
        }
        final Envelope one = Envelope.of("veeam-syslog", AT, OBSERVER, new AuditRecord("veeam_syslog", "unmapped", null, forward, null));
        final Envelope other = Envelope.of("veeam-syslog", AT, OBSERVER, new AuditRecord("veeam_syslog", "unmapped", null, backward, null));

        assertThat(other.eventId()).isEqualTo(one.eventId());
    }

    @Test
    void shouldHashMapsInKeyOrderSoIdsSurviveARestart() throws Exception {
        // Map.copyOf iterates in an order salted per JVM start; the id must not depend on it
        final AuditRecord audit = new AuditRecord("veeam_syslog", "unmapped", null,
                Map.of("c", "3", "a", "1", "e", "5", "b", "2", "d", "4"), null);

        assertThat(Json.MAPPER.writeValueAsString(audit)).contains("\"fields\":{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\",\"d\":\"4\",\"e\":\"5\"}");
    }

    @Test
    void shouldReportKindAndTimestampOfThePayload() {
        final Envelope dns = Envelope.of("windows-dns-audit", AT, null,
                new DnsRecordChange("corp.example", "sql-dev-01", "A", "add", "10.20.1.15", null, null, null));

        assertThat(dns.kind()).isEqualTo("dns_record");
        assertThat(dns.timestamp()).isEqualTo(AT.toEpochMilli());
        assertThat(dns.schemaVersion()).isEqualTo(Envelope.SCHEMA_VERSION);
    }

    @Test
    void shouldRefuseAnEnvelopeWithoutSourceOrTime() {
        assertThatThrownBy(() -> Envelope.of(" ", AT, OBSERVER, restore("s-1", null)))
                .isInstanceOf(EventValidationException.class).hasMessage("source: required");
        assertThatThrownBy(() -> new Envelope("id", 1, null, OBSERVER, "replay", restore("s-1", null)))
                .isInstanceOf(EventValidationException.class).hasMessage("at: required");
    }
}
