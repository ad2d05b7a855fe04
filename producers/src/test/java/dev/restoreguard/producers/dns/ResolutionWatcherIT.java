package dev.restoreguard.producers.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.audit.AuditRecord;
import dev.restoreguard.producers.config.CollectorConfig;
import dev.restoreguard.producers.runtime.Metrics;
import dev.restoreguard.producers.testing.BindServer;
import dev.restoreguard.producers.testing.ListSink;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * The resolution watcher with a real BIND 9 as the authoritative server; the OS resolver is a
 * stand-in whose answer the test sets (a test must not edit this machine's /etc/hosts).
 */
class ResolutionWatcherIT {

    private static BindServer bind;

    @TempDir
    Path state;

    @BeforeAll
    static void startBind() throws Exception {
        bind = BindServer.start(List.of("corp.example"),
                "sql-prod-01 IN A 10.10.1.15\napp IN CNAME web\nweb IN CNAME web-01\nweb-01 IN A 10.30.0.1\n");
    }

    @AfterAll
    static void stopBind() throws Exception {
        if (bind != null) {
            bind.close();
        }
    }

    private static AuditRecord record(final ListSink.Published p) {
        return (AuditRecord) p.envelope().payload();
    }

    @Test
    void shouldObserveThenReportDivergenceAndConvergence() throws Exception {
        final AtomicReference<List<String>> osAnswer = new AtomicReference<>(List.of("10.10.1.15"));
        final CollectorConfig.DnsServer server = new CollectorConfig.DnsServer("ns1.corp.example", "127.0.0.1", bind.port(), null);
        final ListSink sink = new ListSink();
        final Metrics metrics = new Metrics();
        try (ResolutionWatcher w = new ResolutionWatcher("vbr01.corp.example", List.of("sql-prod-01.corp.example"),
                List.of(server), Duration.ofHours(1), Duration.ofSeconds(5), name -> osAnswer.get(), state, metrics,
                Clock.systemUTC())) {
            w.start(sink);
            assertThat(sink.events()).extracting(p -> record(p).action()).containsExactly("observation");
            assertThat(record(sink.events().get(0)).fields()).containsEntry("os_answer", "10.10.1.15")
                    .containsEntry("authoritative_answer", "10.10.1.15")
                    .containsEntry("authoritative_server", "ns1.corp.example (127.0.0.1:" + bind.port() + ")");

            w.checkNow();
            assertThat(sink.events()).as("unchanged answers publish nothing").hasSize(1);

            osAnswer.set(List.of("10.20.1.15")); // a hosts-file override on the observer
            w.checkNow();
            assertThat(sink.events()).extracting(p -> record(p).action())
                    .containsExactly("observation", "observation", "divergence");
            assertThat(record(sink.events().get(2)).fields()).containsEntry("os_answer", "10.20.1.15")
                    .containsEntry("authoritative_answer", "10.10.1.15")
                    .containsEntry("previous_os_answer", "10.10.1.15");

            final Update repoint = BindServer.updateOf("corp.example");
            repoint.delete(Name.fromString("sql-prod-01.corp.example."), Type.A);
            repoint.add(Name.fromString("sql-prod-01.corp.example."), Type.A, 300, "10.20.1.15");
            bind.update(repoint);
            w.checkNow();
            assertThat(sink.events()).extracting(p -> record(p).action())
                    .containsExactly("observation", "observation", "divergence", "observation", "convergence");
        }
        assertThat(sink.events()).allSatisfy(p -> {
            assertThat(p.topic()).isEqualTo("restoreguard.audit");
            assertThat(p.key()).isEqualTo("vbr01.corp.example");
            assertThat(record(p).format()).isEqualTo("resolution");
        });
        assertThat(metrics.value("restoreguard_resolution_divergences_total")).isEqualTo(1);
    }

    @Test
    void shouldFollowCnamesAndRememberAnswersAcrossRestarts() throws Exception {
        final CollectorConfig.DnsServer server = new CollectorConfig.DnsServer("ns1", "127.0.0.1", bind.port(), null);
        final ResolutionWatcher.NameResolver os = name -> List.of("10.30.0.1");
        final ListSink first = new ListSink();
        try (ResolutionWatcher w = new ResolutionWatcher("vbr01.corp.example", List.of("app.corp.example"),
                List.of(server), Duration.ofHours(1), Duration.ofSeconds(5), os, state, new Metrics(), Clock.systemUTC())) {
            w.start(first);
        }
        assertThat(first.events()).extracting(p -> record(p).action()).containsExactly("observation");
        assertThat(record(first.events().get(0)).fields()).containsEntry("authoritative_answer", "10.30.0.1");
        final ListSink second = new ListSink();
        try (ResolutionWatcher w = new ResolutionWatcher("vbr01.corp.example", List.of("app.corp.example"),
                List.of(server), Duration.ofHours(1), Duration.ofSeconds(5), os, state, new Metrics(), Clock.systemUTC())) {
            w.start(second);
        }
        assertThat(second.events()).as("same answers after a restart publish nothing").isEmpty();
    }
}
