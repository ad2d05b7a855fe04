package dev.restoreguard.streams.approval;

import dev.restoreguard.events.approval.ApprovalEvent;
import dev.restoreguard.events.approval.ApprovalSignatures;
import dev.restoreguard.streams.state.BoundedMemory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Base64;

/**
 * A bounded memory of approval signatures that verified, shared by the stream threads of one
 * engine. Only successes are remembered, keyed by the public key, the digest of the signed
 * message and the signature itself: a hit is exactly a repeat of a check that passed, so a forged
 * or altered record can never be answered from memory (it is verified, and fails, every time).
 */
final class VerifiedSignatures {

    private final BoundedMemory<String, Boolean> verified;

    VerifiedSignatures(final int capacity) {
        this.verified = new BoundedMemory<>(capacity);
    }

    /** {@link ApprovalSignatures#verify}, answered from memory when this exact check passed before. */
    boolean verify(final PublicKey key, final Instant at, final ApprovalEvent approval) {
        final ApprovalEvent.Signature sig = approval.signature();
        if (sig == null || sig.value() == null) {
            return false;
        }
        // a failed check is not kept (null): a forged record is verified, and fails, every time
        return verified.get(id(key, at, approval, sig.value()),
                id -> ApprovalSignatures.verify(key, at, approval) ? Boolean.TRUE : null) != null;
    }

    int size() {
        return verified.size();
    }

    private static String id(final PublicKey key, final Instant at, final ApprovalEvent approval,
                             final String signature) {
        try {
            final MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(key.getEncoded());
            sha.update((byte) 0);
            sha.update(ApprovalSignatures.canonical(at, approval));
            return Base64.getEncoder().encodeToString(sha.digest()) + '|' + signature;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
