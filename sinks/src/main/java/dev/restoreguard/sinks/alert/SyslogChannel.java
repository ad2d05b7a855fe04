package dev.restoreguard.sinks.alert;

import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.sinks.alert.config.SyslogConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * RFC 5424 syslog to a SIEM, over TCP (octet counting, RFC 6587; one connection kept and re-opened
 * after a failure) or UDP (one datagram, at most 2048 bytes, RFC 5426). The alert's fields travel as
 * structured data {@code [restoreguard@32473 alert_id=... rule_id=... severity=... status=...
 * subject=... host=... event_time=...]} so the SIEM can parse them without reading the text.
 * Syslog severity: critical → 2 (crit), high → 3 (err), medium → 4 (warning), low → 5 (notice);
 * a retraction → 6 (info).
 */
public final class SyslogChannel implements AlertChannel {

    /** The SD-ID: 32473 is the example enterprise number of RFC 5612, as RFC 5424's own examples use. */
    static final String SD_ID = "restoreguard@32473";
    private static final int MAX_UDP = 2048;

    private final SyslogConfig config;
    private final Clock clock;
    private final String hostname;
    private Socket socket;

    public SyslogChannel(final SyslogConfig config, final Clock clock) {
        this.config = config;
        this.clock = clock;
        this.hostname = localHostname();
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public String type() {
        return config.type();
    }

    @Override
    public void validateConnection() throws IOException {
        if ("tcp".equals(config.protocol())) {
            synchronized (this) {
                connection();
            }
        } else {
            InetAddress.getByName(config.host());
        }
    }

    @Override
    public synchronized String send(final Alert alert, final AlertMessage message, final String messageId) throws IOException {
        final byte[] line = format(alert, message, messageId).getBytes(StandardCharsets.UTF_8);
        if ("udp".equals(config.protocol())) {
            try (DatagramSocket udp = new DatagramSocket()) {
                final int length = Math.min(line.length, MAX_UDP);
                udp.send(new DatagramPacket(line, length, new InetSocketAddress(config.host(), config.port())));
            }
            return "UDP datagram sent";
        }
        try {
            final OutputStream out = connection().getOutputStream();
            out.write((line.length + " ").getBytes(StandardCharsets.US_ASCII));
            out.write(line);
            out.flush();
            return "TCP frame written";
        } catch (IOException e) {
            closeSocket();
            throw e;
        }
    }

    /** The RFC 5424 line (without framing). */
    String format(final Alert alert, final AlertMessage message, final String messageId) {
        final int severity = message.retraction() ? 6 : switch (alert.alert().severity()) {
            case CRITICAL -> 2;
            case HIGH -> 3;
            case MEDIUM -> 4;
            case LOW -> 5;
        };
        final int pri = SyslogConfig.FACILITIES.indexOf(config.facility()) * 8 + severity;
        final String timestamp = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.MILLIS));
        final StringBuilder sd = new StringBuilder("[").append(SD_ID);
        param(sd, "alert_id", alert.alert().id());
        param(sd, "message_id", messageId);
        param(sd, "rule_id", alert.rule().id());
        param(sd, "rule_name", alert.rule().name());
        param(sd, "severity", alert.alert().severity().label());
        param(sd, "status", alert.alert().status());
        param(sd, "subject", alert.alert().subject());
        if (alert.host() != null) {
            param(sd, "host", alert.host().name());
        }
        param(sd, "event_time", alert.timestamp().toString());
        sd.append(']');
        final String text = message.title() + ". Why: " + message.why() + " Check first: " + message.checkFirst()
                + (message.link() == null ? "" : " Timeline: " + message.link());
        // MSGID is the rule id; PROCID is not meaningful for us ("-")
        return "<" + pri + ">1 " + timestamp + " " + hostname + " " + config.appName() + " - "
                + alert.rule().id() + " " + sd + " \uFEFF" + text.replace('\n', ' ');
    }

    private static void param(final StringBuilder sd, final String name, final String value) {
        // RFC 5424 6.3.3: '"', '\' and ']' are escaped with a backslash inside PARAM-VALUE
        sd.append(' ').append(name).append("=\"")
                .append(value.replace("\\", "\\\\").replace("\"", "\\\"").replace("]", "\\]")).append('"');
    }

    private Socket connection() throws IOException {
        if (socket == null || socket.isClosed()) {
            final Socket s = new Socket();
            s.connect(new InetSocketAddress(config.host(), config.port()), (int) (long) config.timeoutMs());
            s.setSoTimeout((int) (long) config.timeoutMs());
            s.setKeepAlive(true);
            socket = s;
        }
        return socket;
    }

    private void closeSocket() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // already broken: nothing to release
            }
            socket = null;
        }
    }

    @Override
    public synchronized void close() {
        closeSocket();
    }

    private static String localHostname() {
        try {
            final String name = InetAddress.getLocalHost().getCanonicalHostName();
            return name.isBlank() ? "-" : name.replace(' ', '-');
        } catch (IOException e) {
            return "-";
        }
    }
}
