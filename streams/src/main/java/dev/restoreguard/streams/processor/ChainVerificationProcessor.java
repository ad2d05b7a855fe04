package dev.restoreguard.streams.processor;

import dev.restoreguard.events.Chain;
import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.streams.rules.Finding;
import dev.restoreguard.streams.rules.RuleCatalog;
import dev.restoreguard.streams.topology.StoreNames;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies the collectors' tamper-evident chains ({@link Chain}) and raises
 * <ul>
 *   <li>RG-930 when a chain's sequence jumps (events missing),</li>
 *   <li>RG-931 when an event arrives after a later one of its chain,</li>
 *   <li>RG-932 when an event does not match its chain: its {@code prev} is not the digest of the
 *       event seen before it, or another event already holds its place,</li>
 *   <li>RG-933 when a chain starts again at 1 (the collector lost or reset its chain state).</li>
 * </ul>
 * An event sent again unchanged (the collector's spool re-sends after a crash, with the same id
 * and chain) raises nothing: the digests of the last {@value #RECENT} events of each chain are
 * kept to recognize it. Events without a chain (older producers, CLI tools) are not judged.
 *
 * <p>Reads {@code restoreguard.hosts.snapshots}, {@code restoreguard.dns.records} and
 * {@code restoreguard.restores} (key String, value {@link Envelope}); keeps one
 * {@link ChainState} per chain in the store {@value StoreNames#CHAINS}; writes {@link Alert}s
 * keyed by {@code alert.id} to {@code restoreguard.alerts}.
 */
public final class ChainVerificationProcessor implements Processor<String, Envelope, String, Alert> {

    /** How many recent digests per chain recognize re-sent events. */
    static final int RECENT = 64;
    private static final Logger LOGGER = LoggerFactory.getLogger(ChainVerificationProcessor.class);

    /**
     * Where a chain stands.
     *
     * @param seq    the highest sequence number seen
     * @param digest that event's digest
     * @param recent digests of the last {@value #RECENT} sequence numbers seen, by sequence number
     */
    public record ChainState(long seq, String digest, Map<Long, String> recent) {
        public ChainState {
            recent = recent == null ? Map.of() : recent;
        }
    }

    private ProcessorContext<String, Alert> context;
    private KeyValueStore<String, ChainState> chains;

    @Override
    public void init(final ProcessorContext<String, Alert> context) {
        this.context = context;
        this.chains = context.getStateStore(StoreNames.CHAINS);
    }

    @Override
    public void process(final Record<String, Envelope> record) {
        final Envelope event = record.value();
        if (event == null || event.chain() == null) {
            return;
        }
        final Chain chain = event.chain();
        final String digest = Chain.digest(event);
        final ChainState state = chains.get(chain.id());
        if (state == null) {
            // The engine may start in the middle of a chain (retention, a new engine): nothing to compare.
            chains.put(chain.id(), advance(null, chain.seq(), digest));
            return;
        }
        final String seen = state.recent().get(chain.seq());
        if (digest.equals(seen)) {
            return; // the same event again: a spool re-send after a crash
        }
        if (chain.seq() == 1) {
            // A new first event (Chain forbids prev there): the collector lost or reset its chain state.
            raise(RuleCatalog.RG_933, event, record, "the chain started again at 1 after " + state.seq() + " events",
                    Map.of("previous_seq", state.seq()));
            chains.put(chain.id(), advance(null, 1, digest));
            return;
        }
        if (seen != null) {
            raise(RuleCatalog.RG_932, event, record, "another event already holds place " + chain.seq()
                    + " of the chain", Map.of("held_by_digest", seen, "digest", digest));
            return;
        }
        if (chain.seq() < state.seq()) {
            raise(RuleCatalog.RG_931, event, record, "event " + chain.seq() + " arrived after event " + state.seq(),
                    Map.of("latest_seq", state.seq()));
            chains.put(chain.id(), new ChainState(state.seq(), state.digest(), remember(state.recent(), chain.seq(), digest)));
            return;
        }
        if (chain.seq() > state.seq() + 1) {
            raise(RuleCatalog.RG_930, event, record, (chain.seq() - state.seq() - 1) + " event(s) missing: "
                    + (state.seq() + 1) + ".." + (chain.seq() - 1), Map.of("last_seen_seq", state.seq(),
                    "missing_from", state.seq() + 1, "missing_to", chain.seq() - 1));
        } else if (!state.digest().equals(chain.prev())) {
            raise(RuleCatalog.RG_932, event, record, "its previous-event digest does not match event " + state.seq()
                    + " as received", Map.of("expected_prev", state.digest(),
                    "prev", chain.prev() == null ? "" : chain.prev()));
        }
        chains.put(chain.id(), advance(state, chain.seq(), digest));
    }

    private static ChainState advance(final ChainState state, final long seq, final String digest) {
        return new ChainState(seq, digest, remember(state == null ? Map.of() : state.recent(), seq, digest));
    }

    private static Map<Long, String> remember(final Map<Long, String> recent, final long seq, final String digest) {
        final TreeMap<Long, String> next = new TreeMap<>(recent);
        next.put(seq, digest);
        while (next.size() > RECENT) {
            next.pollFirstEntry();
        }
        return next;
    }

    private void raise(final RuleCatalog rule, final Envelope event, final Record<String, Envelope> record,
                       final String what, final Map<String, Object> details) {
        final Chain chain = event.chain();
        final Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("chain_id", chain.id());
        evidence.put("seq", chain.seq());
        evidence.put("event_id", event.eventId());
        evidence.put("kind", event.kind());
        evidence.put("source", event.source());
        evidence.putAll(details);
        final String reason = "Collector chain " + chain.id() + ": " + what + ".";
        final Finding finding = new Finding(rule, "chain:" + chain.id() + ":" + chain.seq() + ":" + event.eventId(),
                rule.baseSeverity(), reason, event.at(), event.observer(), List.of(), List.of(), List.of(), evidence);
        LOGGER.atWarn().addKeyValue("rule", rule.id()).addKeyValue("chain", chain.id()).addKeyValue("seq", chain.seq())
                .log(reason);
        final Alert alert = finding.toAlert(Alert.OPEN);
        context.forward(new Record<>(alert.alert().id(), alert, record.timestamp()));
    }
}
