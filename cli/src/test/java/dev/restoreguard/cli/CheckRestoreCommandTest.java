package dev.restoreguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code check-restore} against a stub engine: readable output, --json, and the exit codes scripts rely on. */
class CheckRestoreCommandTest {

    private static final String ALERT = """
            {"observer":"vbr01.corp.example","target":"sql-dev-01","normalized_target":"sql-dev-01.corp.example",
             "at":"2026-11-20T16:02:00Z","at_source":"request",
             "intended":{"name":"sql-dev-01.corp.example","environment":"development","basis":"asset:sql-dev-01.corp.example"},
             "effective":{"ip":"10.20.1.15","environment":"production","basis":"asset:sql-prod-01.corp.example",
                          "resolved_by":"hosts-file"},
             "resolution":{"path":"hosts-file","steps":["line 8 of /etc/hosts on vbr01.corp.example maps sql-dev-01.corp.example to 10.20.1.15",
                                                         "10.20.1.15 is production (asset:sql-prod-01.corp.example)"]},
             "hosts_file":{"known":true},"covered":false,"covering_approval":null,
             "approvals":[{"change_id":"CHG0042","covers":false,"why":"restore at 2026-11-20T16:02:00Z is outside the window"}],
             "rules":[{"id":"RG-001","name":"restore-into-production-unapproved","severity":"critical"},
                      {"id":"RG-002","name":"restore-target-mismatch","severity":"critical"}],
             "would_alert":true,"highest_severity":"critical","warnings":[],"summary":"..."}""";

    private static final String CLEAR = """
            {"observer":"vbr01.corp.example","target":"sql-dev-01","at":"2026-11-20T15:00:00Z","at_source":"now",
             "intended":{"name":"sql-dev-01.corp.example","environment":"development","basis":"asset:sql-dev-01.corp.example"},
             "effective":{"ip":"10.30.1.15","environment":"development","basis":"asset:sql-dev-01.corp.example"},
             "resolution":{"path":"dns","steps":["DNS A record sql-dev-01.corp.example -> 10.30.1.15"]},
             "covered":false,"covering_approval":null,"approvals":[],"rules":[],"would_alert":false,
             "highest_severity":null,"warnings":[]}""";

    private HttpServer server;
    private final List<String> queries = new ArrayList<>();
    private volatile int status = 200;
    private volatile String body = ALERT;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void startStubEngine() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/check-restore", exchange -> {
            queries.add(exchange.getRequestURI().getRawQuery());
            final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(bytes);
            }
        });
        server.start();
    }

    @AfterEach
    void stopStubEngine() {
        server.stop(0);
    }

    private int run(final String... args) {
        final List<String> all = new ArrayList<>(List.of("check-restore", "--engine",
                "http://127.0.0.1:" + server.getAddress().getPort()));
        all.addAll(List.of(args));
        return new CommandLine(new RestoreGuardCli()).setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true)).execute(all.toArray(String[]::new));
    }

    @Test
    void shouldExitThreeAndExplainWhenTheRestoreWouldAlert() {
        final int code = run("--observer", "vbr01.corp.example", "--target", "sql-dev-01", "--at", "2026-11-20T16:02:00Z");

        assertThat(code).isEqualTo(3);
        assertThat(out.toString())
                .contains("effective   10.20.1.15: production (asset:sql-prod-01.corp.example)")
                .contains("resolution  hosts-file", "line 8 of /etc/hosts")
                .contains("no approved change covers this restore", "CHG0042: restore at")
                .contains("RG-001 critical restore-into-production-unapproved")
                .contains("RG-002 critical restore-target-mismatch")
                .contains("WOULD ALERT: 2 rules would fire (highest severity critical)");
        assertThat(queries).containsExactly("observer=vbr01.corp.example&target=sql-dev-01&at=2026-11-20T16%3A02%3A00Z");
    }

    @Test
    void shouldExitZeroWhenNothingWouldFire() {
        body = CLEAR;

        final int code = run("--observer", "vbr01.corp.example", "--target", "sql-dev-01");

        assertThat(code).isZero();
        assertThat(out.toString()).contains("at 2026-11-20T15:00:00Z (now)", "rules       none would fire",
                "OK: no rule would fire.");
        assertThat(queries).containsExactly("observer=vbr01.corp.example&target=sql-dev-01");
    }

    @Test
    void shouldPrintTheRawJsonWithJsonAndKeepTheExitCode() {
        final int code = run("--observer", "vbr01.corp.example", "--target", "sql-dev-01", "--json");

        assertThat(code).isEqualTo(3);
        assertThat(out.toString().strip()).isEqualTo(ALERT.strip());
    }

    @Test
    void shouldEncodeOffsetsAndSpacesSoTheEngineSeesThemUnchanged() {
        run("--observer", "vbr01.corp.example", "--target", "sql-dev-01", "--at", "2026-11-20 17:02:00+01:00");

        assertThat(queries.get(0)).endsWith("&at=2026-11-20%2017%3A02%3A00%2B01%3A00");
    }

    @Test
    void shouldExitTwoNamingTheOptionTheEngineRejected() {
        status = 400;
        body = "{\"error\":\"query parameter 'at' is not an RFC 3339 time\",\"parameter\":\"at\"}";

        final int code = run("--observer", "vbr01.corp.example", "--target", "sql-dev-01", "--at", "friday");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("the engine rejected --at: query parameter 'at' is not an RFC 3339 time");
    }

    @Test
    void shouldExitTwoWhileTheEngineIsNotReady() {
        status = 503;
        body = "{\"error\":\"engine not ready to answer: the engine is REBALANCING, not RUNNING\"}";

        final int code = run("--observer", "vbr01.corp.example", "--target", "sql-dev-01");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("cannot answer yet", "REBALANCING");
    }

    @Test
    void shouldExitTwoWhenTheEngineCannotBeReached() throws IOException {
        final int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        final int code = new CommandLine(new RestoreGuardCli()).setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true)).execute("check-restore", "--engine",
                        "http://127.0.0.1:" + closedPort, "--observer", "vbr01", "--target", "sql-dev-01");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("cannot connect to the engine at http://127.0.0.1:" + closedPort);
    }

    @Test
    void shouldExitTwoOnUsageErrors() {
        assertThat(run("--target", "sql-dev-01")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required option: '--observer=HOST'");
        assertThat(new CommandLine(new RestoreGuardCli()).setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true)).execute("check-restore", "--engine", "ftp://example",
                        "--observer", "vbr01", "--target", "x")).isEqualTo(2);
        assertThat(err.toString()).contains("--engine is not a usable http(s) URL");
        assertThat(queries).isEmpty();
    }

    @Test
    void shouldExitTwoWhenTheAnswerIsNotTheEngines() {
        body = "<html>proxy error</html>";

        assertThat(run("--observer", "vbr01", "--target", "sql-dev-01")).isEqualTo(2);
        assertThat(err.toString()).contains("not JSON");
    }
}
