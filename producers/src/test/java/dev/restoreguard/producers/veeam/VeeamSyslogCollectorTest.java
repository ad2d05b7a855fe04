package dev.restoreguard.producers.veeam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.Topics;
import dev.restoreguard.events.restore.RestoreEvent;
import dev.restoreguard.producers.config.CollectorConfig;
import dev.restoreguard.producers.runtime.Metrics;
import dev.restoreguard.producers.testing.ListSink;
import dev.restoreguard.producers.testing.TestCertificates;
import dev.restoreguard.producers.tls.TlsContexts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The receiver on loopback: UDP, TCP and TLS clients, bad input, limits. */
class VeeamSyslogCollectorTest {

    @TempDir
    static Path tmp;
    private static TestCertificates certs;

    private final ListSink sink = new ListSink();
    private final Metrics metrics = new Metrics();
    private VeeamSyslogCollector collector;

    static String line(final int id, final String session, final String extra) {
        return "<14>1 2026-11-20T16:0" + (id % 10) + ":00Z VBRSRV01 Veeam_MP - - [origin enterpriseId=\"31023\"] "
                + "[categoryId=0 instanceId=" + id + " JobSessionID=\"" + session + "\" VbrHostName=\"vbr01.corp.example\"" + extra + "]";
    }

    private VeeamSyslogCollector start(final String yaml, final SSLContext tls) throws IOException {
        final CollectorConfig.VeeamSyslog config = CollectorConfig.parse("collectors:\n  veeam_syslog:\n" + yaml.indent(4), Map.of())
                .collectors().veeamSyslog();
        collector = new VeeamSyslogCollector(config, tls, metrics);
        collector.start(sink);
        return collector;
    }

    /** One key pair for the class: keytool is a JVM start. */
    private static synchronized TestCertificates certs() throws Exception {
        if (certs == null) {
            certs = TestCertificates.create(tmp);
        }
        return certs;
    }

    @AfterEach
    void stop() {
        if (collector != null) {
            collector.close();
        }
    }

    private List<ListSink.Published> await(final int count) throws InterruptedException {
        final List<ListSink.Published> got = sink.await(count, p -> true, Duration.ofSeconds(10));
        assertThat(got).hasSizeGreaterThanOrEqualTo(count);
        return got;
    }

    private static void udp(final int port, final String... lines) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            for (String l : lines) {
                final byte[] b = l.getBytes(StandardCharsets.UTF_8);
                s.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
            }
        }
    }

    private static void write(final Socket socket, final String text) throws IOException {
        final OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Test
    void shouldPublishRestoreAndAuditRecordsReceivedOverUdp() throws Exception {
        final int port = start("udp: {bind: 127.0.0.1, port: 0}", null).udpPort();
        udp(port, line(40210, "s-udp", " InitiatorName=\"CORP\\alice\""), line(41500, "s-udp", " Reason=\"test\""));
        final List<ListSink.Published> got = await(2);
        assertThat(got).extracting(ListSink.Published::topic).containsExactlyInAnyOrder(Topics.RESTORES.name(), Topics.AUDIT.name());
        assertThat(got).allMatch(p -> p.key().equals("vbr01.corp.example") && p.envelope().source().equals("veeam-syslog"));
        assertThat(metrics.value(VeeamSyslogCollector.EVENTS)).isEqualTo(2);
    }

    @Test
    void shouldCountJunkAndOversizedDatagramsAndKeepReceiving() throws Exception {
        final int port = start("udp: {bind: 127.0.0.1, port: 0}\nmax_message_bytes: 1024", null).udpPort();
        udp(port, "hello world", "<14>1 2026-11-20T16:00:00Z host sshd - - - not veeam", line(290, "x", " Params=\"" + "y".repeat(2000) + "\""),
                line(40290, "s-after", " Result=\"0\""));
        final List<ListSink.Published> got = await(1);
        assertThat(((RestoreEvent) got.get(0).envelope().payload()).sessionId()).isEqualTo("s-after");
        assertThat(metrics.skippedCount("veeam-syslog-malformed")).isEqualTo(1);
        assertThat(metrics.skippedCount("veeam-syslog-not-veeam")).isEqualTo(1);
        assertThat(metrics.skippedCount("veeam-syslog-oversized")).isEqualTo(1);
    }

    @Test
    void shouldReadOctetCountedAndLfFramedMessagesOverTcp() throws Exception {
        final int port = start("tcp: {bind: 127.0.0.1, port: 0}", null).tcpPort();
        final String a = line(40210, "s-tcp", "");
        final String b = line(250, "s-tcp", " ServerName=\"sql-dev-01\" Status=\"Success\"");
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            write(s, a.getBytes(StandardCharsets.UTF_8).length + " " + a);
            write(s, "garbage line\n");
            write(s, b.substring(0, 30));
            write(s, b.substring(30) + "\n");
        }
        final List<ListSink.Published> got = await(2);
        assertThat(got).extracting(p -> ((RestoreEvent) p.envelope().payload()).state()).containsExactly("started", "running");
        assertThat(((RestoreEvent) got.get(1).envelope().payload()).target()).isEqualTo("sql-dev-01");
        assertThat(metrics.skippedCount("veeam-syslog-malformed")).isEqualTo(1);
    }

    @Test
    void shouldRefuseConnectionsBeyondTheLimitAndCloseIdleOnes() throws Exception {
        final int port = start("tcp: {bind: 127.0.0.1, port: 0}\nmax_connections: 1\nidle_timeout_seconds: 1", null).tcpPort();
        try (Socket first = new Socket(InetAddress.getLoopbackAddress(), port)) {
            write(first, line(40210, "s-one", "") + "\n");
            await(1);
            try (Socket second = new Socket(InetAddress.getLoopbackAddress(), port)) {
                second.setSoTimeout(5000);
                assertThat(second.getInputStream().read()).isEqualTo(-1); // closed by the receiver
            }
            assertThat(metrics.skippedCount("veeam-syslog-connection-refused")).isEqualTo(1);
            first.setSoTimeout(5000);
            assertThat(first.getInputStream().read()).isEqualTo(-1); // idle past 1 s: closed
        }
        try (Socket third = new Socket(InetAddress.getLoopbackAddress(), port)) {
            write(third, line(40290, "s-one", " Result=\"0\"") + "\n"); // the slot is free again
        }
        await(2);
    }

    @Test
    void shouldHoldTheLineWhileTheSpoolRefusesOverTcp() throws Exception {
        final int port = start("tcp: {bind: 127.0.0.1, port: 0}", null).tcpPort();
        sink.refuse(true);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            write(s, line(40210, "s-held", "") + "\n");
            Thread.sleep(300); // the receiver is retrying; nothing may be lost meanwhile
            sink.refuse(false);
            assertThat(await(1)).hasSize(1);
        }
    }

    @Test
    void shouldReceiveOverTlsWithAPkcs12KeyStore() throws Exception {
        final TestCertificates certs = certs();
        final SSLContext server = TlsContexts.server("tls", certs.keyStore(), TestCertificates.PASSWORD, null, null);
        final int port = start("tls: {bind: 127.0.0.1, port: 0, key_store: '" + certs.keyStore() + "', key_store_password: "
                + TestCertificates.PASSWORD + "}", server).tlsPort();
        final SSLContext client = TlsContexts.client("client", certs.certificatePem(), null, null, null);
        try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("localhost", port)) {
            final String a = line(40210, "s-tls", "");
            write(s, a.getBytes(StandardCharsets.UTF_8).length + " " + a); // RFC 5425 octet counting
        }
        assertThat(((RestoreEvent) await(1).get(0).envelope().payload()).sessionId()).isEqualTo("s-tls");
    }

    @Test
    void shouldReceiveOverTlsWithPemFilesAndCountAFailedHandshake() throws Exception {
        final TestCertificates certs = certs();
        final SSLContext server = TlsContexts.server("tls", null, null, certs.certificatePem(), certs.privateKeyPem());
        final int port = start("tls: {bind: 127.0.0.1, port: 0, certificate: a.pem, private_key: b.pem}", server).tlsPort();
        // a client that does not trust the server's certificate gets no further than the handshake
        final SSLContext untrusting = TlsContexts.client("client", null, null, null, "00".repeat(32));
        try (SSLSocket s = (SSLSocket) untrusting.getSocketFactory().createSocket("localhost", port)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(s::startHandshake).isInstanceOf(SSLHandshakeException.class);
        }
        final SSLContext pinned = TlsContexts.client("client", null, null, null, TlsContexts.sha256(certs.certificate()));
        try (SSLSocket s = (SSLSocket) pinned.getSocketFactory().createSocket("localhost", port)) {
            write(s, line(40210, "s-pem", "") + "\n");
        }
        assertThat(((RestoreEvent) await(1).get(0).envelope().payload()).sessionId()).isEqualTo("s-pem");
    }

    @Test
    void shouldStopListeningWhenClosed() throws Exception {
        final int port = start("tcp: {bind: 127.0.0.1, port: 0}", null).tcpPort();
        collector.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port); InputStream in = s.getInputStream()) {
                in.read();
            }
        }).isInstanceOf(IOException.class);
        collector = null;
    }
}
