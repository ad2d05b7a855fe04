package dev.restoreguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.restoreguard.events.Json;
import dev.restoreguard.infra.kibana.SavedObjects;
import jakarta.mail.BodyPart;
import jakarta.mail.internet.ContentDisposition;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code kibana import} against a Kibana test double. Kibana cannot run here; the double follows
 * Kibana's published saved-objects import API reference,
 * https://www.elastic.co/docs/api/doc/kibana/operation/operation-post-saved-objects-import
 * (also https://www.elastic.co/guide/en/kibana/current/saved-objects-api-import.html):
 * {@code POST [/s/{space_id}]/api/saved_objects/_import}, query {@code overwrite}, header
 * {@code kbn-xsrf} required, body {@code multipart/form-data} with the part {@code file} (an
 * {@code .ndjson} export), answer {@code {success, successCount, successResults[], errors[]}} where
 * each error has {@code id}, {@code type}, {@code meta.title} and {@code error.type}
 * ({@code missing_references} with {@code references[]}, {@code conflict}, {@code unsupported_type},
 * {@code unknown}); HTTP errors as {@code {statusCode, error, message}}.
 */
class KibanaImportCommandTest {

    private static final String API_KEY = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==";
    private static final Set<String> KNOWN_TYPES = Set.of("index-pattern", "search", "lens", "visualization", "dashboard");

    private HttpServer server;
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    /** What the double answers with instead of importing; null = behave like Kibana. */
    private volatile Canned canned;
    /** Objects the double's Kibana already has (type/id), so references to them resolve. */
    private final Set<String> existing = new HashSet<>();

    record Recorded(String method, String path, String query, Map<String, List<String>> headers, byte[] body) {
        String header(final String name) {
            final List<String> values = headers.get(name);
            return values == null ? null : values.get(0);
        }
    }

    record Canned(int status, String body) {
    }

    @BeforeEach
    void startKibanaDouble() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(final HttpExchange exchange) throws IOException {
        final byte[] body = exchange.getRequestBody().readAllBytes();
        final Map<String, List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(exchange.getRequestHeaders());
        final Recorded request = new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                exchange.getRequestURI().getQuery(), headers, body);
        requests.add(request);
        final Canned answer = canned != null ? canned : kibana(request);
        final byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(answer.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The import endpoint as the reference describes it. */
    private Canned kibana(final Recorded request) {
        if (!request.method().equals("POST") || !request.path().matches("(/s/[a-z0-9_-]+)?/api/saved_objects/_import")) {
            return error(404, "Not Found", "Not Found");
        }
        if (request.header("kbn-xsrf") == null) {
            return error(400, "Bad Request", "Request must contain a kbn-xsrf header.");
        }
        if (!("ApiKey " + API_KEY).equals(request.header("Authorization"))
                && !("Basic " + Base64.getEncoder().encodeToString("importer:s3cret".getBytes(StandardCharsets.UTF_8)))
                .equals(request.header("Authorization"))) {
            return error(401, "Unauthorized", "[security_exception]: unable to authenticate user");
        }
        final byte[] file;
        try {
            file = filePart(request);
        } catch (Exception e) {
            return error(400, "Bad Request", "[request body.file]: " + e.getMessage());
        }
        final List<ObjectNode> objects = SavedObjects.parse(file, "upload");
        final Set<String> inFile = new HashSet<>(existing);
        objects.forEach(o -> inFile.add(o.path("type").asText() + "/" + o.path("id").asText()));
        final ObjectNode response = Json.MAPPER.createObjectNode();
        final ArrayNode successes = Json.MAPPER.createArrayNode();
        final ArrayNode errors = Json.MAPPER.createArrayNode();
        for (final ObjectNode object : objects) {
            final String type = object.path("type").asText();
            final ObjectNode meta = Json.MAPPER.createObjectNode().put("title", object.at("/attributes/title").asText());
            final ArrayNode missing = Json.MAPPER.createArrayNode();
            object.path("references").forEach(ref -> {
                if (!inFile.contains(ref.path("type").asText() + "/" + ref.path("id").asText())) {
                    missing.addObject().put("type", ref.path("type").asText()).put("id", ref.path("id").asText());
                }
            });
            if (!KNOWN_TYPES.contains(type)) {
                final ObjectNode error = errors.addObject().put("id", object.path("id").asText()).put("type", type);
                error.set("meta", meta);
                error.putObject("error").put("type", "unsupported_type");
            } else if (!missing.isEmpty()) {
                final ObjectNode error = errors.addObject().put("id", object.path("id").asText()).put("type", type)
                        .put("title", meta.path("title").asText());
                error.set("meta", meta);
                error.putObject("error").put("type", "missing_references").set("references", missing);
            } else {
                final ObjectNode ok = successes.addObject().put("type", type).put("id", object.path("id").asText());
                ok.set("meta", meta);
            }
        }
        response.put("success", errors.isEmpty()).put("successCount", successes.size());
        response.set("successResults", successes);
        if (!errors.isEmpty()) {
            response.set("errors", errors);
        }
        return new Canned(200, response.toString());
    }

    private static Canned error(final int status, final String error, final String message) {
        return new Canned(status, Json.MAPPER.createObjectNode().put("statusCode", status).put("error", error)
                .put("message", message).toString());
    }

    /** The multipart part named {@code file}, read with Jakarta Mail's MIME parser; its file name must end in .ndjson. */
    private static byte[] filePart(final Recorded request) throws Exception {
        final String contentType = request.header("Content-Type");
        if (contentType == null || !contentType.startsWith("multipart/form-data")) {
            throw new IllegalArgumentException("expected multipart/form-data, got " + contentType);
        }
        final MimeMultipart multipart = new MimeMultipart(new ByteArrayDataSource(request.body(), contentType));
        for (int i = 0; i < multipart.getCount(); i++) {
            final BodyPart part = multipart.getBodyPart(i);
            final ContentDisposition disposition = new ContentDisposition(part.getHeader("Content-Disposition")[0]);
            if ("file".equals(disposition.getParameter("name"))) {
                final String fileName = disposition.getParameter("filename");
                if (fileName == null || !fileName.endsWith(".ndjson")) {
                    throw new IllegalArgumentException("Invalid file extension " + fileName);
                }
                return part.getInputStream().readAllBytes();
            }
        }
        throw new IllegalArgumentException("expected value of type [Stream] but got [undefined]");
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private record Run(int exit, String out, String err) {
    }

    private Run run(final Map<String, String> environment, final String... args) {
        final KibanaCommand.Import command = new KibanaCommand.Import();
        command.environment = environment;
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    @Test
    void shouldPostTheBundledObjectsAsTheMultipartFileFieldWithXsrfAndApiKey() throws Exception {
        final Run run = run(Map.of(), "--url", url(), "--api-key", API_KEY);

        assertThat(run.err()).isEmpty();
        assertThat(run.exit()).isZero();
        assertThat(requests).hasSize(1);
        final Recorded request = requests.get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/api/saved_objects/_import");
        assertThat(request.query()).isEqualTo("overwrite=true");
        assertThat(request.header("kbn-xsrf")).isNotBlank();
        assertThat(request.header("Authorization")).isEqualTo("ApiKey " + API_KEY);
        assertThat(filePart(request)).isEqualTo(SavedObjects.bundled());
        assertThat(run.out())
                .contains("imported index-pattern/restoreguard-events", "imported dashboard/restoreguard-dashboard-overview")
                .contains("10 of 10 saved objects from classpath:kibana/restoreguard.ndjson imported into Kibana at " + url());
    }

    @Test
    void shouldUseTheSpacePathAndBasicAuthWithThePasswordFromTheEnvironment() throws Exception {
        final Run run = run(Map.of("KIBANA_PASSWORD", "s3cret"), "--url", url() + "/", "--user", "importer",
                "--password-env", "KIBANA_PASSWORD", "--space", "secops");

        assertThat(run.exit()).as(run.err()).isZero();
        final Recorded request = requests.get(0);
        assertThat(request.path()).isEqualTo("/s/secops/api/saved_objects/_import");
        assertThat(request.query()).isEqualTo("overwrite=true");
        assertThat(request.header("Authorization"))
                .isEqualTo("Basic " + Base64.getEncoder().encodeToString("importer:s3cret".getBytes(StandardCharsets.UTF_8)));
        assertThat(run.out()).contains("(space secops)");
    }

    @Test
    void shouldExitNonZeroAndSayWhyOn401() {
        final Run run = run(Map.of("KEY", "d3Jvbmc6a2V5"), "--url", url(), "--api-key-env", "KEY");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("answered HTTP 401: Unauthorized: [security_exception]: unable to authenticate user",
                "check --api-key");
        assertThat(run.out()).contains("0 of 10 saved objects");
    }

    @Test
    void shouldListEachObjectKibanaRefusedAndExitNonZero(@TempDir final Path dir) throws Exception {
        // a dashboard whose lens is neither in the file nor in Kibana, and a type this Kibana lacks
        final List<String> lines = new ArrayList<>(Files.readAllLines(Path.of("../infra/kibana/restoreguard.ndjson")));
        lines.removeIf(line -> line.contains("\"id\":\"restoreguard-lens-top-observers\",\"references\""));
        lines.add("{\"type\":\"canvas-workpad\",\"id\":\"rg-pad\",\"attributes\":{\"title\":\"pad\"},\"references\":[]}");
        final Path file = Files.writeString(dir.resolve("broken.ndjson"), String.join("\n", lines) + "\n");

        final Run run = run(Map.of(), "--url", url(), "--api-key", API_KEY, "--file", file.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out())
                .contains("FAILED   dashboard/restoreguard-dashboard-overview (RestoreGuard overview): missing_references"
                        + " — missing lens/restoreguard-lens-top-observers")
                .contains("FAILED   canvas-workpad/rg-pad (pad): unsupported_type")
                .contains("imported search/restoreguard-search-hosts-file-changes")
                .contains("8 of 10 saved objects from " + file + " imported into Kibana at " + url() + "; 2 failed");
    }

    @Test
    void shouldReportA4xxWithErrorsAndItsMessage() {
        canned = new Canned(400, """
                {"statusCode":400,"error":"Bad Request","message":"1 object could not be imported",
                 "errors":[{"id":"restoreguard-events","type":"index-pattern","meta":{"title":"RestoreGuard events"},
                            "error":{"type":"unknown","message":"version conflict","statusCode":409}}]}""");

        final Run run = run(Map.of(), "--url", url(), "--api-key", API_KEY);

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("FAILED   index-pattern/restoreguard-events (RestoreGuard events): unknown — version conflict");
        assertThat(run.err()).contains("answered HTTP 400: Bad Request: 1 object could not be imported");
    }

    @Test
    void shouldReportSuccessFalseEvenWithoutErrorsAsAFailure() {
        canned = new Canned(200, "{\"success\":false,\"successCount\":3}");

        final Run run = run(Map.of(), "--url", url(), "--api-key", API_KEY);

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("3 of 10 saved objects");
    }

    @Test
    void shouldRejectBadOptionsBeforeSendingAnything(@TempDir final Path dir) throws Exception {
        assertThat(run(Map.of(), "--url", url(), "--space", "Sec Ops").err()).contains("--space: a Kibana space id has only");
        assertThat(run(Map.of(), "--url", url(), "--user", "importer", "--password-env", "NOPE").err())
                .contains("--password-env: environment variable NOPE is not set");
        assertThat(run(Map.of(), "--url", "ftp://kibana", "--api-key", API_KEY).err()).contains("--url: not an http(s) URL");
        final Path bad = Files.writeString(dir.resolve("bad.ndjson"), "{\"type\":\"search\",\"id\":\"a\"}\nnot json\n");
        final Run run = run(Map.of(), "--url", url(), "--file", bad.toString());
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains(bad + ":2: not JSON");
        assertThat(run(Map.of(), "--url", url(), "--api-key", "a", "--api-key-env", "B").exit()).isEqualTo(2);
        assertThat(requests).isEmpty();
    }

    @Test
    void shouldExitOneWhenKibanaIsUnreachable() throws Exception {
        final String url = url();
        server.stop(0);
        final Run run = run(Map.of(), "--url", url, "--api-key", API_KEY);
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("cannot reach Kibana at " + url + "/api/saved_objects/_import?overwrite=true");
    }

    @Test
    void shouldSendAFileKibanaAcceptsInTheReferencesSense() throws Exception {
        // the double resolves references like Kibana: the bundled file must be self-contained
        final JsonNode answer = Json.MAPPER.readTree(kibana(new Recorded("POST", "/api/saved_objects/_import", "overwrite=true",
                Map.of("kbn-xsrf", List.of("x"), "Authorization", List.of("ApiKey " + API_KEY),
                        "Content-Type", List.of("multipart/form-data; boundary=b")),
                ("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.ndjson\"\r\n\r\n"
                        + new String(SavedObjects.bundled(), StandardCharsets.UTF_8) + "\r\n--b--\r\n")
                        .getBytes(StandardCharsets.UTF_8))).body());
        assertThat(answer.path("success").asBoolean()).isTrue();
        assertThat(answer.path("successCount").asInt()).isEqualTo(10);
    }
}
