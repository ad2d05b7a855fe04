package dev.restoreguard.producers.dns;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.dns.DnsRecordChange;
import dev.restoreguard.events.net.Names;
import dev.restoreguard.producers.config.CollectorConfig;
import dev.restoreguard.producers.runtime.Collector;
import dev.restoreguard.producers.runtime.EventSink;
import dev.restoreguard.producers.runtime.Metrics;
import dev.restoreguard.producers.runtime.StateFiles;
import dev.restoreguard.producers.runtime.Worker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches zones on authoritative DNS servers: polls each zone's SOA serial and, when it moved,
 * transfers the zone (IXFR from the last serial seen, AXFR when the server offers no journal or
 * nothing was seen yet), diffs the A, AAAA and CNAME records, and publishes one
 * {@link DnsRecordChange} per record deleted or added, with the server and the new serial.
 *
 * <p>Topic written: {@code restoreguard.dns.records}, key the record's FQDN, value an
 * {@link Envelope} of kind {@code dns_record} (source {@code dns-zone}, observer the server's
 * name, event time the moment the change was seen: zone transfers carry no times). An update is a
 * delete plus an add. {@code user} is unknown: zone transfers do not say who changed a record
 * (the Windows audit collector does).
 *
 * <p>The serial and records last published per server and zone are kept in
 * {@code <state_dir>/dns-zone/}, so a restart publishes only what changed while it was down. At
 * the very first start every record is published as an add when {@code emit_baseline} is on (the
 * engine resolves names from these events). Unreachable servers and refused transfers are logged,
 * counted on {@code restoreguard_collector_errors_total} and retried at the next poll.
 */
public final class DnsZoneCollector implements Collector {

    private static final Logger LOGGER = LoggerFactory.getLogger(DnsZoneCollector.class);
    /** The collector kind and event source. */
    public static final String KIND = "dns-zone";

    private record Watched(CollectorConfig.DnsServer server, String zone, ZoneClient client, Path state) {
    }

    private record ZoneState(long serial, Set<ZoneClient.ZoneRecord> records) {
    }

    private final List<Watched> watched = new ArrayList<>();
    private final Duration poll;
    private final boolean emitBaseline;
    private final Metrics metrics;
    private final Clock clock;
    private final java.util.Map<Watched, ZoneState> states = new java.util.HashMap<>();
    private Worker worker;
    private EventSink sink;
    private volatile boolean ready;

    public DnsZoneCollector(final List<CollectorConfig.DnsServer> servers, final Duration poll, final Duration timeout,
                            final boolean emitBaseline, final Path stateDir, final Metrics metrics, final Clock clock) {
        this.poll = poll;
        this.emitBaseline = emitBaseline;
        this.metrics = metrics;
        this.clock = clock;
        final Path dir = stateDir.resolve(KIND);
        for (CollectorConfig.DnsServer s : servers) {
            for (String zone : s.zones()) {
                final String file = (s.address() + "_" + s.port() + "_" + zone).replaceAll("[^A-Za-z0-9._-]", "_") + ".state";
                watched.add(new Watched(s, zone, new ZoneClient(new InetSocketAddress(s.address(), s.port()), zone, timeout),
                        dir.resolve(file)));
            }
        }
        metrics.counter("restoreguard_dns_transfers_total", "Zone transfers (AXFR and IXFR)");
        metrics.counter("restoreguard_dns_record_changes_total", "DNS record adds and deletes published");
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void start(final EventSink eventSink) throws Exception {
        this.sink = eventSink;
        for (Watched w : watched) {
            Files.createDirectories(w.state().getParent());
            final ZoneState s = load(w.state());
            if (s != null) {
                states.put(w, s);
            }
        }
        worker = new Worker("dns-zone");
        worker.runNow(this::pollAll);
        worker.every(poll, this::pollAll);
        ready = true;
    }

    /** Polls every zone now and waits (tests). */
    public void pollNow() throws Exception {
        worker.runNow(this::pollAll);
    }

    private void pollAll() {
        for (Watched w : watched) {
            poll(w);
        }
    }

    private void poll(final Watched w) {
        try {
            final long serial = w.client().serial();
            final ZoneState before = states.get(w);
            if (before != null && before.serial() == serial) {
                return;
            }
            metrics.increment("restoreguard_dns_transfers_total");
            final Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            final List<DnsRecordChange> changes = new ArrayList<>();
            final ZoneState after;
            if (before == null) {
                final ZoneClient.Transfer t = w.client().axfr();
                after = new ZoneState(t.serial(), t.full());
                if (emitBaseline) {
                    t.full().forEach(r -> changes.add(change(w, r, "add", t.serial())));
                }
            } else {
                final ZoneClient.Transfer t = w.client().ixfr(before.serial());
                final Set<ZoneClient.ZoneRecord> records = new LinkedHashSet<>(before.records());
                if (t.full() != null) {
                    diff(w, before.records(), t.full(), t.serial(), changes);
                    records.clear();
                    records.addAll(t.full());
                } else {
                    for (ZoneClient.Delta d : t.deltas()) {
                        // Net effect of the step: a record deleted and re-added (a TTL change) is no change.
                        final Set<ZoneClient.ZoneRecord> deletes = new LinkedHashSet<>(d.deletes());
                        deletes.removeAll(d.adds());
                        final Set<ZoneClient.ZoneRecord> adds = new LinkedHashSet<>(d.adds());
                        adds.removeAll(d.deletes());
                        deletes.forEach(r -> changes.add(change(w, r, "delete", d.end())));
                        adds.forEach(r -> changes.add(change(w, r, "add", d.end())));
                        records.removeAll(deletes);
                        records.addAll(adds);
                    }
                }
                after = new ZoneState(t.serial(), records);
            }
            for (DnsRecordChange c : changes) {
                final Envelope e = Envelope.of(KIND, now, w.server().name(), c);
                if (!sink.publish(Topics.DNS, Names.dnsRecordFqdn(c.zone(), c.name()), e)) {
                    // Spool full: keep the old state, so the next poll diffs and reports this again.
                    return;
                }
                metrics.increment("restoreguard_dns_record_changes_total");
            }
            states.put(w, after);
            save(w.state(), after);
            LOGGER.atInfo().addKeyValue("server", w.server().name()).addKeyValue("zone", w.zone())
                    .addKeyValue("serial", after.serial()).addKeyValue("changes", changes.size())
                    .addKeyValue("records", after.records().size()).log("Zone changed");
        } catch (IOException | RuntimeException e) {
            metrics.increment(Metrics.ERRORS);
            LOGGER.atWarn().addKeyValue("server", w.server().name()).addKeyValue("address", w.server().address())
                    .addKeyValue("zone", w.zone()).addKeyValue("error", e.toString())
                    .log("Zone poll failed; retrying at the next poll");
        }
    }

    private void diff(final Watched w, final Set<ZoneClient.ZoneRecord> before, final Set<ZoneClient.ZoneRecord> after,
                      final long serial, final List<DnsRecordChange> out) {
        for (ZoneClient.ZoneRecord r : before) {
            if (!after.contains(r)) {
                out.add(change(w, r, "delete", serial));
            }
        }
        for (ZoneClient.ZoneRecord r : after) {
            if (!before.contains(r)) {
                out.add(change(w, r, "add", serial));
            }
        }
    }

    private static DnsRecordChange change(final Watched w, final ZoneClient.ZoneRecord r, final String action,
                                          final long serial) {
        return new DnsRecordChange(w.zone(), r.name(), r.type(), action, r.data(), w.server().name(), null, serial);
    }

    private static ZoneState load(final Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        final List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            return null;
        }
        final Set<ZoneClient.ZoneRecord> records = new LinkedHashSet<>();
        for (String line : lines.subList(1, lines.size())) {
            if (!line.isEmpty()) {
                records.add(ZoneClient.ZoneRecord.parse(line));
            }
        }
        return new ZoneState(Long.parseLong(lines.get(0).trim()), records);
    }

    private static void save(final Path file, final ZoneState state) throws IOException {
        final StringBuilder sb = new StringBuilder().append(state.serial()).append('\n');
        state.records().forEach(r -> sb.append(r.line()).append('\n'));
        StateFiles.writeAtomically(file, sb.toString().getBytes(StandardCharsets.UTF_8));
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
