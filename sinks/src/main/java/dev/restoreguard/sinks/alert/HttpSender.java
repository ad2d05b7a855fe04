package dev.restoreguard.sinks.alert;

import dev.restoreguard.sinks.retry.RetriableException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * POSTs JSON and sorts the answer for the retry logic: 2xx is delivered; 408, 425, 429 and 5xx are
 * retriable (honouring {@code Retry-After}); 401, 403, 404 and 410 are retriable too, because they
 * mean a wrong or revoked URL or key that a person will fix, and alerts must not be dropped
 * meanwhile; any other 4xx is permanent (the payload itself is refused).
 */
public final class HttpSender {

    private final HttpClient client;
    private final Duration timeout;

    public HttpSender(final Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Sends {@code body} to {@code url}; returns {@code HTTP <status>} when delivered. */
    public String postJson(final String url, final Map<String, String> headers, final String body)
            throws IOException, InterruptedException, PermanentDeliveryException {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "RestoreGuard-alerts/1")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        headers.forEach(request::header);
        final HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        final int status = response.statusCode();
        final String answer = "HTTP " + status + (response.body() == null || response.body().isBlank() ? ""
                : ": " + abbreviate(response.body()));
        if (status >= 200 && status < 300) {
            return "HTTP " + status;
        }
        if (status == 408 || status == 425 || status == 429 || status >= 500) {
            throw new RetriableException(answer, null, retryAfter(response).orElse(null));
        }
        if (status == 401 || status == 403 || status == 404 || status == 410) {
            throw new RetriableException(answer + " (check the channel's URL and credentials)");
        }
        throw new PermanentDeliveryException(answer);
    }

    private static Optional<Duration> retryAfter(final HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(value -> {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(value.trim())));
            } catch (NumberFormatException e) {
                return Optional.empty(); // an HTTP date: the jittered backoff will do
            }
        });
    }

    private static String abbreviate(final String text) {
        final String oneLine = text.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "…";
    }
}
