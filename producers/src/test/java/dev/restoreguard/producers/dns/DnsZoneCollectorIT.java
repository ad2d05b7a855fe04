package dev.restoreguard.producers.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.restoreguard.events.dns.DnsRecordChange;
import dev.restoreguard.producers.config.CollectorConfig;
import dev.restoreguard.producers.runtime.Metrics;
import dev.restoreguard.producers.testing.BindServer;
import dev.restoreguard.producers.testing.ListSink;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/** The zone watcher against a real BIND 9, changed with RFC 2136 dynamic updates. */
class DnsZoneCollectorIT {

    private static BindServer bind;

    @TempDir
    Path state;

    @BeforeAll
    static void startBind() throws Exception {
        bind = BindServer.start(List.of("corp.example", "restart.example", "v6.example"), "sql-prod-01 IN A 10.10.1.15\n");
    }

    @AfterAll
    static void stopBind() throws Exception {
        if (bind != null) {
            bind.close();
        }
    }

    private DnsZoneCollector collector(final String zone, final Metrics metrics) {
        final CollectorConfig.DnsServer server = new CollectorConfig.DnsServer("ns1.corp.example", "127.0.0.1", bind.port(),
                List.of(zone));
        return new DnsZoneCollector(List.of(server), Duration.ofHours(1), Duration.ofSeconds(5), true, state, metrics,
                Clock.systemUTC());
    }

    private static List<DnsRecordChange> changes(final ListSink sink) {
        return sink.events().stream().map(p -> (DnsRecordChange) p.envelope().payload()).toList();
    }

    private static Name name(final String fqdn) throws Exception {
        return Name.fromString(fqdn + ".");
    }

    @Test
    void shouldPublishTheBaselineThenEachDynamicUpdateWithServerAndSerial() throws Exception {
        final ListSink sink = new ListSink();
        try (DnsZoneCollector c = collector("corp.example", new Metrics())) {
            c.start(sink);
            assertThat(changes(sink)).extracting(DnsRecordChange::name, DnsRecordChange::type, DnsRecordChange::action,
                    DnsRecordChange::data, DnsRecordChange::serial).containsExactlyInAnyOrder(
                    tuple("ns1", "A", "add", "127.0.0.1", 1L), tuple("sql-prod-01", "A", "add", "10.10.1.15", 1L));

            final Update add = BindServer.updateOf("corp.example");
            add.add(name("sql-dev-01.corp.example"), Type.A, 300, "10.20.1.15");
            bind.update(add);
            c.pollNow();
            final Update repoint = BindServer.updateOf("corp.example");
            repoint.delete(name("sql-prod-01.corp.example"), Type.A);
            repoint.add(name("sql-prod-01.corp.example"), Type.A, 300, "10.20.1.99");
            repoint.add(name("reports.corp.example"), Type.CNAME, 300, "sql-prod-01.corp.example.");
            bind.update(repoint);
            c.pollNow();
            c.pollNow(); // unchanged serial: nothing more
        }
        final List<DnsRecordChange> after = changes(sink).subList(2, changes(sink).size());
        assertThat(after).extracting(DnsRecordChange::name, DnsRecordChange::type, DnsRecordChange::action,
                DnsRecordChange::data, DnsRecordChange::serial).containsExactlyInAnyOrder(
                tuple("sql-dev-01", "A", "add", "10.20.1.15", 2L),
                tuple("sql-prod-01", "A", "delete", "10.10.1.15", 3L),
                tuple("sql-prod-01", "A", "add", "10.20.1.99", 3L),
                tuple("reports", "CNAME", "add", "sql-prod-01.corp.example", 3L));
        // Per step, deletes come before adds (an update is a delete plus an add, in that order).
        assertThat(after.get(0).serial()).isEqualTo(2L);
        assertThat(after.get(1).action()).isEqualTo("delete");
        assertThat(after).allSatisfy(ch -> {
            assertThat(ch.server()).isEqualTo("ns1.corp.example");
            assertThat(ch.zone()).isEqualTo("corp.example");
        });
        assertThat(sink.events().get(2).key()).isEqualTo("sql-dev-01.corp.example");
        assertThat(sink.events().get(2).topic()).isEqualTo("restoreguard.dns.records");
        assertThat(sink.events().get(2).envelope().source()).isEqualTo("dns-zone");
    }

    @Test
    void shouldPublishOnlyWhatChangedWhileItWasDownAfterARestart() throws Exception {
        try (DnsZoneCollector c = collector("restart.example", new Metrics())) {
            c.start(new ListSink());
        }
        final ListSink idle = new ListSink();
        try (DnsZoneCollector c = collector("restart.example", new Metrics())) {
            c.start(idle);
        }
        assertThat(idle.events()).as("no baseline again after a restart").isEmpty();

        final Update update = BindServer.updateOf("restart.example");
        update.add(name("new-host.restart.example"), Type.AAAA, 300, "2001:DB8::15");
        update.delete(name("sql-prod-01.restart.example"), Type.A);
        bind.update(update);
        final ListSink caught = new ListSink();
        try (DnsZoneCollector c = collector("restart.example", new Metrics())) {
            c.start(caught);
        }
        assertThat(changes(caught)).extracting(DnsRecordChange::name, DnsRecordChange::type, DnsRecordChange::action,
                DnsRecordChange::data).containsExactly(
                tuple("sql-prod-01", "A", "delete", "10.10.1.15"),
                tuple("new-host", "AAAA", "add", "2001:db8::15"));
    }

    @Test
    void shouldKeepRunningAndCountErrorsWhenAServerIsUnreachable() throws Exception {
        final Metrics metrics = new Metrics();
        final CollectorConfig.DnsServer down = new CollectorConfig.DnsServer("down", "127.0.0.1", 9, List.of("corp.example"));
        try (DnsZoneCollector c = new DnsZoneCollector(List.of(down), Duration.ofHours(1), Duration.ofMillis(300), true,
                state, metrics, Clock.systemUTC())) {
            c.start(new ListSink());
            assertThat(c.ready()).isTrue();
            c.pollNow();
        }
        assertThat(metrics.value(Metrics.ERRORS)).isGreaterThanOrEqualTo(2);
    }
}
