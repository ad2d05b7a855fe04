package dev.restoreguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.Topic;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.sinks.elasticsearch.ElasticsearchClients;
import dev.restoreguard.sinks.elasticsearch.ElasticsearchSinkConfig;
import dev.restoreguard.sinks.elasticsearch.ElasticsearchSinkService;
import dev.restoreguard.sinks.service.Metrics;
import dev.restoreguard.sinks.service.SinkService;
import dev.restoreguard.sinks.timeline.IncidentDocuments;
import dev.restoreguard.sinks.timeline.Timeline;
import dev.restoreguard.sinks.timeline.TimelineException;
import dev.restoreguard.sinks.timeline.TimelineScope;
import dev.restoreguard.streams.app.CorrelationApp;
import dev.restoreguard.streams.app.EngineConfig;
import dev.restoreguard.testkit.TestStack;
import dev.restoreguard.testkit.WithLocalStack;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import picocli.CommandLine;

/**
 * The whole investigation path on the real stack: the Friday incident (its hosts-file edit naming
 * its writer and carrying markup in a comment) is replayed into the real broker with
 * {@code restoreguard replay --bootstrap-server}, judged by the real engine, indexed by the real
 * Elasticsearch sink into a private namespace, and {@code restoreguard timeline} must print the
 * chain in order with the causal sentence. The HTML report is then opened in headless Chromium
 * (the Debian packages {@code chromium} and {@code chromium-driver}), which must show the timeline
 * and the hosts diff, and run none of the markup.
 */
@WithLocalStack
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TimelineIT {

    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final String SENTENCE = "sql-dev-01.corp.example resolved to 10.20.1.15 (production) because of line 8 "
            + "of vbr01's hosts file, added 21 minutes earlier by CORP\\jdoe.";
    private static final Path OUT = Path.of("target", "timeline-it");

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String session = UUID.randomUUID().toString();
    private final String namespace = "timelineit" + suffix;
    private final String latestIndex = "restoreguard-alerts-timelineit" + suffix;
    private TestStack stack;
    private Path stateDir;
    private CorrelationApp engine;
    private SinkService sink;
    private String rg001;

    @BeforeAll
    void replayTheIncidentThroughTheStack(final TestStack testStack) throws Exception {
        stack = testStack;
        Files.createDirectories(OUT);
        stateDir = Files.createTempDirectory("restoreguard-timeline-it");
        final String application = "restoreguard-timeline-it-" + suffix;
        engine = new CorrelationApp(EngineConfig.defaults().withBootstrapServers(stack.bootstrapServers())
                .withApplication(application, stateDir, freePort()), Duration.ofSeconds(30));
        engine.start();
        assertThat(engine.awaitRunning(DEADLINE)).as("engine RUNNING, state " + engine.state()).isTrue();
        sink = ElasticsearchSinkService.create(ElasticsearchSinkConfig.DEFAULT
                        .withUrls(List.of(stack.elasticsearchUrl().toString()))
                        .withTopology("restoreguard-timeline-it-sink-" + suffix, Topics.events().stream().map(Topic::name).toList(),
                                Topics.ALERTS.name(), Topics.DLQ.name(), namespace, latestIndex),
                stack.kafkaConfig(), Map.of(), new Metrics());
        sink.start();

        final Path scenario = OUT.resolve("timeline-incident-" + suffix + ".jsonl");
        Files.writeString(scenario, resource("/scenarios/timeline-incident.jsonl").replace("@SESSION@", session));
        // replay waits for the engine to take in each reference record; the alerts are awaited in
        // Elasticsearch below, not in replay's output (its settle time is a guess on a busy machine)
        final Run replay = run("replay", scenario.toString(), "--bootstrap-server", stack.bootstrapServers(),
                "--engine-application-id", application, "--settle", "PT1S");
        assertThat(replay.exit()).as(replay.err()).isZero();
        rg001 = Alert.idOf("RG-001", "restore:veeam:" + session); // alert ids are deterministic per (rule, subject)
        awaitIndexed();
    }

    @AfterAll
    void stop() throws IOException {
        if (sink != null) {
            sink.close();
        }
        if (engine != null) {
            engine.close();
        }
        if (stateDir != null) {
            try (Stream<Path> paths = Files.walk(stateDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void shouldPrintTheChainInOrderWithTheCausalSentence() {
        final Run timeline = run("timeline", "--alert", rg001, "--es-url", stack.elasticsearchUrl().toString(),
                "--namespace", namespace, "--latest-index", latestIndex);
        assertThat(timeline.exit()).as(timeline.err()).isZero();
        final String text = timeline.out();
        writeQuietly(OUT.resolve("timeline-" + suffix + ".txt"), text); // for a person reading a failure

        assertThat(text).contains("because: " + SENTENCE);
        final List<String> order = List.of("CORP\\jdoe changed C:\\Windows\\System32\\drivers\\etc\\hosts on vbr01.corp.example",
                "ALERT      RG-003", "CORP\\jdoe started veeam restore \"Restore Sales to DEV\" of database Sales to sql-dev-01",
                "ALERT      RG-001", "ALERT      RG-002", "restore \"Restore Sales to DEV\" of database Sales finished");
        int previous = -1;
        for (String step : order) {
            final int at = text.indexOf(step);
            assertThat(at).as("'%s' after the previous step in:%n%s", step, text).isGreaterThan(previous);
            previous = at;
        }
        assertThat(text).contains("No change request named sql-dev-01.corp.example or 10.20.1.15 at 2026-11-20 16:02:00Z");
        assertThat(text).contains("+ 8    10.20.1.15\tsql-dev-01.corp.example sql-dev-01   # temp fix <script>");

        final Run bySession = run("timeline", "--session", session, "--format", "json", "--es-url",
                stack.elasticsearchUrl().toString(), "--namespace", namespace, "--latest-index", latestIndex);
        assertThat(bySession.exit()).as(bySession.err()).isZero();
        assertThat(json(bySession.out()).path("entries").findValuesAsText("rule")).contains("RG-001", "RG-002");

        final Run missing = run("timeline", "--alert", "no-such-alert", "--es-url", stack.elasticsearchUrl().toString(),
                "--namespace", namespace, "--latest-index", latestIndex);
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("no alert with id no-such-alert");
    }

    @Test
    void shouldRenderTheHtmlReportInHeadlessChromium() throws Exception {
        final Path report = OUT.resolve("incident-" + suffix + ".html").toAbsolutePath();
        final Run html = run("timeline", "--alert", rg001, "--format", "html", "--out", report.toString(),
                "--es-url", stack.elasticsearchUrl().toString(), "--namespace", namespace, "--latest-index", latestIndex);
        assertThat(html.exit()).as(html.err()).isZero();

        final ChromeDriver browser = chromium();
        try {
            browser.get(report.toUri().toString());
            final WebElement svg = browser.findElement(By.id("timeline-svg"));
            assertThat(svg.isDisplayed()).isTrue();
            assertThat(svg.getRect().getHeight()).isGreaterThan(200);
            final List<String> labels = svg.findElements(By.cssSelector("text.label")).stream().map(WebElement::getText).toList();
            assertThat(labels).anySatisfy(l -> assertThat(l).startsWith("alert: RG-001"));
            assertThat(labels).anySatisfy(l -> assertThat(l).startsWith("hosts file: CORP\\jdoe changed"));

            final WebElement diff = browser.findElement(By.id("hosts-diff"));
            assertThat(diff.isDisplayed()).isTrue();
            final WebElement added = diff.findElement(By.cssSelector("pre.diff span.add"));
            assertThat(added.isDisplayed()).isTrue();
            assertThat(added.getText()).contains("10.20.1.15").contains("sql-dev-01.corp.example")
                    .contains("<script>window.pwned=1</script><img src=x onerror=\"window.pwned=2\">");
            assertThat(browser.findElement(By.id("summary")).getText()).contains(SENTENCE);
            assertThat(browser.findElement(By.id("approvals")).getText()).contains("none");

            // the markup from the hosts-file comment is text, never elements or script
            assertThat(browser.findElements(By.tagName("img"))).isEmpty();
            assertThat(browser.findElements(By.tagName("script"))).isEmpty();
            assertThat(((JavascriptExecutor) browser).executeScript("return typeof window.pwned")).isEqualTo("undefined");

            final Path screenshot = OUT.resolve("incident-" + suffix + ".png");
            Files.write(screenshot, browser.getScreenshotAs(OutputType.BYTES));
            assertThat(Files.size(screenshot)).isGreaterThan(10_000);
        } finally {
            browser.quit();
        }
    }

    /** The system's Chromium and chromedriver: skipped with a reason outside CI when absent, a failure under CI. */
    private static ChromeDriver chromium() throws IOException {
        final File binary = firstExisting("/usr/bin/chromium", "/usr/bin/chromium-browser");
        final File driver = firstExisting("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
        if (binary == null || driver == null) {
            final String why = "headless Chromium is needed to check the HTML report: install the Debian packages "
                    + "chromium and chromium-driver (found browser " + binary + ", driver " + driver + ")";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(why);
            }
            Assumptions.abort(why);
        }
        final ChromeOptions options = new ChromeOptions();
        options.setBinary(binary);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,2400", "--user-data-dir=" + Files.createTempDirectory("restoreguard-chromium"));
        final ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver)
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static void writeQuietly(final Path file, final String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            // only a convenience for reading a failed run
        }
    }

    private static File firstExisting(final String... paths) {
        return Stream.of(paths).map(File::new).filter(File::canExecute).findFirst().orElse(null);
    }

    /** Waits until Elasticsearch holds the whole chain: the alerts, the edit and both restore records. */
    private void awaitIndexed() throws Exception {
        final ElasticsearchClient client = ElasticsearchClients.create(ElasticsearchSinkConfig.DEFAULT
                .withUrls(List.of(stack.elasticsearchUrl().toString())));
        try {
            final long deadline = System.nanoTime() + DEADLINE.toNanos();
            String seen = "nothing";
            while (System.nanoTime() < deadline) {
                try {
                    final Timeline timeline = Timeline.collect(new IncidentDocuments(client, namespace, latestIndex),
                            TimelineScope.alert(rg001), Clock.systemUTC());
                    final List<String> kinds = timeline.entries().stream()
                            .map(e -> e.kind() + (e.rule() == null ? "" : " " + e.rule()) + " " + e.status()).toList();
                    seen = kinds.toString();
                    if (kinds.containsAll(List.of("HOSTS_FILE changed", "ALERT RG-003 open", "RESTORE started",
                            "ALERT RG-001 open", "ALERT RG-002 open", "RESTORE finished")) && !timeline.hostsDiffs().isEmpty()
                            && timeline.hostsDiffs().get(0).before() != null) {
                        return;
                    }
                } catch (TimelineException e) {
                    seen = e.getMessage();
                }
                Thread.sleep(250); // polling the sink's progress, bounded by the deadline
            }
            throw new AssertionError("the incident did not reach Elasticsearch within " + DEADLINE + "; last seen: " + seen);
        } finally {
            client.close();
        }
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new RestoreGuardCli());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        final int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static com.fasterxml.jackson.databind.JsonNode json(final String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private static String resource(final String name) throws IOException {
        try (InputStream in = TimelineIT.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
