package dev.restoreguard.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreguard.events.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code restoreguard check-restore}: asks the running engine ({@code GET /check-restore}) what it
 * would say about a restore before it runs, and turns the answer into an exit code a backup
 * product's pre-job script can act on: 0 nothing would fire, 3 an alert would be raised, 2 no
 * verdict (bad usage, engine unreachable or not ready).
 */
@Command(name = "check-restore", mixinStandardHelpOptions = true,
        description = {"Ask the running engine whether a restore would raise an alert, before running it.",
                "Prints where the target really resolves from the observer (hosts file, DNS, inventory), its "
                + "environment, the approval that covers it, and the rules that would fire."},
        footer = {"", "Exit codes:",
                "  0  no rule would fire",
                "  3  the restore would raise an alert (RG-001, RG-002, RG-005 or RG-006)",
                "  2  no verdict: bad usage, engine unreachable, not ready, or an error",
                "",
                "Veeam pre-job script (PowerShell) that stops the job unless the restore is clean:",
                "  & java -jar C:\\RestoreGuard\\restoreguard.jar check-restore `",
                "      --observer vbr01.corp.example --target sql-dev-01",
                "  exit $LASTEXITCODE   # 0 lets the job run; 3 (alert) and 2 (no verdict) stop it"})
public final class CheckRestoreCommand implements Callable<Integer> {

    /** Exit code: no rule would fire. */
    static final int CLEAR = 0;
    /** Exit code: no verdict (usage, connection or engine error). */
    static final int NO_VERDICT = 2;
    /** Exit code: the restore would raise an alert. */
    static final int WOULD_ALERT = 3;

    private static final Map<String, String> OPTIONS = Map.of("observer", "--observer", "target", "--target",
            "at", "--at");

    @Spec
    private CommandSpec spec;

    @Option(names = "--observer", required = true, paramLabel = "HOST",
            description = "The machine that runs the restore (the backup or mount server), as its collectors "
                    + "report it (FQDN, e.g. vbr01.corp.example).")
    private String observer;

    @Option(names = "--target", required = true, paramLabel = "NAME|IP",
            description = "The host the restore is meant for, as the operator typed it (e.g. sql-dev-01).")
    private String target;

    @Option(names = "--at", paramLabel = "TIME",
            description = "Restore time, RFC 3339 (e.g. 2026-11-20T16:02:00Z); default now.")
    private String at;

    @Option(names = "--engine", paramLabel = "URL", defaultValue = "${env:RESTOREGUARD_ENGINE_URL:-http://127.0.0.1:8710}",
            description = "Base URL of the engine's HTTP endpoint (default $RESTOREGUARD_ENGINE_URL, else "
                    + "http://127.0.0.1:8710).")
    private String engine;

    @Option(names = "--json", description = "Print the engine's JSON answer instead of the readable verdict.")
    private boolean json;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "How long to wait for the engine (default ${DEFAULT-VALUE}).")
    private long timeoutSeconds;

    @Override
    public Integer call() {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        try {
            return check(out, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int check(final PrintWriter out, final PrintWriter err) {
        if (timeoutSeconds <= 0) {
            err.println("check-restore: --timeout must be positive");
            return NO_VERDICT;
        }
        final URI uri;
        try {
            uri = requestUri(engine, observer, target, at);
        } catch (URISyntaxException | IllegalArgumentException e) {
            err.println("check-restore: --engine is not a usable http(s) URL: '" + engine + "'");
            return NO_VERDICT;
        }
        final HttpResponse<String> response;
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(Math.min(timeoutSeconds, 5)))
                .build()) {
            response = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(timeoutSeconds))
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            err.println("check-restore: cannot connect to the engine at " + engine
                    + " (is `restoreguard engine` running? --engine sets its URL)");
            return NO_VERDICT;
        } catch (HttpTimeoutException e) {
            err.println("check-restore: the engine at " + engine + " did not answer within " + timeoutSeconds + " s");
            return NO_VERDICT;
        } catch (IOException e) {
            err.println("check-restore: request to the engine at " + engine + " failed: " + e);
            return NO_VERDICT;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("check-restore: interrupted");
            return NO_VERDICT;
        }

        final JsonNode body;
        try {
            body = Json.MAPPER.readTree(response.body());
        } catch (JsonProcessingException e) {
            err.println("check-restore: " + engine + " answered HTTP " + response.statusCode()
                    + " with something that is not JSON: is it the RestoreGuard engine?");
            return NO_VERDICT;
        }
        if (response.statusCode() != 200) {
            if (json) {
                out.println(response.body().strip());
            }
            err.println("check-restore: " + describeError(response.statusCode(), body));
            return NO_VERDICT;
        }
        if (!body.path("would_alert").isBoolean()) {
            err.println("check-restore: the engine's answer has no would_alert verdict");
            return NO_VERDICT;
        }
        if (json) {
            out.println(response.body().strip());
        } else {
            printVerdict(out, body);
        }
        return body.path("would_alert").asBoolean() ? WOULD_ALERT : CLEAR;
    }

    /** The request URI; a space is sent as %20 because the engine keeps a '+' literal (time offsets). */
    static URI requestUri(final String engine, final String observer, final String target, final String at)
            throws URISyntaxException {
        final URI base = new URI(engine.strip());
        if (base.getScheme() == null || !base.getScheme().matches("https?") || base.getHost() == null) {
            throw new IllegalArgumentException("not an http(s) URL: " + engine);
        }
        final String prefix = engine.strip().replaceAll("/+$", "");
        return new URI(prefix + "/check-restore?observer=" + encode(observer) + "&target=" + encode(target)
                + (at == null ? "" : "&at=" + encode(at)));
    }

    private static String encode(final String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String describeError(final int status, final JsonNode body) {
        final String message = body.path("error").asText("HTTP " + status);
        final String parameter = body.path("parameter").asText(null);
        return switch (status) {
            case 400 -> "the engine rejected " + (parameter == null ? "the request" : OPTIONS.getOrDefault(parameter,
                    parameter)) + ": " + message;
            case 503 -> "the engine cannot answer yet (starting or rebalancing; try again): " + message;
            case 404 -> "the engine has no check-restore endpoint (an older engine, or not RestoreGuard?): " + message;
            default -> "the engine answered HTTP " + status + ": " + message;
        };
    }

    /** The verdict for a person at a console. */
    static void printVerdict(final PrintWriter out, final JsonNode v) {
        out.printf("Restore of %s from %s at %s%n", v.path("target").asText(), v.path("observer").asText(),
                v.path("at").asText() + ("now".equals(v.path("at_source").asText()) ? " (now)" : ""));
        final JsonNode intended = v.path("intended");
        out.printf("  intended    %s: %s (%s)%n", intended.path("name").asText(),
                intended.path("environment").asText(), intended.path("basis").asText());
        final JsonNode effective = v.path("effective");
        out.printf("  effective   %s: %s (%s)%n", effective.path("ip").isNull() ? "no address"
                        : effective.path("ip").asText(), effective.path("environment").asText(),
                effective.path("basis").asText());
        final JsonNode resolution = v.path("resolution");
        out.printf("  resolution  %s%n", resolution.path("path").asText());
        for (JsonNode step : resolution.path("steps")) {
            out.printf("              %s%n", step.asText());
        }
        final JsonNode covering = v.path("covering_approval");
        if (covering.isObject()) {
            out.printf("  approval    %s covers it (approved by %s, window %s .. %s)%n",
                    covering.path("change_id").asText(), covering.path("approved_by").asText("?"),
                    covering.path("window_start").asText("?"), covering.path("window_end").asText("?"));
        } else {
            out.println("  approval    no approved change covers this restore");
        }
        for (JsonNode a : v.path("approvals")) {
            if (!a.path("covers").asBoolean()) {
                out.printf("              %s: %s%n", a.path("change_id").asText(), a.path("why").asText());
            }
        }
        for (JsonNode w : v.path("warnings")) {
            out.printf("  warning     %s%n", w.asText());
        }
        final JsonNode rules = v.path("rules");
        if (rules.isEmpty()) {
            out.println("  rules       none would fire");
        } else {
            boolean first = true;
            for (JsonNode r : rules) {
                out.printf("  %-11s %s %-8s %s%n", first ? "rules" : "", r.path("id").asText(),
                        r.path("severity").asText(), r.path("name").asText());
                first = false;
            }
        }
        out.println();
        if (v.path("would_alert").asBoolean()) {
            out.printf("WOULD ALERT: %d %s would fire (highest severity %s). Do not run this restore unless an "
                            + "approved change covers it and it goes where it is meant to.%n", rules.size(),
                    rules.size() == 1 ? "rule" : "rules", v.path("highest_severity").asText());
        } else {
            out.println("OK: no rule would fire.");
        }
    }
}
