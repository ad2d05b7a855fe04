package dev.restoreguard.events.approval;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.restoreguard.events.Json;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an approval signature covers and how it is checked, shared by the approval bridge (which
 * signs, in {@code producers}) and the engine (which verifies, in {@code streams}).
 *
 * <p>The canonical form is a JSON array in a fixed order: a version tag, change id, state,
 * targets, window start and end, approved by, origin, the record's event time, then the
 * signature's key id, algorithm, nonce and expiry. Changing any of them, or moving the record to
 * another event time, breaks the signature. Ed25519 (RFC 8032) through the JDK's
 * {@code java.security} provider; keys travel as PEM: X.509 {@code PUBLIC KEY} for the engine's
 * trusted keys, PKCS#8 {@code PRIVATE KEY} for the bridge.
 */
public final class ApprovalSignatures {

    /** The one signature algorithm (JCA name, also written in {@code signature.algorithm}). */
    public static final String ALGORITHM = "Ed25519";
    /** Version tag of the canonical form, first element of the signed array. */
    public static final String CANONICAL_VERSION = "restoreguard-approval-v1";

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");

    private ApprovalSignatures() {
    }

    /**
     * The bytes a signature covers: the approval's fields, its event time {@code at} and the
     * signature's metadata (everything but the signature value).
     */
    public static byte[] canonical(final Instant at, final ApprovalEvent approval) {
        final ApprovalEvent.Signature sig = approval.signature();
        final List<Object> fields = Arrays.asList(CANONICAL_VERSION, approval.changeId(), approval.state(),
                approval.targets(),
                approval.window() == null ? null : approval.window().start().toString(),
                approval.window() == null ? null : approval.window().end().toString(),
                approval.approvedBy(), approval.origin(), at.toString(),
                sig == null ? null : sig.keyId(), sig == null ? null : sig.algorithm(),
                sig == null ? null : sig.nonce(),
                sig == null || sig.expiresAt() == null ? null : sig.expiresAt().toString());
        try {
            return Json.MAPPER.writeValueAsBytes(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("canonical approval not serializable", e);
        }
    }

    /**
     * Whether the approval's signature value is a valid {@value #ALGORITHM} signature by
     * {@code key} over {@link #canonical}. False (never an exception) for a missing, malformed or
     * foreign signature.
     */
    public static boolean verify(final PublicKey key, final Instant at, final ApprovalEvent approval) {
        final ApprovalEvent.Signature sig = approval.signature();
        if (sig == null || sig.value() == null || !ALGORITHM.equals(sig.algorithm())) {
            return false;
        }
        final byte[] value;
        try {
            value = Base64.getDecoder().decode(sig.value().trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        try {
            final Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key);
            verifier.update(canonical(at, approval));
            return verifier.verify(value);
        } catch (SignatureException | InvalidKeyException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no " + ALGORITHM + " provider", e);
        }
    }

    /** A public key as PEM ({@code -----BEGIN PUBLIC KEY-----}, X.509 SubjectPublicKeyInfo). */
    public static String publicKeyPem(final PublicKey key) {
        return pem("PUBLIC KEY", key.getEncoded());
    }

    /** PEM text of a DER structure with the given label, lines of 64 characters. */
    public static String pem(final String label, final byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    /** The DER bytes of the first PEM block labelled {@code label} in {@code text}. */
    public static byte[] pemBody(final String text, final String label) {
        final Matcher m = PEM.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(label)) {
                try {
                    return Base64.getMimeDecoder().decode(m.group(2));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("the " + label + " block is not valid base64", e);
                }
            }
        }
        throw new IllegalArgumentException("no -----BEGIN " + label + "----- block");
    }

    /** An {@value #ALGORITHM} public key from PEM text; a clear error for anything else. */
    public static PublicKey readPublicKey(final String pemText) {
        try {
            final PublicKey key = KeyFactory.getInstance(ALGORITHM)
                    .generatePublic(new X509EncodedKeySpec(pemBody(pemText, "PUBLIC KEY")));
            return key;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an " + ALGORITHM + " public key: " + e.getMessage(), e);
        }
    }
}
