package dev.restoreguard.sinks.alert;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What a webhook receiver runs to check that a request really comes from RestoreGuard's webhook
 * channel ({@link WebhookChannel}), which signs per Standard Webhooks: HMAC-SHA256 over
 * {@code <webhook-id>.<webhook-timestamp>.<raw body>}, keyed with the base64 part of the shared
 * {@code whsec_} secret, sent as {@code webhook-signature: v1,<base64>} (several space-separated
 * signatures are allowed while a secret is rotated).
 *
 * <p>Only the JDK is needed. Verify the <em>raw</em> body bytes as received, before any JSON
 * parsing (re-serialized JSON no longer matches), and de-duplicate on {@code webhook-id}: our
 * retries reuse it.
 *
 * <pre>{@code
 * WebhookVerifier verifier = new WebhookVerifier(System.getenv("WEBHOOK_SECRET"));
 * try {
 *     verifier.verify(requestHeaders, rawBody);   // header names case-insensitive
 * } catch (WebhookVerifier.RejectedException e) {
 *     respond(401, e.getMessage());               // never process the body
 * }
 * }</pre>
 *
 * <p>A timestamp further than the tolerance (default 5 minutes) from the receiver's clock, in
 * either direction, is rejected: a captured request cannot be replayed later.
 */
public final class WebhookVerifier {

    /** The tolerance the Standard Webhooks libraries use. */
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    private final byte[] key;
    private final Duration tolerance;
    private final Clock clock;

    /** A verifier for {@code secret} ({@code whsec_<base64>}) with the default tolerance. */
    public WebhookVerifier(final String secret) {
        this(secret, DEFAULT_TOLERANCE, Clock.systemUTC());
    }

    /**
     * A verifier for {@code secret} that accepts timestamps within {@code tolerance} of {@code clock}.
     *
     * @throws IllegalArgumentException if the secret is not {@code whsec_} + base64
     */
    public WebhookVerifier(final String secret, final Duration tolerance, final Clock clock) {
        Objects.requireNonNull(secret, "secret");
        if (!secret.startsWith("whsec_")) {
            throw new IllegalArgumentException("webhook secret must start with whsec_");
        }
        try {
            this.key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        } catch (final IllegalArgumentException e) {
            // Not the secret itself in the message: it may end up in a log.
            throw new IllegalArgumentException("webhook secret is not base64 after whsec_");
        }
        this.tolerance = Objects.requireNonNull(tolerance, "tolerance");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Checks one request; returns its {@code webhook-id} (the key to de-duplicate on).
     *
     * @param headers the request headers (names in any case; the first value of each is used)
     * @param body    the raw request body
     * @throws RejectedException naming why: a missing header, a timestamp outside the tolerance,
     *     or no matching signature (tampered body, id or timestamp, or another secret)
     */
    public String verify(final Map<String, ?> headers, final byte[] body) throws RejectedException {
        final String id = header(headers, "webhook-id");
        final String timestamp = header(headers, "webhook-timestamp");
        final String signatures = header(headers, "webhook-signature");
        final long seconds;
        try {
            seconds = Long.parseLong(timestamp.strip());
        } catch (final NumberFormatException e) {
            throw new RejectedException("webhook-timestamp is not a number of seconds: " + timestamp);
        }
        final long now = clock.instant().getEpochSecond();
        if (Math.abs(now - seconds) > tolerance.toSeconds()) {
            throw new RejectedException("webhook-timestamp " + seconds + " is more than " + tolerance.toSeconds()
                    + " s away from now (" + now + ")");
        }
        final byte[] expected = StandardWebhooks.sign(key, id, seconds, new String(body, StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.US_ASCII);
        for (final String candidate : signatures.strip().split(" +")) {
            // Constant time: a receiver must not leak how many leading bytes matched.
            if (MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.US_ASCII))) {
                return id;
            }
        }
        throw new RejectedException("no webhook-signature matches (tampered request or another secret)");
    }

    /** {@link #verify(Map, byte[])} for a body already held as a string (UTF-8). */
    public String verify(final Map<String, ?> headers, final String body) throws RejectedException {
        return verify(headers, body.getBytes(StandardCharsets.UTF_8));
    }

    private static String header(final Map<String, ?> headers, final String name) throws RejectedException {
        for (final Map.Entry<String, ?> entry : headers.entrySet()) {
            if (entry.getKey() != null && entry.getKey().toLowerCase(Locale.ROOT).equals(name)) {
                final Object value = entry.getValue();
                final Object first = value instanceof Iterable<?> values
                        ? (values.iterator().hasNext() ? values.iterator().next() : null)
                        : value;
                if (first != null && !first.toString().isBlank()) {
                    return first.toString();
                }
            }
        }
        throw new RejectedException("missing header " + name);
    }

    /** A request that failed verification; the message says why (no secret in it). */
    public static final class RejectedException extends Exception {

        private static final long serialVersionUID = 1L;

        RejectedException(final String message) {
            super(message);
        }
    }
}
