package dev.restoreguard.events;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A collector's tamper-evident audit trail: each event carries its place in the collector's
 * chain ({@code "chain": {"id": ..., "seq": 7, "prev": "<sha-256 hex>"}} in the envelope). A
 * chain is one collector's events of one topic and record key (the unit Kafka keeps in order):
 * {@code seq} counts from 1 without gaps, and {@code prev} is the {@link #digest} of the event
 * before it (absent on the first). The engine recomputes the digests, so a missing event (a gap),
 * events out of order, and an event rewritten after it was chained are all visible.
 *
 * @param id   the chain: collector instance, topic and key ({@code hosts-file@vbr01.corp.example|restoreguard.hosts.snapshots|vbr01.corp.example})
 * @param seq  this event's place, from 1
 * @param prev digest of the previous event of the chain; null for the first
 */
public record Chain(String id, long seq, String prev) {

    private static final String VERSION = "restoreguard-chain-v1";

    public Chain {
        EventValidationException.require("chain.id", id);
        if (id.isBlank()) {
            throw new EventValidationException("chain.id: must not be blank");
        }
        if (seq < 1) {
            throw new EventValidationException("chain.seq: must be at least 1, was " + seq);
        }
        if (prev != null && !prev.matches("[0-9a-f]{64}")) {
            throw new EventValidationException("chain.prev: not a SHA-256 hex digest");
        }
        if (seq == 1 && prev != null) {
            throw new EventValidationException("chain.prev: the first event of a chain has no previous one");
        }
    }

    /**
     * SHA-256 (hex) over the event's id, its content id recomputed from what it says
     * ({@link Envelope#deterministicId}: kind, source, time, observer, payload) and its chain
     * fields. An event rewritten after it was chained (other payload, other time, other place)
     * gets another digest, even when its {@code event_id} was kept.
     *
     * @throws IllegalArgumentException if the envelope has no chain
     */
    public static String digest(final Envelope envelope) {
        final Chain chain = envelope.chain();
        if (chain == null) {
            throw new IllegalArgumentException("event " + envelope.eventId() + " is not chained");
        }
        final String canonical = VERSION + '\n' + envelope.eventId() + '\n'
                + Envelope.deterministicId(envelope.source(), envelope.at(), envelope.observer(), envelope.payload())
                + '\n' + chain.id + '\n' + chain.seq + '\n' + (chain.prev == null ? "" : chain.prev);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /** The chain that follows {@code previous} (an event of this chain). */
    public Chain next(final Envelope previous) {
        return new Chain(id, seq + 1, digest(previous));
    }
}
