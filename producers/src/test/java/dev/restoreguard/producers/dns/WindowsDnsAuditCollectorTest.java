package dev.restoreguard.producers.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.dns.DnsRecordChange;
import dev.restoreguard.producers.config.CollectorConfig;
import dev.restoreguard.producers.runtime.Metrics;
import dev.restoreguard.producers.testing.ListSink;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WindowsDnsAuditCollectorTest {

    @TempDir
    Path tmp;

    private static String event(final int id, final String name, final String rdata) {
        return WindowsDnsAuditParserTest.event(id, "1", name, rdata);
    }

    private static void append(final Path file, final String text) throws Exception {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void shouldFollowAFileAcrossRestartsWithoutRepeatingEvents() throws Exception {
        final Path file = tmp.resolve("winlogbeat.ndjson");
        append(file, event(515, "a", "0x0A000001") + "\n" + event(541, "x", "0x0A000002") + "\n{broken\n");
        final Metrics metrics = new Metrics();
        final ListSink sink = new ListSink();
        try (WindowsDnsAuditCollector c = new WindowsDnsAuditCollector(List.of(file), null, null, tmp.resolve("state"), metrics)) {
            c.start(sink);
            assertThat(sink.events()).hasSize(1);
            append(file, event(516, "a", "0x0A000001") + "\n" + event(515, "b", "10.0.0.2")); // last line incomplete
            c.followNow();
            assertThat(sink.events()).hasSize(2);
            append(file, "\n");
            c.followNow();
            assertThat(sink.events()).hasSize(3);
        }
        assertThat(metrics.skippedCount("windows-dns-event-ignored")).isEqualTo(1);
        assertThat(metrics.skippedCount("windows-dns-malformed")).isEqualTo(1);
        assertThat(sink.events()).extracting(p -> ((DnsRecordChange) p.envelope().payload()).action())
                .containsExactly("add", "delete", "add");

        final ListSink again = new ListSink();
        try (WindowsDnsAuditCollector c = new WindowsDnsAuditCollector(List.of(file), null, null, tmp.resolve("state"), new Metrics())) {
            c.start(again);
        }
        assertThat(again.events()).as("a restart continues where it stopped").isEmpty();
    }

    @Test
    void shouldSkipOverlongLinesAndKeepGoing() throws Exception {
        final Path file = tmp.resolve("w.ndjson");
        append(file, "x".repeat(WindowsDnsAuditCollector.MAX_LINE + 10) + "\n" + event(515, "a", "0x0A000001") + "\n");
        final Metrics metrics = new Metrics();
        final ListSink sink = new ListSink();
        try (WindowsDnsAuditCollector c = new WindowsDnsAuditCollector(List.of(file), null, null, tmp.resolve("state"), metrics)) {
            c.start(sink);
        }
        assertThat(sink.events()).hasSize(1);
        assertThat(metrics.skippedCount("windows-dns-line-too-long")).isEqualTo(1);
    }

    @Test
    void shouldAcceptJsonLinesAndArraysOverHttp() throws Exception {
        final ListSink sink = new ListSink();
        try (WindowsDnsAuditCollector c = new WindowsDnsAuditCollector(List.of(), new CollectorConfig.Http("127.0.0.1", 0),
                "dc01.corp.example", tmp.resolve("state"), new Metrics())) {
            c.start(sink);
            final HttpClient client = HttpClient.newHttpClient();
            final URI uri = URI.create("http://127.0.0.1:" + c.httpPort() + "/");
            final HttpResponse<String> lines = client.send(HttpRequest.newBuilder(uri)
                    .POST(HttpRequest.BodyPublishers.ofString(event(515, "a", "0x0A000001") + "\n" + event(540, "b", "x")))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(lines.statusCode()).isEqualTo(200);
            assertThat(lines.body()).isEqualTo("{\"accepted\":1,\"ignored\":1,\"skipped\":0}");
            final HttpResponse<String> array = client.send(HttpRequest.newBuilder(uri)
                    .POST(HttpRequest.BodyPublishers.ofString("[" + event(520, "a", "0x0A000001") + "]")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(array.body()).isEqualTo("{\"accepted\":1,\"ignored\":0,\"skipped\":0}");
            sink.refuse(true);
            final HttpResponse<String> full = client.send(HttpRequest.newBuilder(uri)
                    .POST(HttpRequest.BodyPublishers.ofString(event(515, "c", "0x0A000003"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(full.statusCode()).isEqualTo(503);
        }
        assertThat(sink.events()).hasSize(2);
    }
}
