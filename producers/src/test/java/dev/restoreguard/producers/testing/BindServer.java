package dev.restoreguard.producers.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * A real BIND 9 ({@code named}) for tests: primary zones on 127.0.0.1 and a free high port,
 * transfers (AXFR/IXFR) and RFC 2136 dynamic updates allowed from localhost. Tests are skipped,
 * with a message saying so, only when {@code named} is not installed; {@code .ci/run} installs it.
 */
public final class BindServer implements AutoCloseable {

    private static final Path[] NAMED = {Path.of("/usr/sbin/named"), Path.of("/usr/bin/named")};

    private final Path dir;
    private final int port;
    private final Process process;

    private BindServer(final Path dir, final int port, final Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Starts named with one primary zone per name (each with an NS, ns1 and {@code records} lines). */
    public static BindServer start(final List<String> zones, final String records) throws Exception {
        final Path named = Stream.of(NAMED).filter(Files::isExecutable).findFirst().orElse(null);
        Assumptions.assumeTrue(named != null,
                "named (BIND 9) is not installed: 'apt-get install bind9 bind9-dnsutils' (.ci/run does); DNS zone tests skipped");
        final boolean root = "root".equals(System.getProperty("user.name"));
        final Path dir = Files.createTempDirectory("restoreguard-bind-");
        // named drops to user 'bind', which must reach and write the folder (journals).
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        final int port = freePort();
        final StringBuilder conf = new StringBuilder();
        conf.append("options {\n  directory \"").append(dir).append("\";\n")
                .append("  listen-on port ").append(port).append(" { 127.0.0.1; };\n  listen-on-v6 { none; };\n")
                .append("  allow-transfer { 127.0.0.1; };\n  recursion no;\n  notify no;\n  dnssec-validation no;\n")
                .append("  pid-file \"").append(dir.resolve("named.pid")).append("\";\n")
                .append("  session-keyfile \"").append(dir.resolve("session.key")).append("\";\n};\ncontrols { };\n");
        for (String zone : zones) {
            conf.append("zone \"").append(zone).append("\" { type primary; file \"").append(dir.resolve(zone + ".zone"))
                    .append("\"; allow-update { 127.0.0.1; }; };\n");
            Files.writeString(dir.resolve(zone + ".zone"), "$TTL 300\n@ IN SOA ns1." + zone + ". hostmaster." + zone
                    + ". ( 1 60 60 3600 60 )\n@ IN NS ns1." + zone + ".\nns1 IN A 127.0.0.1\n" + records,
                    StandardCharsets.UTF_8);
        }
        Files.writeString(dir.resolve("named.conf"), conf, StandardCharsets.UTF_8);
        final List<String> command = new ArrayList<>(List.of(named.toString(), "-g", "-c", dir.resolve("named.conf").toString(),
                "-p", Integer.toString(port)));
        if (root) {
            command.addAll(List.of("-u", "bind"));
            new ProcessBuilder("chown", "-R", "bind:bind", dir.toString()).inheritIO().start().waitFor();
        }
        final Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("named.log").toFile()).start();
        final BindServer server = new BindServer(dir, port, process);
        server.awaitReady(zones.get(0), Duration.ofSeconds(30));
        return server;
    }

    private void awaitReady(final String zone, final Duration timeout) throws Exception {
        final long deadline = System.nanoTime() + timeout.toNanos();
        final SimpleResolver resolver = resolver();
        resolver.setTimeout(Duration.ofMillis(300));
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("named exited " + process.exitValue() + ": " + log());
            }
            try {
                final Message m = resolver.send(Message.newQuery(Record.newRecord(Name.fromString(zone + "."), Type.SOA, DClass.IN)));
                if (m.getRcode() == Rcode.NOERROR && m.getSection(1).size() > 0) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("named not ready after " + timeout + ": " + log());
    }

    /** Sends an RFC 2136 update; fails unless the server says NOERROR. */
    public void update(final Update update) throws IOException {
        final Message response = resolver().send(update);
        if (response.getRcode() != Rcode.NOERROR) {
            throw new IOException("update refused: " + Rcode.string(response.getRcode()));
        }
    }

    /** A new update message for {@code zone}. */
    public static Update updateOf(final String zone) throws IOException {
        return new Update(Name.fromString(zone + "."));
    }

    public SimpleResolver resolver() throws IOException {
        final SimpleResolver resolver = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
        resolver.setTimeout(Duration.ofSeconds(5));
        return resolver;
    }

    public int port() {
        return port;
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("named.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static int freePort() throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                 DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), tcp.getLocalPort()))) {
                return tcp.getLocalPort();
            } catch (IOException e) {
                // UDP side taken: try another
            }
        }
        throw new IOException("no free TCP+UDP port on 127.0.0.1");
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
