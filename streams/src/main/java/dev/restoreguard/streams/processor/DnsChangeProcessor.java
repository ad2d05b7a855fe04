package dev.restoreguard.streams.processor;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.events.dns.DnsRecordChange;
import dev.restoreguard.streams.rules.DnsRecordCrossesEnvironment;
import dev.restoreguard.streams.rules.Finding;
import dev.restoreguard.streams.state.JournalEntry;
import dev.restoreguard.streams.state.ReferenceView;
import dev.restoreguard.streams.topology.StoreNames;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges RG-004 for every DNS record add, as of the change's event time, against the inventory
 * in the global reference store; re-judges recent changes when a late inventory lands.
 *
 * <p>Reads {@code restoreguard.dns.records} (key: record FQDN, value: {@link Envelope} of a
 * {@link DnsRecordChange}); writes {@link Alert}s keyed by {@code alert.id} to
 * {@code restoreguard.alerts}.
 */
public final class DnsChangeProcessor implements Processor<String, Envelope, String, Alert> {

    private static final Logger LOGGER = LoggerFactory.getLogger(DnsChangeProcessor.class);

    private final Duration allowedLateness;
    private final Duration journalPoll;
    private final DnsRecordCrossesEnvironment rule = new DnsRecordCrossesEnvironment();

    private ProcessorContext<String, Alert> context;
    private JudgmentBook book;
    private EngineClock clock;
    private ReferenceView reference;

    public DnsChangeProcessor(final Duration allowedLateness, final Duration journalPoll) {
        this.allowedLateness = allowedLateness;
        this.journalPoll = journalPoll;
    }

    @Override
    public void init(final ProcessorContext<String, Alert> context) {
        this.context = context;
        this.book = new JudgmentBook(context.getStateStore(StoreNames.DNS_JUDGMENTS),
                context.getStateStore(StoreNames.DNS_JUDGMENTS_BY_TIME), context.getStateStore(StoreNames.DNS_ALERTS),
                a -> context.forward(new Record<>(a.alert().id(), a, a.timestamp().toEpochMilli())));
        this.clock = new EngineClock(context.getStateStore(StoreNames.DNS_META), allowedLateness);
        this.reference = new ReferenceView(context.getStateStore(StoreNames.REFERENCE));
        context.schedule(journalPoll, PunctuationType.WALL_CLOCK_TIME, now -> drainJournal());
        context.schedule(Duration.ofMinutes(1), PunctuationType.WALL_CLOCK_TIME, now -> {
            final Instant t = clock.streamTime();
            if (t != Instant.MIN) {
                book.expire(t.minus(allowedLateness), List.of(Judgment.DNS), t.minus(Duration.ofDays(30)));
            }
        });
    }

    @Override
    public void process(final Record<String, Envelope> record) {
        drainJournal();
        final Envelope event = record.value();
        if (!(event.payload() instanceof DnsRecordChange)) {
            LOGGER.atWarn().addKeyValue("event_id", event.eventId()).addKeyValue("kind", event.kind())
                    .log("unexpected event kind on the DNS topic, ignored");
            return;
        }
        judge(event, "dns|" + event.eventId(), clock.mayRevise(event.at()));
        clock.observe(event.at());
    }

    private void judge(final Envelope event, final String key, final boolean revise) {
        final DnsRecordChange change = (DnsRecordChange) event.payload();
        final Optional<Finding> finding = rule.judge(event.eventId(), event.at(), change,
                reference.inventoryAsOf(event.at()));
        if (finding.isEmpty() && book.get(key) == null) {
            return; // nothing found and nothing to revise: keep no state
        }
        book.record(new Judgment(key, Judgment.DNS, event.at(), null, List.of(JournalEntry.ALL), null, event),
                finding.map(List::of).orElse(List.of()), revise);
    }

    private void drainJournal() {
        for (JournalEntry entry : reference.journalAfter(clock.journalPosition())) {
            if ("inventory".equals(entry.kind()) && clock.mayRevise(entry.at())) {
                for (Judgment j : book.judgmentsFrom(entry.at())) {
                    judge(j.dnsChange(), j.key(), true);
                }
            }
            clock.observe(entry.at());
            clock.journalPosition(entry.offset());
        }
    }
}
