package dev.restoreguard.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.streams.processor.TooLateRecords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TooLateRecordsTest {

    @Test
    void shouldCountARecordOlderThanTheAllowedLatenessByItsKind() throws IOException {
        // an approval backdated 50 minutes behind stream time, beyond the default 10 minutes
        final List<String> lines = Files.readAllLines(Path.of("src/test/resources/scenarios/11-too-late-approval.jsonl"),
                StandardCharsets.UTF_8);
        final Map<String, Long> before = TooLateRecords.byKind();

        feed(lines);

        final Map<String, Long> after = TooLateRecords.byKind();
        assertThat(after.getOrDefault("approval", 0L) - before.getOrDefault("approval", 0L)).isEqualTo(1);
        assertThat(after.getOrDefault("restore", 0L) - before.getOrDefault("restore", 0L)).isZero();
        assertThat(TooLateRecords.total()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void shouldCountNothingWhenEveryRecordIsInTime() throws IOException {
        final List<String> lines = Files.readAllLines(Path.of("src/test/resources/scenarios/01-friday-restore-incident.jsonl"),
                StandardCharsets.UTF_8);
        final long before = TooLateRecords.total();

        feed(lines);

        assertThat(TooLateRecords.total()).isEqualTo(before);
    }

    private static void feed(final List<String> lines) {
        try (ScenarioFixture fx = new ScenarioFixture()) {
            fx.feed(lines.toArray(String[]::new));
        }
    }
}
