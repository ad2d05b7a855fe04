package dev.restoreguard.producers.approval;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.approval.ApprovalEvent;
import dev.restoreguard.events.approval.ApprovalSignatures;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The approval bridge's signer: every approval it publishes on {@code restoreguard.approvals}
 * ({@code restoreguard approve}, the ServiceNow poller, scenario replay) carries an Ed25519
 * signature over {@link ApprovalSignatures#canonical}, with the key id, a nonce and an expiry
 * ({@code at} + validity). The engine trusts an approval only when that signature verifies
 * against one of its trusted keys.
 *
 * <p>The nonce is derived from everything else that is signed: the same change state read twice
 * (the ServiceNow poller re-reads the last change of each poll) is the same record with the same
 * event id, which the engine treats as a re-delivery; any different approval gets a different
 * nonce. Ed25519 signatures are deterministic (RFC 8032), so nothing here is random.
 */
public final class ApprovalSigner {

    /** How long after its event time a signed approval may still be accepted by the engine. */
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(1);
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final String keyId;
    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final Duration validity;

    /**
     * @param keyId      written into every signature; the engine's trusted keys are looked up by it
     * @param privateKey an Ed25519 private key
     * @param publicKey  its public key, if known (ephemeral signers hand it to an in-process engine)
     * @param validity   expiry of each signature after the approval's event time
     */
    public ApprovalSigner(final String keyId, final PrivateKey privateKey, final PublicKey publicKey,
                          final Duration validity) {
        this.keyId = requireKeyId(keyId);
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
        this.publicKey = publicKey;
        if (validity == null || validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("approval signature validity must be positive, was " + validity);
        }
        this.validity = validity;
    }

    /** A signer with a fresh key pair held only in memory: replay into an in-process engine. */
    public static ApprovalSigner ephemeral(final String keyId) {
        final KeyPair pair = generateKeyPair();
        return new ApprovalSigner(keyId, pair.getPrivate(), pair.getPublic(), DEFAULT_VALIDITY);
    }

    /** A fresh Ed25519 key pair. */
    public static KeyPair generateKeyPair() {
        try {
            return KeyPairGenerator.getInstance(ApprovalSignatures.ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no " + ApprovalSignatures.ALGORITHM + " provider", e);
        }
    }

    /** Checks a key id: letters, digits, {@code .}, {@code _}, {@code -}, at most 64 characters. */
    public static String requireKeyId(final String keyId) {
        if (keyId == null || !KEY_ID.matcher(keyId).matches()) {
            throw new IllegalArgumentException("key id must be 1-64 letters, digits, '.', '_' or '-' "
                    + "starting with a letter or digit, was '" + keyId + "'");
        }
        return keyId;
    }

    public String keyId() {
        return keyId;
    }

    /** The public key, when this signer knows it. */
    public Optional<PublicKey> publicKey() {
        return Optional.ofNullable(publicKey);
    }

    /** The envelope to publish: {@code approval} signed for event time {@code at}. */
    public Envelope envelope(final String source, final Instant at, final ApprovalEvent approval) {
        return Envelope.of(source, at, null, sign(at, approval));
    }

    /** {@code approval} (any signature it had replaced) signed for event time {@code at}. */
    public ApprovalEvent sign(final Instant at, final ApprovalEvent approval) {
        final ApprovalEvent.Signature unsigned = new ApprovalEvent.Signature(keyId, ApprovalSignatures.ALGORITHM,
                null, at.plus(validity), null);
        final String nonce = nonce(ApprovalSignatures.canonical(at, approval.withSignature(unsigned)));
        final ApprovalEvent toSign = approval.withSignature(new ApprovalEvent.Signature(keyId,
                ApprovalSignatures.ALGORITHM, nonce, unsigned.expiresAt(), null));
        try {
            final Signature signature = Signature.getInstance(ApprovalSignatures.ALGORITHM);
            signature.initSign(privateKey);
            signature.update(ApprovalSignatures.canonical(at, toSign));
            final String value = Base64.getEncoder().encodeToString(signature.sign());
            return approval.withSignature(new ApprovalEvent.Signature(keyId, ApprovalSignatures.ALGORITHM, nonce,
                    unsigned.expiresAt(), value));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with key " + keyId + ": " + e.getMessage(), e);
        }
    }

    /** 128 bits of SHA-256 over the rest of the canonical form, base64url. */
    private static String nonce(final byte[] canonicalWithoutNonce) {
        try {
            final byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonicalWithoutNonce);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 16));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
