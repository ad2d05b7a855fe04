package dev.restoreguard.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.infra.stack.StackSettings;
import dev.restoreguard.producers.approval.BridgeKeys;
import dev.restoreguard.producers.scenario.Routed;
import dev.restoreguard.producers.scenario.ScenarioReader;
import dev.restoreguard.streams.app.EngineConfig;
import dev.restoreguard.streams.approval.TrustedKeys;
import dev.restoreguard.streams.replay.ReplayDriver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code restoreguard replay FILE}: feeds a scenario (detection contract section 5) through the
 * collectors' parsing code and the real correlation topology in-process, and prints the final
 * version of every alert as one JSON line. Diagnostics (skipped lines, too-late records) go to
 * stderr with their line numbers.
 *
 * <p>Approvals pass through the approval bridge's signer as live ones do: in-process with an
 * ephemeral key pair that only this run's engine trusts; with {@code --bootstrap-server} with the
 * bridge key ({@code --signing-key}, else {@code RESTOREGUARD_APPROVAL_SIGNING_KEY}, else the local
 * key of the RestoreGuard home), which the running engine must trust.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Replays a scenario file through the correlation engine and prints the final alerts as JSON lines.",
                "Exit 0 unless the file cannot be read (2)."})
public final class ReplayCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "scenario file (JSON Lines)")
    private Path file;

    @Option(names = "--explain", description = "also print a readable verdict per restore and finding")
    private boolean explain;

    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT",
            description = "publish the scenario to this Kafka cluster instead of running in-process; a running engine "
                    + "(./restoreguard up) judges it and the alerts it publishes are printed")
    private String bootstrapServer;

    @Option(names = "--engine-application-id", paramLabel = "ID", defaultValue = "restoreguard-engine",
            description = "with --bootstrap-server: the engine's application id (default ${DEFAULT-VALUE})")
    private String engineApplicationId;

    @Option(names = "--settle", paramLabel = "DURATION", defaultValue = "PT10S",
            description = "with --bootstrap-server: stop when no alert arrived for this long (default ${DEFAULT-VALUE})")
    private Duration settle;

    @Option(names = "--allowed-lateness", paramLabel = "DURATION", defaultValue = "PT10M",
            description = "how late a record may arrive and still revise verdicts (ISO-8601, default ${DEFAULT-VALUE})")
    private Duration allowedLateness;

    @Option(names = "--signing-key", paramLabel = "FILE",
            description = "with --bootstrap-server: the approval bridge's PKCS#8 private key (default "
                    + "$RESTOREGUARD_APPROVAL_SIGNING_KEY, else <home>/keys/local-bridge.key)")
    private Path signingKey;

    @Option(names = "--key-id", paramLabel = "ID",
            description = "with --bootstrap-server: the signing key's id (default: its file name without .key)")
    private String keyId;

    @Override
    public Integer call() throws IOException {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        // the bridge key is read on the first approval: a scenario without approvals needs none
        final ScenarioReader reader = bootstrapServer == null ? new ScenarioReader()
                : new ScenarioReader(() -> BridgeKeys.signer(signingKey, keyId, System.getenv(), StackSettings.defaultHome()));
        // in-process, the engine trusts exactly the ephemeral key this run signs with
        final EngineConfig config = bootstrapServer != null ? null
                : EngineConfig.defaults().withAllowedLateness(allowedLateness).withTrustedKeys(TrustedKeys.of(List.of(
                        TrustedKeys.TrustedKey.unscoped(reader.signer().keyId(), reader.signer().publicKey().orElseThrow()))));
        int lineNumber = 0;
        int published = 0;
        int skipped = 0;
        Instant streamTime = null;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             ReplayTarget driver = bootstrapServer == null ? new InProcess(new ReplayDriver(config))
                     : new ClusterReplay(bootstrapServer, settle, engineApplicationId)) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                final ScenarioReader.Outcome outcome = reader.read(lineNumber, line);
                if (outcome instanceof ScenarioReader.Skipped s) {
                    skipped++;
                    err.printf("%s:%d: skipped: %s%n", file.getFileName(), s.line(), s.reason());
                } else if (outcome instanceof ScenarioReader.Events events) {
                    if (events.note() != null) {
                        err.printf("%s:%d: %s%n", file.getFileName(), events.line(), events.note());
                    }
                    for (Routed r : events.events()) {
                        final Instant at = r.envelope().at();
                        if (streamTime != null && at.isBefore(streamTime.minus(allowedLateness))) {
                            err.printf("%s:%d: too late: %s behind stream time %s; applied to state, revises no earlier verdict%n",
                                    file.getFileName(), events.line(), Duration.between(at, streamTime), streamTime);
                        }
                        if (streamTime == null || at.isAfter(streamTime)) {
                            streamTime = at;
                        }
                        driver.send(r.topic(), r.key(), r.envelope());
                        published++;
                    }
                }
            }
            final List<Alert> alerts = driver.finalAlerts();
            for (Alert alert : alerts) {
                out.println(json(alert));
            }
            if (explain) {
                explain(out, alerts);
            }
            err.printf("%s: %d lines, %d events replayed, %d skipped, %d alerts%n", file.getFileName(), lineNumber,
                    published, skipped, alerts.size());
            out.flush();
            return 0;
        } catch (NoSuchFileException e) {
            err.println("cannot read " + file + ": no such file");
            return 2;
        } catch (IOException e) {
            err.println("cannot read " + file + ": " + e.getMessage());
            return 2;
        }
    }

    /** Where replayed events go: the topology in-process, or a live cluster with a running engine. */
    interface ReplayTarget extends AutoCloseable {
        void send(String topic, String key, dev.restoreguard.events.Envelope event);

        List<Alert> finalAlerts();

        @Override
        void close();
    }

    /** The real topology in this process (TopologyTestDriver). */
    record InProcess(ReplayDriver driver) implements ReplayTarget {
        @Override
        public void send(final String topic, final String key, final dev.restoreguard.events.Envelope event) {
            driver.send(topic, key, event); // audit evidence is accepted and kept out of the verdicts
        }

        @Override
        public List<Alert> finalAlerts() {
            return driver.finalAlerts();
        }

        @Override
        public void close() {
            driver.close();
        }
    }

    private static void explain(final PrintWriter out, final List<Alert> alerts) {
        out.println();
        out.println("Verdicts:");
        for (Alert a : alerts) {
            out.printf("  %s %-8s %-9s %s%n      %s%n", a.rule().id(), a.alert().severity().label(), a.alert().status(),
                    a.alert().subject(), a.alert().reason());
        }
        if (alerts.isEmpty()) {
            out.println("  no alerts: every restore was where it was meant to go, or covered by an approved change");
        }
    }

    private static String json(final Alert alert) {
        try {
            return Json.MAPPER.writeValueAsString(alert);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
