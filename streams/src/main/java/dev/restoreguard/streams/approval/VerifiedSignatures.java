package dev.restoreguard.streams.approval;

import dev.restoreguard.events.approval.ApprovalEvent;
import dev.restoreguard.events.approval.ApprovalSignatures;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded memory of approval signatures that verified, shared by the stream threads of one
 * engine. Only successes are remembered, keyed by the public key, the digest of the signed
 * message and the signature itself: a hit is exactly a repeat of a check that passed, so a forged
 * or altered record can never be answered from memory (it is verified, and fails, every time).
 */
final class VerifiedSignatures {

    private final Map<String, Boolean> verified;

    VerifiedSignatures(final int capacity) {
        this.verified = new LinkedHashMap<>(capacity * 2, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(final Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** {@link ApprovalSignatures#verify}, answered from memory when this exact check passed before. */
    boolean verify(final PublicKey key, final Instant at, final ApprovalEvent approval) {
        final ApprovalEvent.Signature sig = approval.signature();
        if (sig == null || sig.value() == null) {
            return false;
        }
        final String id = id(key, at, approval, sig.value());
        synchronized (verified) {
            if (verified.containsKey(id)) {
                return true;
            }
        }
        final boolean valid = ApprovalSignatures.verify(key, at, approval);
        if (valid) {
            synchronized (verified) {
                verified.put(id, Boolean.TRUE);
            }
        }
        return valid;
    }

    int size() {
        synchronized (verified) {
            return verified.size();
        }
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
