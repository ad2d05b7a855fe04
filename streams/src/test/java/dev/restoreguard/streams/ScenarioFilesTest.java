package dev.restoreguard.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.alert.Alert;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every scenario file produces exactly its expected alerts: the project's own scenarios
 * ({@code src/test/resources/scenarios}, {@code malformed-scenarios}, the raw-format ones of
 * {@code producers}) and, when the checkout sits
 * beside it, the shared examples ({@code ../../shared/scenarios}). Same semantics as
 * {@code shared/tools/check-scenarios}: catalog rules only, retracted-or-absent for retracted ones.
 */
class ScenarioFilesTest {

    static Stream<Path> scenarios() throws IOException {
        final List<Path> dirs = List.of(Path.of("src/test/resources/scenarios"),
                Path.of("src/test/resources/malformed-scenarios"),
                Path.of("../producers/src/test/resources/scenarios"), Path.of("../../shared/scenarios"));
        final List<Path> files = new ArrayList<>();
        for (Path dir : dirs) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> list = Files.list(dir)) {
                    list.filter(p -> p.toString().endsWith(".jsonl")).sorted().forEach(files::add);
                }
            }
        }
        assertThat(files).as("scenario files").isNotEmpty();
        return files.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void shouldProduceExactlyTheExpectedAlerts(final Path file) throws IOException {
        final List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        final Map<String, String> expected = new TreeMap<>();
        for (String line : lines) {
            if (line.contains("\"kind\": \"expect\"") || line.contains("\"kind\":\"expect\"")) {
                for (JsonNode a : Json.MAPPER.readTree(line).path("alerts")) {
                    expected.put(a.path("rule").asText() + " " + a.path("subject").asText(),
                            a.path("severity").asText() + " " + a.path("status").asText("open"));
                }
            }
        }
        final Map<String, String> actual = new TreeMap<>();
        try (ScenarioFixture fx = new ScenarioFixture()) {
            fx.feed(lines.toArray(String[]::new));
            for (Alert a : fx.finalAlerts()) {
                if (a.rule().id().startsWith("RG-0")) {
                    actual.put(a.rule().id() + " " + a.alert().subject(),
                            a.alert().severity().label() + " " + a.alert().status());
                }
            }
        }
        // an expected retraction may also be satisfied by the alert never having been raised
        expected.forEach((k, v) -> {
            if (v.endsWith(" retracted") && !actual.containsKey(k)) {
                actual.put(k, v);
            }
        });
        assertThat(actual).as(file.getFileName().toString()).isEqualTo(expected);
    }
}
