package dev.restoreguard.bench.micro;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restoreguard.bench.CollectorBench;
import dev.restoreguard.events.Chain;
import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.hosts.HostsSnapshot;
import dev.restoreguard.events.restore.RestoreEvent;
import dev.restoreguard.producers.hosts.HostsFileParser;
import dev.restoreguard.producers.hosts.HostsSnapshotter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Reading an event {@link Envelope} from its JSON bytes with the shared mapper, as the engine's
 * input serde does for every record: a Veeam restore record and a 50-entry hosts-file snapshot
 * (with the file's text and the diff against the previous one), both chained as the collectors
 * send them. Each comes in two field orders: {@code kind} before {@code payload} (how
 * {@link Envelope} is written now) and the order the mapper wrote before (alphabetical, {@code kind}
 * right after {@code payload}), which other producers and older spools may still have.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class EnvelopeReadingBenchmark {

    private static final String OBSERVER = "vbr01.corp.example";
    private static final String[] KIND_FIRST = {"event_id", "kind", "schema_version", "at", "observer", "source",
        "payload", "chain"};
    private static final String[] PAYLOAD_FIRST = {"at", "chain", "event_id", "observer", "payload", "kind",
        "schema_version", "source"};

    /** {@code restore}: a Veeam restore record; {@code hosts50}: a 50-entry hosts snapshot. */
    @Param({"restore", "hosts50"})
    public String envelope;

    /** {@code kind-first}: as {@link Envelope} writes it; {@code payload-first}: as the mapper wrote it before. */
    @Param({"kind-first", "payload-first"})
    public String order;

    private byte[] json;

    @Setup
    public void setUp() {
        final Envelope event = "restore".equals(envelope) ? restore() : hosts50();
        json = ordered(event, "kind-first".equals(order) ? KIND_FIRST : PAYLOAD_FIRST);
        if (!read(json).equals(event)) {
            throw new IllegalStateException("the benchmark's " + envelope + " envelope does not read back");
        }
    }

    private static Envelope restore() {
        return Envelope.of("veeam-syslog", Instant.parse("2026-11-20T16:02:00Z"), OBSERVER,
                new RestoreEvent("veeam", "8c0e7a4e-5b1f-4c8e-9d2a-3f6b7c8d9e01", "running", "sql-dev-01.corp.example",
                        "Payroll", "SQL nightly", "CORP\\jdoe", "CHG0031337 refresh dev", "Success", 0))
                .withChain(new Chain("veeam-syslog@" + OBSERVER + "|restoreguard.restores|" + OBSERVER, 7,
                        "5d41402abc4b2a76b9719d911017c592" + "5d41402abc4b2a76b9719d911017c592"));
    }

    /** The snapshot the collector publishes when one of 50 entries changed: entries, file text, diff. */
    private static Envelope hosts50() {
        final HostsSnapshotter snapshotter = new HostsSnapshotter(new HostsFileParser());
        final String path = "C:\\Windows\\System32\\drivers\\etc\\hosts";
        snapshotter.next(OBSERVER, path, CollectorBench.hostsFile(50, -1), "CORP\\svc-deploy");
        final HostsSnapshot changed = snapshotter.next(OBSERVER, path, CollectorBench.hostsFile(50, 17), "CORP\\svc-deploy")
                .orElseThrow(() -> new IllegalStateException("the changed hosts file gave no snapshot"));
        if (changed.entries().size() != 50 || changed.diff() == null) {
            throw new IllegalStateException("expected 50 entries and a diff, got " + changed.entries().size());
        }
        return Envelope.of("hosts-file", Instant.parse("2026-11-20T16:10:00Z"), OBSERVER, changed)
                .withChain(new Chain("hosts-file@" + OBSERVER + "|restoreguard.hosts.snapshots|" + OBSERVER, 3,
                        "a94a8fe5ccb19ba61c4c0873d391e987" + "a94a8fe5ccb19ba61c4c0873d391e987"));
    }

    /** The envelope's JSON with its fields in {@code order}, whatever order the mapper writes. */
    private static byte[] ordered(final Envelope envelope, final String... order) {
        try {
            final JsonNode written = Json.MAPPER.valueToTree(envelope);
            final ObjectNode arranged = Json.MAPPER.createObjectNode();
            for (String field : order) {
                arranged.set(field, written.get(field));
            }
            return Json.MAPPER.writeValueAsBytes(arranged);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Envelope read(final byte[] json) {
        try {
            return Json.MAPPER.readValue(json, Envelope.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Benchmark
    public Envelope readValue() throws IOException {
        return Json.MAPPER.readValue(json, Envelope.class);
    }
}
