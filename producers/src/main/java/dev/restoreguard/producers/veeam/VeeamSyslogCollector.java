package dev.restoreguard.producers.veeam;

import dev.restoreguard.producers.config.CollectorConfig;
import dev.restoreguard.producers.runtime.Collector;
import dev.restoreguard.producers.runtime.EventSink;
import dev.restoreguard.producers.runtime.Metrics;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives Veeam Backup &amp; Replication event forwarding (VBR 12.1+, RFC 5424) over UDP
 * (RFC 5426: one message per datagram), TCP (RFC 6587: octet counting and LF framing, detected
 * per frame by {@link SyslogFrameReader}) and TLS (RFC 5425), maps every line through
 * {@link VeeamSyslogParser} and hands the result to the {@link EventSink} (the durable spool).
 *
 * <p>Topics written: {@code restoreguard.restores} (restore records of 40210/210, 250/251,
 * 40290/290) and {@code restoreguard.audit} (41500 mounts and every other Veeam id), both keyed
 * by the observer (VbrHostName or HOSTNAME), source {@code veeam-syslog}. Event ids are
 * deterministic, so a line Veeam sends twice is one event downstream.
 *
 * <p>Bounded: messages over {@code max_message_bytes} are skipped, at most
 * {@code max_connections} TCP/TLS connections are served (more are closed at once), a connection
 * silent for {@code idle_timeout_seconds} is closed. Malformed and non-Veeam lines are skipped and
 * counted on {@code restoreguard_collector_input_skipped_total{reason}}; nothing of this stops the
 * receiver. When the spool refuses an event (full), a TCP/TLS connection stops reading and retries
 * the same line every second, so the sender's buffer fills up instead of losing it; UDP cannot
 * push back and the refusal is counted as dropped.
 */
public final class VeeamSyslogCollector implements Collector {

    private static final Logger LOGGER = LoggerFactory.getLogger(VeeamSyslogCollector.class);
    /** The collector kind and event source. */
    public static final String KIND = "veeam-syslog";
    static final String EVENTS = "restoreguard_veeam_syslog_events_total";
    static final String MESSAGES = "restoreguard_veeam_syslog_messages_total";
    private static final int LOGGED_SKIPS = 100;

    private final CollectorConfig.VeeamSyslog config;
    private final SSLContext tlsContext;
    private final Metrics metrics;
    private final VeeamSyslogParser parser = new VeeamSyslogParser();
    private final Semaphore connectionSlots;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong skipsLogged = new AtomicLong();
    private DatagramSocket udp;
    private ServerSocket tcp;
    private ServerSocket tls;
    private EventSink sink;
    private volatile boolean running;

    /**
     * @param tlsContext the server context for {@code config.tls()}, or null without TLS
     */
    public VeeamSyslogCollector(final CollectorConfig.VeeamSyslog config, final SSLContext tlsContext, final Metrics metrics) {
        this.config = config;
        this.tlsContext = tlsContext;
        this.metrics = metrics;
        this.connectionSlots = new Semaphore(config.maxConnections());
        metrics.counter(MESSAGES, "Syslog messages received (UDP datagrams and TCP/TLS frames)");
        metrics.counter(EVENTS, "Veeam restore and audit events handed to the spool");
        metrics.gauge("restoreguard_veeam_syslog_connections", "Open TCP and TLS syslog connections", connections::size);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void start(final EventSink eventSink) throws IOException {
        this.sink = eventSink;
        running = true;
        if (config.udp() != null) {
            udp = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(config.udp().bind()), config.udp().port()));
            udp.setReceiveBufferSize(4 * 1024 * 1024);
            thread("veeam-syslog-udp", this::receiveUdp);
        }
        if (config.tcp() != null) {
            tcp = new ServerSocket();
            tcp.setReuseAddress(true);
            tcp.bind(new InetSocketAddress(InetAddress.getByName(config.tcp().bind()), config.tcp().port()), 128);
            final ServerSocket server = tcp;
            thread("veeam-syslog-tcp", () -> accept(server));
        }
        if (config.tls() != null) {
            final SSLServerSocket server = (SSLServerSocket) tlsContext.getServerSocketFactory().createServerSocket();
            server.setReuseAddress(true);
            server.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            server.bind(new InetSocketAddress(InetAddress.getByName(config.tls().bind()), config.tls().port()), 128);
            tls = server;
            thread("veeam-syslog-tls", () -> accept(server));
        }
        LOGGER.atInfo().addKeyValue("udp", udpPort()).addKeyValue("tcp", tcpPort()).addKeyValue("tls", tlsPort())
                .log("Veeam syslog receiver listening");
    }

    /** The bound UDP port, or -1. */
    public int udpPort() {
        return udp == null ? -1 : udp.getLocalPort();
    }

    /** The bound TCP port, or -1. */
    public int tcpPort() {
        return tcp == null ? -1 : tcp.getLocalPort();
    }

    /** The bound TLS port, or -1. */
    public int tlsPort() {
        return tls == null ? -1 : tls.getLocalPort();
    }

    private void thread(final String name, final Runnable body) {
        final Thread t = Thread.ofPlatform().name(name).daemon().start(body);
        threads.add(t);
    }

    private void receiveUdp() {
        // one byte more than allowed tells an oversized datagram from one that fits exactly
        final byte[] buffer = new byte[config.maxMessageBytes() + 1];
        final DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        while (running) {
            try {
                packet.setLength(buffer.length);
                udp.receive(packet);
                metrics.increment(MESSAGES);
                if (packet.getLength() > config.maxMessageBytes()) {
                    skipped("veeam-syslog-oversized", "datagram over max_message_bytes from " + packet.getAddress());
                    continue;
                }
                handle(new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8), false);
            } catch (IOException e) {
                if (running) {
                    metrics.increment(Metrics.ERRORS);
                    LOGGER.atWarn().addKeyValue("error", e.toString()).log("UDP receive failed");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                metrics.increment(Metrics.ERRORS);
                LOGGER.atError().setCause(e).log("Syslog datagram could not be handled");
            }
        }
    }

    private void accept(final ServerSocket server) {
        while (running) {
            final Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (running) {
                    metrics.increment(Metrics.ERRORS);
                    LOGGER.atWarn().addKeyValue("error", e.toString()).log("Syslog accept failed");
                }
                continue;
            }
            if (!connectionSlots.tryAcquire()) {
                skipped("veeam-syslog-connection-refused", "max_connections (" + config.maxConnections()
                        + ") reached; closing the connection from " + socket.getRemoteSocketAddress());
                closeQuietly(socket);
                continue;
            }
            connections.add(socket);
            Thread.ofVirtual().name("veeam-syslog-conn-" + socket.getPort()).start(() -> serve(socket));
        }
    }

    private void serve(final Socket socket) {
        try {
            socket.setSoTimeout((int) Duration.ofSeconds(config.idleTimeoutSeconds()).toMillis());
            if (socket instanceof SSLSocket ssl) {
                ssl.startHandshake();
            }
            final SyslogFrameReader reader = new SyslogFrameReader(socket.getInputStream(), config.maxMessageBytes());
            SyslogFrameReader.Frame frame;
            while (running && (frame = reader.next()) != null) {
                metrics.increment(MESSAGES);
                if (frame.oversized()) {
                    skipped("veeam-syslog-oversized", "frame over max_message_bytes from " + socket.getRemoteSocketAddress());
                    continue;
                }
                handle(frame.text(), true);
            }
        } catch (SocketTimeoutException e) {
            LOGGER.atInfo().addKeyValue("peer", socket.getRemoteSocketAddress())
                    .log("Syslog connection idle past idle_timeout_seconds; closed");
        } catch (SocketException e) {
            if (running) {
                LOGGER.atDebug().addKeyValue("peer", socket.getRemoteSocketAddress()).addKeyValue("error", e.toString())
                        .log("Syslog connection ended");
            }
        } catch (IOException e) {
            metrics.increment(Metrics.ERRORS);
            LOGGER.atWarn().addKeyValue("peer", socket.getRemoteSocketAddress()).addKeyValue("error", e.toString())
                    .log("Syslog connection failed (TLS handshake or read)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            metrics.increment(Metrics.ERRORS);
            LOGGER.atError().setCause(e).log("Syslog connection could not be handled");
        } finally {
            // the slot is free before the peer can see the close: a sender that reconnects at once is served
            connections.remove(socket);
            connectionSlots.release();
            closeQuietly(socket);
        }
    }

    /**
     * Maps one message and spools its event. With {@code pushBack} (a stream) a refusal is retried
     * until the spool takes the event or the receiver stops.
     */
    private void handle(final String line, final boolean pushBack) throws InterruptedException {
        switch (parser.parse(line)) {
            case VeeamSyslogParser.Mapped m -> {
                while (!sink.publish(m.topic(), m.key(), m.envelope(KIND))) {
                    if (!pushBack || !running) {
                        return; // UDP: counted as dropped by the spool
                    }
                    Thread.sleep(1000);
                }
                metrics.increment(EVENTS);
            }
            case VeeamSyslogParser.Skipped s -> skipped(s.reason().startsWith("not Veeam") ? "veeam-syslog-not-veeam"
                    : "veeam-syslog-malformed", s.reason());
        }
    }

    private void skipped(final String reason, final String detail) {
        metrics.skipped(reason);
        // a flood of junk must not flood the log: the counter has every one, the log the first ones
        if (skipsLogged.incrementAndGet() <= LOGGED_SKIPS) {
            LOGGER.atWarn().addKeyValue("reason", reason).addKeyValue("detail", detail).log("Syslog message skipped");
        }
    }

    @Override
    public boolean ready() {
        return running;
    }

    @Override
    public void close() {
        running = false;
        closeQuietly(udp);
        closeQuietly(tcp);
        closeQuietly(tls);
        connections.forEach(VeeamSyslogCollector::closeQuietly);
        for (Thread t : threads) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void closeQuietly(final AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            // closing on the way out: nothing left to do with the error
        }
    }
}
