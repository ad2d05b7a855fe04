package dev.restoreguard.events.approval;

import static dev.restoreguard.events.EventValidationException.require;
import static dev.restoreguard.events.EventValidationException.requireOneOf;

import dev.restoreguard.events.EventPayload;
import dev.restoreguard.events.EventValidationException;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A change approval's state at its event time: the latest record of a {@code change_id} (by event
 * time) is the change's state. {@code approved} grants, {@code rejected} and {@code revoked} end
 * it, {@code pending} (a ServiceNow change in any other state) ends an approval in force and grants
 * none. Published by the approval bridge on {@code restoreguard.approvals}, keyed by change id.
 *
 * @param changeId   change number
 * @param state      {@code approved}, {@code rejected}, {@code revoked} or {@code pending}
 * @param targets    names or IPs the change covers, as written in the change
 * @param window     the change window; an approval without one covers nothing
 * @param approvedBy who approved
 * @param origin     where it came from ({@code servicenow}, {@code cli}, {@code scenario})
 * @param signature  the approval bridge's signature ({@link ApprovalSignatures}); the engine trusts
 *                   an approval only when it verifies (docs/detections.md, "Approval signing")
 */
public record ApprovalEvent(String changeId, String state, List<String> targets, Window window,
                            String approvedBy, String origin, Signature signature) implements EventPayload {

    public static final String KIND = "approval";
    public static final Set<String> STATES = Set.of("approved", "rejected", "revoked", "pending");

    public ApprovalEvent {
        require("approval.change_id", changeId);
        requireOneOf("approval.state", state, STATES);
        // checked before List.copyOf, which would throw a bare NullPointerException on a null target
        if (targets != null && targets.stream().anyMatch(t -> t == null || t.isBlank())) {
            throw new EventValidationException("approval.targets: blank target");
        }
        targets = targets == null ? List.of() : List.copyOf(targets);
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** Whether this record grants (as opposed to ending or suspending) the change. */
    public boolean grants() {
        return "approved".equals(state);
    }

    /** The inclusive change window {@code [start, end]}. */
    public record Window(Instant start, Instant end) {
        public Window {
            require("approval.window.start", start);
            require("approval.window.end", end);
            if (end.isBefore(start)) {
                throw new EventValidationException("approval.window: end " + end + " is before start " + start);
            }
        }

        public boolean contains(final Instant t) {
            return !t.isBefore(start) && !t.isAfter(end);
        }
    }

    /** This approval with {@code signature} (none to strip it). */
    public ApprovalEvent withSignature(final Signature signature) {
        return new ApprovalEvent(changeId, state, targets, window, approvedBy, origin, signature);
    }

    /**
     * The approval bridge's signature over the canonical approval ({@link ApprovalSignatures#canonical}).
     * Every field is optional here so that a malformed signature is read and judged by the engine
     * (a security alert) rather than dead-lettered.
     *
     * @param keyId     which bridge key signed (the engine's trusted keys are looked up by it)
     * @param algorithm {@value ApprovalSignatures#ALGORITHM}
     * @param nonce     unique per signed approval; the engine refuses a nonce it has already seen
     * @param expiresAt not after: the engine refuses the record once its reference time is past this
     * @param value     the signature, base64
     */
    public record Signature(String keyId, String algorithm, String nonce, Instant expiresAt, String value) {
    }
}
