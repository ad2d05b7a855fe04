package dev.restoreguard.producers.veeam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.audit.AuditRecord;
import dev.restoreguard.events.restore.RestoreEvent;
import dev.restoreguard.producers.config.CollectorConfig;
import dev.restoreguard.producers.runtime.CollectorKinds;
import dev.restoreguard.producers.runtime.CollectorService;
import dev.restoreguard.producers.runtime.Metrics;
import dev.restoreguard.producers.testing.TestCertificates;
import dev.restoreguard.producers.testing.TopicReader;
import dev.restoreguard.producers.testing.VeeamRestDouble;
import dev.restoreguard.producers.tls.TlsContexts;
import dev.restoreguard.testkit.TestStack;
import dev.restoreguard.testkit.WithLocalStack;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code collect veeam-syslog} and {@code collect veeam-rest} as the service runs them (spool,
 * publisher, real broker): real syslog lines from clients on loopback over UDP, TCP and TLS end up
 * on {@code restoreguard.restores} and {@code restoreguard.audit}; the REST poller's sessions (from
 * {@link VeeamRestDouble}) end up on {@code restoreguard.restores}. One stack for the class.
 */
@WithLocalStack
class VeeamCollectorsIT {

    @TempDir
    Path tmp;

    private CollectorConfig config(final TestStack stack, final String observer, final String collectors) throws Exception {
        final Path file = Files.writeString(tmp.resolve("restoreguard.yaml"), """
                kafka:
                  bootstrap_servers: ${BOOTSTRAP}
                collector:
                  observer: %s
                  state_dir: %s
                  health: {port: 0}
                collectors:
                %s""".formatted(observer, tmp.resolve("state"), collectors.indent(2)));
        return CollectorConfig.read(file, Map.of("BOOTSTRAP", stack.bootstrapServers()));
    }

    private static String line(final String vbr, final int id, final String session, final String extra) {
        return "<14>1 2026-11-20T16:02:0" + (id % 10) + "Z VBRSRV01 Veeam_MP - - [origin enterpriseId=\"31023\"] "
                + "[categoryId=0 instanceId=" + id + " JobSessionID=\"" + session + "\" VbrHostName=\"" + vbr + "\"" + extra + "]";
    }

    @Test
    void shouldPublishSyslogLinesReceivedOverUdpTcpAndTls(final TestStack stack) throws Exception {
        final String vbr = "vbr-" + UUID.randomUUID().toString().substring(0, 8) + ".corp.example";
        final TestCertificates certs = TestCertificates.create(tmp);
        final CollectorConfig config = config(stack, vbr, """
                veeam_syslog:
                  udp: {bind: 127.0.0.1, port: 0}
                  tcp: {bind: 127.0.0.1, port: 0}
                  tls: {bind: 127.0.0.1, port: 0, certificate: '%s', private_key: '%s'}
                """.formatted(certs.certificatePem(), certs.privateKeyPem()));
        final Metrics metrics = new Metrics();
        final VeeamSyslogCollector collector = (VeeamSyslogCollector) CollectorKinds.create("veeam-syslog", config, metrics);
        try (CollectorService service = new CollectorService(config, collector, metrics)) {
            service.start();
            try (DatagramSocket udp = new DatagramSocket()) {
                final byte[] b = line(vbr, 40210, "s-1", " InitiatorName=\"CORP\\alice\"").getBytes(StandardCharsets.UTF_8);
                udp.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), collector.udpPort()));
            }
            try (Socket tcp = new Socket(InetAddress.getLoopbackAddress(), collector.tcpPort())) {
                tcp.getOutputStream().write(("not syslog at all\n" + line(vbr, 250, "s-1", " ServerName=\"sql-dev-01\" Status=\"Success\"")
                        + "\n").getBytes(StandardCharsets.UTF_8));
            }
            try (SSLSocket tls = (SSLSocket) TlsContexts.client("it", certs.certificatePem(), null, null, null)
                    .getSocketFactory().createSocket("localhost", collector.tlsPort())) {
                final String a = line(vbr, 41500, "s-1", " Reason=\"check\" MountServer=\"mnt01\"");
                final String b = line(vbr, 40290, "s-1", " Result=\"0\"");
                tls.getOutputStream().write((a.getBytes(StandardCharsets.UTF_8).length + " " + a
                        + b.getBytes(StandardCharsets.UTF_8).length + " " + b).getBytes(StandardCharsets.UTF_8));
            }
            final List<Envelope> restores = TopicReader.read(stack, Topics.RESTORES.name(), vbr, l -> l.size() >= 3);
            assertThat(restores).extracting(e -> ((RestoreEvent) e.payload()).state())
                    .containsExactlyInAnyOrder("started", "running", "finished");
            assertThat(restores).allMatch(e -> e.source().equals("veeam-syslog") && ((RestoreEvent) e.payload()).sessionId().equals("s-1"));
            final List<Envelope> audit = TopicReader.read(stack, Topics.AUDIT.name(), vbr,
                    l -> l.stream().anyMatch(e -> e.payload() instanceof AuditRecord));
            assertThat(audit).filteredOn(e -> e.payload() instanceof AuditRecord)
                    .extracting(e -> ((AuditRecord) e.payload()).action()).containsExactly("restore-point-mounted");
            assertThat(metrics.skippedCount("veeam-syslog-malformed")).isEqualTo(1);
        }
    }

    @Test
    void shouldPublishRestSessionsOnTheRestoresTopic(final TestStack stack) throws Exception {
        final String vbr = "vbr-" + UUID.randomUUID().toString().substring(0, 8) + ".corp.example";
        try (VeeamRestDouble veeam = new VeeamRestDouble()) {
            final Instant now = Instant.now();
            veeam.session(UUID.randomUUID().toString(), "RestoreVm", now.minusSeconds(600), "Stopped", now.minusSeconds(300),
                    "Success", false);
            final String running = UUID.randomUUID().toString();
            veeam.session(running, "InstantRecovery", now.minusSeconds(60), "Working", null, "None", false);
            final CollectorConfig config = config(stack, "collector-host.corp.example", """
                    veeam_rest:
                      url: %s
                      username: '%s'
                      password: ${VEEAM_PASSWORD:-%s}
                      observer: %s
                      poll_seconds: 1
                    """.formatted(veeam.url(), VeeamRestDouble.USER, VeeamRestDouble.PASSWORD, vbr));
            final Metrics metrics = new Metrics();
            try (CollectorService service = new CollectorService(config, CollectorKinds.create("veeam-rest", config, metrics), metrics)) {
                service.start();
                veeam.finish(running, now, "Failed");
                final List<Envelope> restores = TopicReader.read(stack, Topics.RESTORES.name(), vbr, l -> l.size() >= 4);
                assertThat(restores).extracting(e -> ((RestoreEvent) e.payload()).state())
                        .containsExactlyInAnyOrder("started", "finished", "started", "failed");
                assertThat(restores).allMatch(e -> e.source().equals("veeam-rest"));
            }
        }
    }
}
