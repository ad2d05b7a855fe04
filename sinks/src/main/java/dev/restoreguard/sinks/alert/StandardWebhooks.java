package dev.restoreguard.sinks.alert;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Standard Webhooks signature scheme: {@code webhook-signature: v1,<base64 HMAC-SHA256>} over
 * {@code <webhook-id>.<webhook-timestamp>.<body>}, keyed with the base64-decoded part of a
 * {@code whsec_} secret. {@link #verify} is what a receiver does (used by our tests, and useful to
 * anyone writing a receiver in Java).
 */
public final class StandardWebhooks {

    private StandardWebhooks() {
    }

    /** The {@code v1,<signature>} header value. */
    public static String sign(final byte[] key, final String id, final long timestampSeconds, final String body) {
        try {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            final byte[] signature = mac.doFinal((id + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(signature);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /**
     * Whether one of the space-separated signatures of {@code signatureHeader} matches (constant-time
     * comparison), and the timestamp is within {@code toleranceSeconds} of {@code nowSeconds}.
     */
    public static boolean verify(final byte[] key, final String id, final String timestamp, final String body,
                                 final String signatureHeader, final long nowSeconds, final long toleranceSeconds) {
        if (id == null || timestamp == null || signatureHeader == null) {
            return false;
        }
        final long ts;
        try {
            ts = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(nowSeconds - ts) > toleranceSeconds) {
            return false;
        }
        final byte[] expected = sign(key, id, ts, body).getBytes(StandardCharsets.UTF_8);
        for (final String candidate : signatureHeader.split(" ")) {
            if (MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.UTF_8))) {
                return true;
            }
        }
        return false;
    }
}
