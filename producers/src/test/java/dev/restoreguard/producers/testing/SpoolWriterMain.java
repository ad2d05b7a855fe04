package dev.restoreguard.producers.testing;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.audit.AuditRecord;
import dev.restoreguard.producers.runtime.EventPublisher;
import dev.restoreguard.producers.runtime.Metrics;
import dev.restoreguard.producers.runtime.Spool;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * A collector process for the kill -9 test: spools {@code count} events for a broker that is not
 * there, prints {@code SPOOLED <n>} and waits to be killed.
 * Arguments: spool dir, bootstrap servers, observer, first index, count.
 */
public final class SpoolWriterMain {

    private SpoolWriterMain() {
    }

    /** The event {@code i} of a test run; the test rebuilds the same to know the expected ids. */
    public static Envelope event(final String observer, final int i) {
        return Envelope.of("outbox-it", Instant.parse("2026-11-20T16:00:00Z").plusMillis(i), observer,
                new AuditRecord("outbox-it", "event-" + i, null, Map.of("i", Integer.toString(i)), null));
    }

    public static void main(final String[] args) throws Exception {
        final Path dir = Path.of(args[0]);
        final String observer = args[2];
        final int first = Integer.parseInt(args[3]);
        final int count = Integer.parseInt(args[4]);
        final Spool spool = Spool.open(dir, 64L << 20, 1L << 20, Spool.FsyncPolicy.ALWAYS, Duration.ofSeconds(1));
        final EventPublisher publisher = new EventPublisher(Map.of("bootstrap.servers", args[1], "max.block.ms", 500,
                "delivery.timeout.ms", 2000, "request.timeout.ms", 1000), spool, new Metrics());
        for (int i = first; i < first + count; i++) {
            if (!publisher.publish(Topics.AUDIT, observer, event(observer, i))) {
                throw new IllegalStateException("spool refused event " + i);
            }
        }
        System.out.println("SPOOLED " + count);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
