package dev.restoreguard.producers.dns;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.audit.AuditRecord;
import dev.restoreguard.events.net.IpAddresses;
import dev.restoreguard.events.net.Names;
import dev.restoreguard.producers.config.CollectorConfig;
import dev.restoreguard.producers.runtime.Collector;
import dev.restoreguard.producers.runtime.EventSink;
import dev.restoreguard.producers.runtime.Metrics;
import dev.restoreguard.producers.runtime.StateFiles;
import dev.restoreguard.producers.runtime.Worker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Security;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Runs on an observer (a backup server) and watches how it resolves a list of names, usually the
 * restore targets: through the operating system's resolver, which honours the hosts file, and
 * directly against the authoritative servers. It publishes an <b>observation</b> whenever either
 * answer of a name changes, a <b>divergence</b> when the two answers disagree (a hosts override,
 * a stale cache, split DNS), and a <b>convergence</b> when they agree again.
 *
 * <p>Topic written: {@code restoreguard.audit}, key the observer, value an {@link Envelope} of
 * kind {@code audit} (source {@code resolution}, observer this machine) whose {@link AuditRecord}
 * has {@code format = "resolution"}, {@code action} one of {@code observation},
 * {@code divergence}, {@code convergence}, and {@code fields}:
 * <ul>
 *   <li>{@code name}: the normalized name watched;</li>
 *   <li>{@code os_answer}, {@code authoritative_answer}: the sorted canonical addresses, comma
 *       separated, empty for no address (NXDOMAIN or no A/AAAA);</li>
 *   <li>{@code authoritative_server}: the server that answered ({@code name (address:port)});</li>
 *   <li>{@code previous_os_answer}, {@code previous_authoritative_answer}: the answers last
 *       published (absent on the first observation).</li>
 * </ul>
 * Answers are compared as sets of addresses. The authoritative answer comes from the first
 * configured server that answers (they are meant to serve the same zones), following CNAMEs at
 * most 8 steps. A lookup that fails (timeout, SERVFAIL) publishes nothing for that name this round
 * and counts an error. The JVM's own DNS cache is turned off ({@code networkaddress.cache.ttl=0})
 * so the OS answer is the OS resolver's of the moment. The answers last published are kept in
 * {@code <state_dir>/resolution/answers}, so a restart does not repeat them.
 */
public final class ResolutionWatcher implements Collector {

    private static final Logger LOGGER = LoggerFactory.getLogger(ResolutionWatcher.class);
    /** The collector kind and event source. */
    public static final String KIND = "resolution";
    private static final int MAX_CNAME_STEPS = 8;

    /** Resolves a name to canonical addresses; an empty list means no address. */
    @FunctionalInterface
    public interface NameResolver {
        List<String> resolve(String name) throws IOException;
    }

    private record Answers(String os, String authoritative) {
        boolean diverged() {
            return !os.equals(authoritative);
        }
    }

    private final String observer;
    private final List<String> names;
    private final List<CollectorConfig.DnsServer> servers;
    private final Duration interval;
    private final Duration timeout;
    private final NameResolver os;
    private final Path stateFile;
    private final Metrics metrics;
    private final Clock clock;
    private final Map<String, Answers> last = new LinkedHashMap<>();
    private Worker worker;
    private EventSink sink;
    private volatile boolean ready;

    public ResolutionWatcher(final String observer, final List<String> names, final List<CollectorConfig.DnsServer> servers,
                             final Duration interval, final Duration timeout, final NameResolver os, final Path stateDir,
                             final Metrics metrics, final Clock clock) {
        this.observer = observer;
        this.names = List.copyOf(names);
        this.servers = List.copyOf(servers);
        this.interval = interval;
        this.timeout = timeout;
        this.os = os;
        this.stateFile = stateDir.resolve(KIND).resolve("answers");
        this.metrics = metrics;
        this.clock = clock;
        metrics.counter("restoreguard_resolution_divergences_total", "Names whose OS and authoritative answers disagree");
    }

    /** The operating system's resolver (hosts file included), with the JVM's cache turned off. */
    public static NameResolver osResolver() {
        Security.setProperty("networkaddress.cache.ttl", "0");
        Security.setProperty("networkaddress.cache.negative.ttl", "0");
        return name -> {
            try {
                final List<String> out = new ArrayList<>();
                for (InetAddress a : InetAddress.getAllByName(name)) {
                    IpAddresses.normalize(a.getHostAddress()).ifPresent(out::add);
                }
                return out;
            } catch (UnknownHostException e) {
                return List.of();
            }
        };
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void start(final EventSink eventSink) throws Exception {
        this.sink = eventSink;
        Files.createDirectories(stateFile.getParent());
        load();
        worker = new Worker("resolution");
        worker.runNow(this::checkAll);
        worker.every(interval, this::checkAll);
        ready = true;
    }

    /** Checks every name now and waits (tests). */
    public void checkNow() throws Exception {
        worker.runNow(this::checkAll);
    }

    private void checkAll() {
        boolean changed = false;
        for (String name : names) {
            try {
                changed |= check(name);
            } catch (IOException | RuntimeException e) {
                metrics.increment(Metrics.ERRORS);
                LOGGER.atWarn().addKeyValue("name", name).addKeyValue("error", e.toString())
                        .log("Resolution check failed; retrying at the next interval");
            }
        }
        if (changed) {
            try {
                save();
            } catch (IOException e) {
                metrics.increment(Metrics.ERRORS);
                LOGGER.atError().setCause(e).log("Cannot save the resolution state");
            }
        }
    }

    private boolean check(final String name) throws IOException {
        final String osAnswer = join(os.resolve(name));
        final String[] via = new String[1];
        final String authAnswer = join(authoritative(name, via));
        final Answers now = new Answers(osAnswer, authAnswer);
        final Answers before = last.get(name);
        if (now.equals(before)) {
            return false;
        }
        final Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        final Map<String, String> fields = new LinkedHashMap<>();
        fields.put("name", name);
        fields.put("os_answer", osAnswer);
        fields.put("authoritative_answer", authAnswer);
        fields.put("authoritative_server", via[0]);
        if (before != null) {
            fields.put("previous_os_answer", before.os());
            fields.put("previous_authoritative_answer", before.authoritative());
        }
        final List<String> actions = new ArrayList<>();
        actions.add("observation");
        if (now.diverged() && (before == null || !before.equals(now))) {
            actions.add("divergence");
        } else if (!now.diverged() && before != null && before.diverged()) {
            actions.add("convergence");
        }
        for (String action : actions) {
            final AuditRecord record = new AuditRecord("resolution", action, null, fields, null);
            if (!sink.publish(Topics.AUDIT, observer, Envelope.of(KIND, at, observer, record))) {
                return false; // spool full: not remembered, so it is published at the next check
            }
        }
        if (now.diverged()) {
            metrics.increment("restoreguard_resolution_divergences_total");
            LOGGER.atWarn().addKeyValue("name", name).addKeyValue("os_answer", osAnswer)
                    .addKeyValue("authoritative_answer", authAnswer).log("OS resolution diverges from the authoritative answer");
        }
        last.put(name, now);
        return true;
    }

    /** Addresses from the first server that answers, CNAMEs followed. */
    List<String> authoritative(final String name, final String[] via) throws IOException {
        IOException failure = null;
        for (CollectorConfig.DnsServer s : servers) {
            try {
                final SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(s.address(), s.port()));
                resolver.setTimeout(timeout);
                final TreeSet<String> out = new TreeSet<>();
                String target = name;
                for (int step = 0; step <= MAX_CNAME_STEPS && target != null; step++) {
                    String next = null;
                    for (int type : new int[] {Type.A, Type.AAAA}) {
                        final Message m = resolver.send(Message.newQuery(Record.newRecord(Name.fromString(target + "."), type, DClass.IN)));
                        if (m.getRcode() != Rcode.NOERROR && m.getRcode() != Rcode.NXDOMAIN) {
                            throw new IOException(Rcode.string(m.getRcode()) + " from " + s.address());
                        }
                        for (Record r : m.getSection(Section.ANSWER)) {
                            if (r instanceof ARecord a) {
                                IpAddresses.normalize(a.getAddress().getHostAddress()).ifPresent(out::add);
                            } else if (r instanceof AAAARecord a) {
                                IpAddresses.normalize(a.getAddress().getHostAddress()).ifPresent(out::add);
                            } else if (r instanceof CNAMERecord c && out.isEmpty()) {
                                next = Names.normalize(c.getTarget().toString(true));
                            }
                        }
                    }
                    target = out.isEmpty() ? next : null;
                }
                via[0] = s.name() + " (" + s.address() + ":" + s.port() + ")";
                return new ArrayList<>(out);
            } catch (IOException e) {
                failure = e;
            }
        }
        throw failure != null ? failure : new IOException("no authoritative server configured");
    }

    private static String join(final List<String> addresses) {
        return String.join(",", new TreeSet<>(addresses));
    }

    private void load() throws IOException {
        if (!Files.exists(stateFile)) {
            return;
        }
        for (String line : Files.readAllLines(stateFile, StandardCharsets.UTF_8)) {
            final String[] f = line.split("\t", -1);
            if (f.length == 3) {
                last.put(f[0], new Answers(f[1], f[2]));
            }
        }
    }

    private void save() throws IOException {
        final StringBuilder sb = new StringBuilder();
        last.forEach((name, a) -> sb.append(name).append('\t').append(a.os()).append('\t').append(a.authoritative()).append('\n'));
        StateFiles.writeAtomically(stateFile, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean ready() {
        return ready;
    }

    @Override
    public void close() {
        ready = false;
        if (worker != null) {
            worker.close();
        }
    }
}
