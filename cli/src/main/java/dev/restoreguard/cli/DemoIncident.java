package dev.restoreguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.net.Names;
import dev.restoreguard.producers.scenario.Routed;
import dev.restoreguard.producers.scenario.ScenarioReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Plays a scenario file into the running local job in real time, the way the incident would happen:
 * hosts-file records are written to a sandbox hosts file that a real hosts-file collector watches
 * (so the edit travels the collector → spool → Kafka path), every other record is stamped with the
 * current time and published like a live collector's event. Gaps between records are shortened to
 * at most {@code pace} so that hours of a Friday afternoon take seconds.
 *
 * <p>Session ids get a per-run suffix so that playing the demo again on the same stack raises new
 * restore verdicts instead of repeating ones the engine already judged.
 *
 * <p>Writes the sandbox hosts files and, through {@link ReplayCommand.ReplayTarget}, the topics the
 * records belong to ({@code restoreguard.inventory}, {@code restoreguard.dns.records},
 * {@code restoreguard.restores}, {@code restoreguard.approvals}).
 */
final class DemoIncident {

    /** The seed incident shipped with the CLI (a copy of the contract's scenario 01). */
    static final String SEED_RESOURCE = "/demo/friday-restore-incident.jsonl";

    /** An alert the scenario expects, with the run's session suffix applied. */
    record Expected(String rule, String subject, String severity) {
    }

    private final List<JsonNode> records;
    private final String runSuffix;
    private final Map<String, Path> sandbox = new LinkedHashMap<>();

    private DemoIncident(final List<JsonNode> records, final String runSuffix) {
        this.records = records;
        this.runSuffix = runSuffix;
    }

    /** Reads the seed incident from the classpath. */
    static DemoIncident seed(final String runSuffix) throws IOException {
        try (InputStream in = DemoIncident.class.getResourceAsStream(SEED_RESOURCE)) {
            if (in == null) {
                throw new IOException("the demo scenario " + SEED_RESOURCE + " is missing from the CLI jar");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), runSuffix);
        }
    }

    /** Reads a scenario (one JSON object per line); an unreadable line is an error naming its number. */
    static DemoIncident parse(final String text, final String runSuffix) throws IOException {
        final List<JsonNode> records = new ArrayList<>();
        int number = 0;
        for (String line : text.split("\n")) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            try {
                records.add(Json.MAPPER.readTree(line));
            } catch (IOException e) {
                throw new IOException("demo scenario line " + number + " is not JSON: " + e.getMessage(), e);
            }
        }
        return new DemoIncident(records, runSuffix);
    }

    /** The scenario's one-line description, if it has one. */
    String description() {
        return records.stream().filter(r -> "scenario".equals(r.path("kind").asText())).findFirst()
                .map(r -> r.path("description").asText("")).orElse("");
    }

    /**
     * The hosts files the scenario edits: normalized observer → the content it starts with. The job
     * starts one collector per observer on a sandbox file holding that content, so the collector's
     * baseline is the scenario's first state.
     */
    Map<String, String> initialHostsFiles() {
        final Map<String, String> first = new LinkedHashMap<>();
        for (JsonNode r : records) {
            if ("hosts_file".equals(r.path("kind").asText())) {
                first.putIfAbsent(Names.normalize(r.path("observer").asText()), r.path("content").asText(""));
            }
        }
        return first;
    }

    /** Registers the sandbox file that the collector of {@code observer} watches. */
    void sandbox(final String observer, final Path file) {
        sandbox.put(observer, file);
    }

    /** The alerts the scenario's {@code expect} record lists, with this run's session ids. */
    List<Expected> expected() {
        final List<Expected> out = new ArrayList<>();
        for (JsonNode r : records) {
            if ("expect".equals(r.path("kind").asText())) {
                for (JsonNode a : r.path("alerts")) {
                    out.add(new Expected(a.path("rule").asText(), withRunSessions(a.path("subject").asText()),
                            a.path("severity").asText()));
                }
            }
        }
        return out;
    }

    /** What a step of the play needs from the job. */
    interface Stage {
        /** Publishes an event the scenario reader produced. */
        void publish(Routed event);

        /** Waits until the collector of {@code observer} has published the file's new state. */
        void awaitHostsSnapshot(String observer) throws InterruptedException;
    }

    /**
     * Plays the records in order, narrating each step; {@code reader} maps records as replay does (its
     * signer signs the approvals, which the running engine must trust). Returns the number of events published
     * (hosts-file edits count once each).
     */
    int play(final ScenarioReader reader, final Stage stage, final Duration pace, final Consumer<String> narrate)
            throws IOException, InterruptedException {
        Instant previous = null;
        int published = 0;
        int number = 0;
        for (JsonNode record : records) {
            number++;
            final String kind = record.path("kind").asText();
            if (kind.equals("scenario") || kind.equals("expect")) {
                continue;
            }
            final Instant at = record.hasNonNull("at") ? Instant.parse(record.get("at").asText()) : previous;
            if (previous != null && at != null && at.isAfter(previous)) {
                final Duration gap = Duration.between(previous, at);
                narrate.accept(String.format("[demo] ... %s later (scenario time), played %d s later", human(gap),
                        Math.min(gap.toSeconds(), pace.toSeconds())));
                Thread.sleep(Math.min(gap.toMillis(), pace.toMillis())); // the demo's pacing, not a wait for readiness
            }
            previous = at == null ? previous : at;
            if (kind.equals("hosts_file")) {
                if (editHostsFile(record, narrate)) {
                    stage.awaitHostsSnapshot(Names.normalize(record.path("observer").asText()));
                    published++;
                }
                continue;
            }
            final ObjectNode live = ((ObjectNode) record.deepCopy())
                    .put("at", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
            if (live.hasNonNull("session_id")) {
                live.put("session_id", live.get("session_id").asText() + runSuffix);
            }
            final ScenarioReader.Outcome outcome = reader.read(number, Json.MAPPER.writeValueAsString(live));
            if (outcome instanceof ScenarioReader.Skipped skipped) {
                narrate.accept("[demo] record " + number + " skipped: " + skipped.reason());
            } else if (outcome instanceof ScenarioReader.Events events) {
                narrate.accept("[demo] " + describe(live));
                for (Routed event : events.events()) {
                    stage.publish(event);
                    published++;
                }
            }
        }
        return published;
    }

    private boolean editHostsFile(final JsonNode record, final Consumer<String> narrate) throws IOException {
        final String observer = Names.normalize(record.path("observer").asText());
        final Path file = sandbox.get(observer);
        if (file == null) {
            throw new IllegalStateException("no sandbox hosts file for observer " + observer);
        }
        final String content = record.path("content").asText("");
        final String current = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        if (current.equals(content)) {
            return false;
        }
        final Set<String> before = new LinkedHashSet<>(List.of(current.split("\r?\n")));
        final Set<String> after = new LinkedHashSet<>(List.of(content.split("\r?\n")));
        narrate.accept("[demo] someone edits the hosts file of " + observer + " (" + file + "):");
        after.stream().filter(l -> !before.contains(l)).forEach(l -> narrate.accept("[demo]   + " + l));
        before.stream().filter(l -> !after.contains(l)).forEach(l -> narrate.accept("[demo]   - " + l));
        // write then move: the collector must never read a half-written file (it would just re-read, but a
        // torn read would show a bogus intermediate snapshot in the timeline)
        final Path tmp = file.resolveSibling(file.getFileName() + ".demo-tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return true;
    }

    private String withRunSessions(final String subject) {
        String out = subject;
        for (JsonNode r : records) {
            if (r.hasNonNull("session_id")) {
                final String id = r.get("session_id").asText();
                if (out.endsWith(":" + id)) {
                    out = out + runSuffix;
                }
            }
        }
        return out;
    }

    private static String describe(final JsonNode r) {
        return switch (r.path("kind").asText()) {
            case "inventory" -> "inventory loaded: " + r.path("assets").size() + " assets, " + r.path("networks").size() + " networks";
            case "dns_record" -> "DNS " + r.path("action").asText() + " " + r.path("name").asText() + "." + r.path("zone").asText()
                    + " " + r.path("type").asText() + " " + r.path("data").asText() + " on " + r.path("server").asText();
            case "restore" -> r.path("product").asText() + " restore " + r.path("state").asText() + " on "
                    + r.path("observer").asText() + ": session " + r.path("session_id").asText()
                    + (r.hasNonNull("target") ? ", target " + r.get("target").asText() : "")
                    + (r.hasNonNull("initiator") ? ", by " + r.get("initiator").asText() : "");
            case "approval" -> "change " + r.path("change_id").asText() + " " + r.path("status").asText();
            default -> r.path("kind").asText() + " record";
        };
    }

    private static String human(final Duration d) {
        if (d.toHours() > 0) {
            return d.toHours() + " h " + d.toMinutesPart() + " min";
        }
        return d.toMinutes() > 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
    }
}
