package dev.restoreguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreguard.events.Json;
import co.elastic.clients.elasticsearch.ElasticsearchClient;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.sinks.elasticsearch.ElasticsearchClients;
import dev.restoreguard.sinks.elasticsearch.ElasticsearchSinkConfig;
import dev.restoreguard.sinks.timeline.Timeline;
import dev.restoreguard.sinks.timeline.TimelineException;
import dev.restoreguard.sinks.timeline.TimelineFormat;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The end of the demo: checks that the alerts the scenario expects arrived on the console, finds the
 * restore verdict in Elasticsearch's latest-state index {@code restoreguard-alerts} and tells the
 * newcomer where to look next: the verdict's timeline. Reads Elasticsearch only.
 */
final class DemoFindings {

    private static final Duration VERDICT_WAIT = Duration.ofSeconds(60);
    private static final Duration SEARCHABLE_WAIT = Duration.ofSeconds(60);

    private final String elasticsearchUrl;
    private final UpCommand.Console console;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    DemoFindings(final String elasticsearchUrl, final UpCommand.Console console) {
        this.elasticsearchUrl = elasticsearchUrl;
        this.console = console;
    }

    /** Reports each expected alert; returns the restore verdict that reached Elasticsearch, if any. */
    Optional<Alert> report(final List<DemoIncident.Expected> expected, final AtomicBoolean stopping)
            throws InterruptedException, IOException {
        // A restore verdict is new in every run (per-run session ids); a hosts-file finding may still be
        // open from an earlier run, which Elasticsearch's latest-state index shows.
        final long deadline = System.nanoTime() + VERDICT_WAIT.toNanos();
        final java.util.Map<DemoIncident.Expected, String> found = new java.util.LinkedHashMap<>();
        while (!stopping.get() && found.size() < expected.size() && System.nanoTime() < deadline) {
            for (DemoIncident.Expected e : expected) {
                if (found.containsKey(e)) {
                    continue;
                }
                final Alert seen = console.seen(e.rule(), e.subject());
                if (seen != null) {
                    found.put(e, "(" + seen.alert().severity().label() + ")");
                } else if (!e.subject().startsWith("restore:")) {
                    latest(Alert.idOf(e.rule(), e.subject())).ifPresent(doc -> found.put(e, "is still open since "
                            + doc.path("@timestamp").asText() + " (raised by an earlier run: a finding stays open)"));
                }
            }
            if (found.size() < expected.size()) {
                Thread.sleep(250); // polling the console's alerts and Elasticsearch, bounded by the deadline
            }
        }
        Alert verdict = null;
        for (DemoIncident.Expected e : expected) {
            if (found.containsKey(e)) {
                console.println("[demo] \u2714 " + e.rule() + " " + e.subject() + " " + found.get(e));
                if (verdict == null && e.subject().startsWith("restore:")) {
                    verdict = console.seen(e.rule(), e.subject());
                }
            } else {
                console.println("[demo] \u2718 " + e.rule() + " " + e.subject() + " did not arrive within "
                        + VERDICT_WAIT.toSeconds() + " s; see the engine log above");
            }
        }
        if (verdict == null) {
            return Optional.empty();
        }
        final long started = System.nanoTime();
        final long searchDeadline = started + SEARCHABLE_WAIT.toNanos();
        while (!stopping.get() && System.nanoTime() < searchDeadline) {
            if (latest(verdict.alert().id()).isPresent()) {
                console.println(String.format("[demo] the %s alert is searchable in Elasticsearch: curl -s '%s/restoreguard-alerts/_doc/%s?pretty'",
                        verdict.rule().id(), elasticsearchUrl, verdict.alert().id()));
                printTimeline(verdict);
                return Optional.of(verdict);
            }
            Thread.sleep(250); // polling Elasticsearch for the document, bounded by the deadline
        }
        console.println("[demo] the " + verdict.rule().id() + " alert did not reach Elasticsearch within "
                + SEARCHABLE_WAIT.toSeconds() + " s; is the Elasticsearch sink healthy?");
        return Optional.empty();
    }

    /** What happened, in what order, and who did it: the timeline of the verdict, from Elasticsearch. */
    private void printTimeline(final Alert verdict) {
        final String command = String.format("./restoreguard timeline --alert %s --es-url %s", verdict.alert().id(), elasticsearchUrl);
        try (ElasticsearchClient client = ElasticsearchClients.create(
                ElasticsearchSinkConfig.DEFAULT.withUrls(List.of(elasticsearchUrl)))) {
            final Timeline timeline = Timeline.forAlert(client, verdict.alert().id());
            console.println("[demo] the timeline of the " + verdict.rule().id() + " alert (" + command + "):");
            console.println(TimelineFormat.TEXT.render(timeline).stripTrailing());
            console.println("[demo] the same as a self-contained incident report: " + command + " --format html --out incident.html");
        } catch (TimelineException | IOException e) {
            console.println("[demo] the timeline could not be read (" + e.getMessage() + "); try: " + command);
        }
    }

    /** The latest-state document of an alert id, if Elasticsearch has it. */
    private Optional<JsonNode> latest(final String alertId) throws IOException, InterruptedException {
        final HttpRequest request = HttpRequest.newBuilder(URI.create(elasticsearchUrl + "/restoreguard-alerts/_doc/" + alertId))
                .timeout(Duration.ofSeconds(10)).GET().build();
        final HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            return Optional.empty(); // Elasticsearch busy or restarting: the caller polls again
        }
        if (response.statusCode() != 200) {
            return Optional.empty();
        }
        final JsonNode doc = Json.MAPPER.readTree(response.body());
        return doc.path("found").asBoolean() ? Optional.of(doc.path("_source")) : Optional.empty();
    }
}
