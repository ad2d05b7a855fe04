package dev.restoreguard.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.Topics;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.producers.scenario.Routed;
import dev.restoreguard.streams.replay.ReplayDriver;
import dev.restoreguard.streams.processor.TooLateRecords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Verdicts do not depend on the order the engine reads its partitions in, only on the order
 * records reached Kafka. While Kafka Streams works through a backlog it can read a task's hosts
 * snapshots and restores far ahead of the reference copies (DNS changes, approvals, inventory)
 * that arrived before them: each scenario, read that way with every record keeping its arrival,
 * ends with the open alerts it ends with when read in arrival order. Alerts the reading order
 * raised too early may remain, retracted (the price of judging before the reference arrived).
 * Read the other way round (the reference ahead), a scenario without too-late records ends the
 * same too.
 */
class ReadingOrderTest {

    private static final Set<String> OWN = Set.of(Topics.HOSTS.name(), Topics.RESTORES.name());

    static Stream<Path> scenarios() throws IOException {
        return ScenarioFilesTest.scenarios().filter(p -> !p.toString().contains("malformed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void shouldGiveTheSameVerdictsWhenReferenceChangesAreReadAfterTheRecordsTheyPreceded(final Path file)
            throws IOException {
        final String[] lines = Files.readAllLines(file, StandardCharsets.UTF_8).toArray(String[]::new);
        final long tooLateBefore = TooLateRecords.total();
        final Map<String, String> inArrivalOrder = verdicts(lines, Comparator.comparing(a -> 0));
        final long tooLateInArrivalOrder = TooLateRecords.total() - tooLateBefore;
        // every hosts snapshot and restore first, then the reference: what a burst looked like
        final Map<String, String> referenceLast = verdicts(lines,
                Comparator.comparing(a -> OWN.contains(a.event().topic()) ? 0 : 1));
        // restores first, then hosts snapshots, then the reference
        final Map<String, String> hostsAfterRestores = verdicts(lines, Comparator.comparing(
                a -> a.event().topic().equals(Topics.RESTORES.name()) ? 0 : OWN.contains(a.event().topic()) ? 1 : 2));

        if (tooLateInArrivalOrder == 0) {
            // reading the reference ahead is only equivalent when no record is too late: a
            // too-late change read before a restore that arrived before it counts for that restore
            final Map<String, String> referenceFirst = verdicts(lines,
                    Comparator.comparing(a -> OWN.contains(a.event().topic()) ? 1 : 0));
            // (read first, a late approval may spare the restore an alert arrival order raised and retracted)
            assertThat(open(referenceFirst)).as("open alerts, reference read first").isEqualTo(open(inArrivalOrder));
        }
        assertThat(open(referenceLast)).as("open alerts, reference read last").isEqualTo(open(inArrivalOrder));
        assertThat(open(hostsAfterRestores)).as("open alerts, restores read first").isEqualTo(open(inArrivalOrder));
        assertThat(withoutRetractedExtras(referenceLast, inArrivalOrder)).isEqualTo(inArrivalOrder);
        assertThat(withoutRetractedExtras(hostsAfterRestores, inArrivalOrder)).isEqualTo(inArrivalOrder);
    }

    private record Arrived(Routed event, long arrival) {
    }

    /** Final alerts ("rule subject" → "severity status") when the events are read in {@code order}. */
    private static Map<String, String> verdicts(final String[] lines, final Comparator<Arrived> order) {
        try (ScenarioFixture fx = new ScenarioFixture()) {
            final List<Arrived> arrived = new ArrayList<>();
            long last = Long.MIN_VALUE;
            for (Routed r : fx.events(lines)) {
                // as ReplayDriver.send stamps them: arrival order is the scenario's line order
                last = ReplayDriver.arrivalAfter(last, r.envelope());
                arrived.add(new Arrived(r, last));
            }
            arrived.stream().sorted(order).forEach(a -> fx.send(a.event(), a.arrival()));
            final Map<String, String> verdicts = new TreeMap<>();
            for (Alert a : fx.finalAlerts()) {
                verdicts.put(a.rule().id() + " " + a.alert().subject(), a.alert().severity().label() + " " + a.alert().status());
            }
            return verdicts;
        }
    }

    private static Map<String, String> open(final Map<String, String> verdicts) {
        final Map<String, String> open = new TreeMap<>(verdicts);
        open.values().removeIf(v -> !v.endsWith(" " + Alert.OPEN));
        return open;
    }

    private static Map<String, String> withoutRetractedExtras(final Map<String, String> verdicts,
                                                              final Map<String, String> reference) {
        final Map<String, String> kept = new TreeMap<>(verdicts);
        kept.entrySet().removeIf(e -> !reference.containsKey(e.getKey()) && e.getValue().endsWith(" " + Alert.RETRACTED));
        return kept;
    }
}
