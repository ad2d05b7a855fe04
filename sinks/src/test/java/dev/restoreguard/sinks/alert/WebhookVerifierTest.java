package dev.restoreguard.sinks.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreguard.events.Json;
import dev.restoreguard.sinks.Fixtures;
import dev.restoreguard.sinks.alert.config.WebhookConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookVerifierTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final Instant NOW = Instant.parse("2026-11-27T16:02:00Z");

    /** Headers and body exactly as the real {@link WebhookChannel} produces them at {@code signedAt}. */
    private static Map<String, String> signed(final Instant signedAt, final String[] bodyOut) {
        final WebhookChannel channel = new WebhookChannel(new WebhookConfig("hook", null, null, null, null,
                "http://127.0.0.1:1/hook", SECRET), Clock.fixed(signedAt, ZoneOffset.UTC));
        final JsonNode body = channel.body(Fixtures.alert("open"), AlertMessage.of(Fixtures.alert("open"), null));
        bodyOut[0] = body.toString();
        return channel.headers("alert-1-v1", bodyOut[0]);
    }

    private static WebhookVerifier verifier() {
        return new WebhookVerifier(SECRET, Duration.ofMinutes(5), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void shouldAcceptWhatTheWebhookChannelSignedAndReturnTheId() throws Exception {
        final String[] body = new String[1];
        final Map<String, String> headers = signed(NOW.minusSeconds(30), body);
        final Map<String, List<String>> asServerSeesThem = new HashMap<>();
        headers.forEach((name, value) -> asServerSeesThem.put(name.toUpperCase(), List.of(value)));

        assertThat(verifier().verify(headers, body[0])).isEqualTo("alert-1-v1");
        assertThat(verifier().verify(asServerSeesThem, body[0])).isEqualTo("alert-1-v1");
        assertThat(Json.MAPPER.readTree(body[0]).path("data").path("alert").isObject()).isTrue();
    }

    @Test
    void shouldRejectATamperedBody() {
        final String[] body = new String[1];
        final Map<String, String> headers = signed(NOW, body);
        final String tampered = body[0].replace("\"open\"", "\"retracted\"");
        assertThat(tampered).isNotEqualTo(body[0]);

        assertThatThrownBy(() -> verifier().verify(headers, tampered))
                .isInstanceOf(WebhookVerifier.RejectedException.class).hasMessageContaining("no webhook-signature matches");
        assertThatThrownBy(() -> verifier().verify(headers, body[0] + " "))
                .isInstanceOf(WebhookVerifier.RejectedException.class);
    }

    @Test
    void shouldRejectATamperedTimestampOrId() {
        final String[] body = new String[1];
        final Map<String, String> headers = new HashMap<>(signed(NOW, body));
        headers.put("webhook-timestamp", Long.toString(NOW.getEpochSecond() + 1));
        assertThatThrownBy(() -> verifier().verify(headers, body[0])).isInstanceOf(WebhookVerifier.RejectedException.class);

        final Map<String, String> otherId = new HashMap<>(signed(NOW, body));
        otherId.put("webhook-id", "alert-2-v1");
        assertThatThrownBy(() -> verifier().verify(otherId, body[0])).isInstanceOf(WebhookVerifier.RejectedException.class);
    }

    @Test
    void shouldAcceptTimestampsWithinTheToleranceOnlyInBothDirections() throws Exception {
        final String[] body = new String[1];
        assertThat(verifier().verify(signed(NOW.minusSeconds(300), body), body[0])).isEqualTo("alert-1-v1");
        assertThat(verifier().verify(signed(NOW.plusSeconds(300), body), body[0])).isEqualTo("alert-1-v1");

        final Map<String, String> old = signed(NOW.minusSeconds(301), body);
        assertThatThrownBy(() -> verifier().verify(old, body[0]))
                .isInstanceOf(WebhookVerifier.RejectedException.class).hasMessageContaining("more than 300 s away");
        final Map<String, String> future = signed(NOW.plusSeconds(301), body);
        assertThatThrownBy(() -> verifier().verify(future, body[0])).isInstanceOf(WebhookVerifier.RejectedException.class);
    }

    @Test
    void shouldRejectAnotherSecretAndMissingHeaders() {
        final String[] body = new String[1];
        final Map<String, String> headers = signed(NOW, body);
        final WebhookVerifier other = new WebhookVerifier("whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]),
                Duration.ofMinutes(5), Clock.fixed(NOW, ZoneOffset.UTC));
        assertThatThrownBy(() -> other.verify(headers, body[0])).isInstanceOf(WebhookVerifier.RejectedException.class);

        final Map<String, String> unsigned = new HashMap<>(headers);
        unsigned.remove("webhook-signature");
        assertThatThrownBy(() -> verifier().verify(unsigned, body[0]))
                .isInstanceOf(WebhookVerifier.RejectedException.class).hasMessage("missing header webhook-signature");
    }

    @Test
    void shouldAcceptOneOfSeveralSignaturesDuringARotation() throws Exception {
        final String[] body = new String[1];
        final Map<String, String> headers = new HashMap<>(signed(NOW, body));
        headers.put("webhook-signature", "v1,bm90LXRoaXMtb25l " + headers.get("webhook-signature"));
        assertThat(verifier().verify(headers, body[0])).isEqualTo("alert-1-v1");
    }

    @Test
    void shouldNotEchoTheSecretWhenItIsMalformed() {
        assertThatThrownBy(() -> new WebhookVerifier("whsec_not*base64"))
                .isInstanceOf(IllegalArgumentException.class).message().doesNotContain("not*base64");
    }
}
