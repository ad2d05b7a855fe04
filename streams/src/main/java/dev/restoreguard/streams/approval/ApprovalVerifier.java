package dev.restoreguard.streams.approval;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.approval.ApprovalEvent;
import dev.restoreguard.events.approval.ApprovalSignatures;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * Decides whether an approval record may count as an approval: it must carry a signature
 * ({@link ApprovalSignatures}) that verifies against the trusted key its {@code key_id} names,
 * be within that key's scope, carry a nonce no earlier accepted record carried, and not be
 * expired. The checks run in that order and the first that fails decides.
 *
 * <p>One exception to "a nonce seen again is a replay": the exact record that is already the
 * change's latest accepted one (same event id) re-delivered — a producer retry, the ServiceNow
 * poller re-reading the last change — changes nothing and is ignored without an alert. A nonce
 * that comes back after another record of the change (an old {@code approved} re-published after
 * a revocation), or on another event id, is a replay.
 */
public final class ApprovalVerifier {

    /** Why an approval is not trusted. */
    public enum Rejection { UNSIGNED, INVALID_SIGNATURE, OUT_OF_SCOPE, REPLAYED, EXPIRED }

    /** The outcome for one approval record. */
    public sealed interface Verdict permits Accepted, Duplicate, Rejected {
    }

    /** Trusted: apply it. */
    public record Accepted(String keyId) implements Verdict {
    }

    /** A re-delivery of the change's latest accepted record: nothing to apply, nothing to raise. */
    public record Duplicate(String eventId) implements Verdict {
    }

    /** Not trusted: counts as no approval and raises a security alert. */
    public record Rejected(Rejection rejection, String reason, Map<String, Object> evidence) implements Verdict {
    }

    /** What the verifying task already knows. */
    public interface Memory {
        /** The event id of the accepted record that carried {@code nonce}, if any. */
        Optional<String> acceptedWithNonce(String nonce);

        /** The event id of the change's most recently accepted record, if any. */
        Optional<String> latestAccepted(String changeId);

        /** The task's reference time: the greatest event time of the reference records it applied. */
        Instant referenceTime();
    }

    /**
     * Signatures already verified in this JVM. Every engine task receives every approval (the
     * reference broadcast), so one instance with six partitions would otherwise verify each
     * Ed25519 signature six times; the check is a pure function of key, message and signature.
     * Its size is the distance between the tasks: reading a backlog, the tasks of one engine are
     * tens of thousands of records apart in the reference stream: with 4,096 entries, verifying
     * took 48% of the stream thread in a profile of the 1,000,000-event benchmark. 65,536 entries
     * (about 10 MB) cover 1.3 million events of distance at 5% approvals.
     */
    private static final VerifiedSignatures VERIFIED = new VerifiedSignatures(65_536);

    private final TrustedKeys keys;
    private final BiFunction<List<String>, Instant, Map<String, String>> environments;

    /**
     * @param keys         the trusted keys
     * @param environments the environment (lower case) of each target of an approval as of its
     *                     event time, for keys scoped to environments
     */
    public ApprovalVerifier(final TrustedKeys keys,
                            final BiFunction<List<String>, Instant, Map<String, String>> environments) {
        this.keys = keys;
        this.environments = environments;
    }

    public Verdict verify(final Envelope event, final Memory memory) {
        final ApprovalEvent approval = (ApprovalEvent) event.payload();
        final ApprovalEvent.Signature sig = approval.signature();
        final Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("event_id", event.eventId());
        evidence.put("at", event.at().toString());
        evidence.put("source", event.source());
        evidence.put("change_id", approval.changeId());
        evidence.put("state", approval.state());
        evidence.put("targets", approval.targets());
        evidence.put("origin", approval.origin());
        evidence.put("approved_by", approval.approvedBy());
        if (sig == null || sig.value() == null || sig.value().isBlank()) {
            return new Rejected(Rejection.UNSIGNED, "carries no signature of the approval bridge", clean(evidence));
        }
        evidence.put("key_id", sig.keyId());
        evidence.put("nonce", sig.nonce());
        evidence.put("expires_at", sig.expiresAt() == null ? null : sig.expiresAt().toString());
        final Optional<TrustedKeys.TrustedKey> key = keys.get(sig.keyId());
        if (key.isEmpty()) {
            return new Rejected(Rejection.INVALID_SIGNATURE, "is signed with key '" + sig.keyId()
                    + "', which the engine does not trust", clean(evidence));
        }
        if (!VERIFIED.verify(key.get().publicKey(), event.at(), approval)) {
            return new Rejected(Rejection.INVALID_SIGNATURE, "has a signature that does not verify with key '"
                    + sig.keyId() + "' (forged, or altered after signing)", clean(evidence));
        }
        final Optional<String> scope = outOfScope(key.get(), event.at(), approval, evidence);
        if (scope.isPresent()) {
            return new Rejected(Rejection.OUT_OF_SCOPE, scope.get(), clean(evidence));
        }
        final Optional<String> earlier = sig.nonce() == null ? Optional.empty() : memory.acceptedWithNonce(sig.nonce());
        if (earlier.isPresent()) {
            if (earlier.get().equals(event.eventId())
                    && memory.latestAccepted(approval.changeId()).filter(event.eventId()::equals).isPresent()) {
                return new Duplicate(event.eventId());
            }
            evidence.put("first_event_id", earlier.get());
            return new Rejected(Rejection.REPLAYED, "was already accepted once (nonce " + sig.nonce()
                    + ") and is published again", clean(evidence));
        }
        if (sig.nonce() == null || sig.expiresAt() == null) {
            // a valid signature without them: a signer that is not the bridge; refuse rather than guess
            return new Rejected(Rejection.INVALID_SIGNATURE, "is signed without a nonce or an expiry", clean(evidence));
        }
        final Instant now = memory.referenceTime();
        if (now != Instant.MIN && sig.expiresAt().isBefore(now)) {
            evidence.put("reference_time", now.toString());
            return new Rejected(Rejection.EXPIRED, "expired at " + sig.expiresAt() + ", before the engine's reference time "
                    + now, clean(evidence));
        }
        return new Accepted(sig.keyId());
    }

    private Optional<String> outOfScope(final TrustedKeys.TrustedKey key, final Instant at, final ApprovalEvent approval,
                                        final Map<String, Object> evidence) {
        final String origin = approval.origin() == null ? "" : approval.origin().toLowerCase(java.util.Locale.ROOT);
        if (!key.origins().isEmpty() && !key.origins().contains(origin)) {
            evidence.put("key_origins", new TreeSet<>(key.origins()));
            return Optional.of("comes from origin '" + approval.origin() + "', which key '" + key.keyId()
                    + "' may not approve for");
        }
        if (!key.environments().isEmpty() && !approval.targets().isEmpty()) {
            final Map<String, String> envs = environments.apply(approval.targets(), at);
            final Map<String, String> outside = new LinkedHashMap<>();
            envs.forEach((target, env) -> {
                if (!key.environments().contains(env)) {
                    outside.put(target, env);
                }
            });
            if (!outside.isEmpty()) {
                evidence.put("key_environments", new TreeSet<>(key.environments()));
                evidence.put("targets_outside_scope", outside);
                return Optional.of("covers " + outside + ", outside the environments key '" + key.keyId()
                        + "' may approve " + new TreeSet<>(key.environments()));
            }
        }
        return Optional.empty();
    }

    private static Map<String, Object> clean(final Map<String, Object> evidence) {
        evidence.values().removeIf(v -> v == null);
        return evidence;
    }
}
