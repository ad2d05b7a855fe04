package dev.restoreguard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {

    private static final Machine MACHINE = new Machine(2, 24L << 30, "25.0.3", "Linux amd64", 6.5,
            Instant.parse("2026-11-27T17:00:00Z"));

    private static Report report() {
        return new Report(MACHINE, true, Duration.ofSeconds(150), 7.25, List.of(
                Figure.of("kafka", "limit: produce then consume", 41_234.4, "records/s", "3 runs"),
                new Figure("engine", "ratio to the Kafka limit, 1 thread", 0.0612, "ratio", Figure.Target.atLeast(0.5), "same run"),
                new Figure("latency", "produce → alerts topic p99", 87.2, "ms", Figure.Target.atMost(300), "a|b"),
                new Figure("collectors", "hosts parse+diff, 100,000 lines", 104.0, "ms", Figure.Target.atMost(100), ""),
                new Figure("latency", "produce → searchable p99", Double.NaN, "ms", Figure.Target.atMost(2000), "lost")),
                Map.of("kafka", Map.of("runs", 3), "section_seconds", sectionSeconds()), List.of("Section replay failed: boom"));
    }

    private static Map<String, Double> sectionSeconds() {
        final Map<String, Double> seconds = new java.util.LinkedHashMap<>();
        seconds.put("stack", 41.6);
        seconds.put("kafka", 6.14);
        seconds.put("engine", 1234.5);
        return seconds;
    }

    @Test
    void shouldListEverySectionsWallTimeInTheOrderRun() {
        assertThat(report().sectionTimes()).isEqualTo("stack 42 s, kafka 6.1 s, engine 1,235 s");
        assertThat(report().markdown()).contains("Wall time: stack 42 s, kafka 6.1 s, engine 1,235 s.\n");
        assertThat(new Report(MACHINE, true, Duration.ofSeconds(1), 1, List.of(), Map.of(), List.of()).sectionTimes())
                .isEmpty();
    }

    @Test
    void shouldPrintOneAlignedRowPerFigureWithTargetAndVerdict() {
        final List<String> lines = report().table().lines().toList();
        assertThat(lines.get(0)).startsWith("section").contains("measured").contains("target").endsWith("met");
        assertThat(lines.get(1)).matches("-+");
        assertThat(lines).hasSize(7);
        assertThat(lines.get(2)).contains("41,234 records/s").doesNotContain("yes").doesNotContain("NO");
        assertThat(lines.get(3)).contains("0.06").contains("≥ 0.50").endsWith("NO");
        assertThat(lines.get(4)).contains("87.2 ms").contains("≤ 300 ms").endsWith("yes");
        assertThat(lines.get(5)).contains("104 ms").endsWith("NO");
        assertThat(lines.get(6)).contains("n/a");
        // the measured column is right-aligned: every value ends in the same column
        final int end = lines.get(2).indexOf("records/s") + "records/s".length();
        assertThat(lines.get(4).indexOf("87.2 ms") + "87.2 ms".length()).isEqualTo(end);
    }

    @Test
    void shouldReplaceOnlyTheGeneratedBlockOfTheDocs() {
        final Report report = report();
        final String doc = "# Benchmarks\n\nintro\n\n" + Report.BEGIN + "\nold figures\n" + Report.END + "\n\n## What limits it\nkept\n";
        final String merged = report.mergeInto(doc);
        assertThat(merged).startsWith("# Benchmarks\n\nintro\n\n" + Report.BEGIN).endsWith(Report.END + "\n\n## What limits it\nkept\n")
                .doesNotContain("old figures").contains("| latency | produce → alerts topic p99 | **87.2 ms** | ≤ 300 ms | yes | a\\|b |")
                .contains("2 cores, 24.0 GiB memory, JDK 25.0.3").contains("2026-11-27T17:00:00 UTC")
                .contains("- Section replay failed: boom");
        assertThat(report.mergeInto(merged)).isEqualTo(merged);
        assertThat(report.mergeInto("# Benchmarks\n")).startsWith("# Benchmarks\n\n" + Report.BEGIN);
    }

    @Test
    void shouldWriteRawJsonWithTargetsVerdictsAndNoNumberForMissingValues() throws Exception {
        final var json = Json.MAPPER.readTree(report().json());
        assertThat(json.path("machine").path("cores").asInt()).isEqualTo(2);
        assertThat(json.path("quick").asBoolean()).isTrue();
        assertThat(json.path("figures")).hasSize(5);
        assertThat(json.path("figures").get(1).path("target").asText()).isEqualTo(">= 0.5");
        assertThat(json.path("figures").get(1).path("met").asBoolean()).isFalse();
        assertThat(json.path("figures").get(4).path("value").isNumber()).isFalse();
        assertThat(json.path("raw").path("kafka").path("runs").asInt()).isEqualTo(3);
    }
}
