package dev.restoreguard.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.events.hosts.HostsSnapshot;
import dev.restoreguard.producers.runtime.EventChains;
import dev.restoreguard.producers.scenario.Routed;
import dev.restoreguard.producers.scenario.ScenarioReader;
import dev.restoreguard.streams.processor.ChainVerificationProcessor;
import dev.restoreguard.streams.app.EngineConfig;
import dev.restoreguard.streams.replay.ReplayDriver;
import dev.restoreguard.streams.topology.StoreNames;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tamper-evidence rules RG-930..RG-933 through the real topology: events chained by the
 * collectors' own {@link EventChains}, judged by the engine's chain verification.
 */
class ChainVerificationTest {

    private static final String OBSERVER = "vbr01.corp.example";

    @TempDir
    Path tmp;

    private final ReplayDriver driver = new ReplayDriver(EngineConfig.defaults());

    @AfterEach
    void close() {
        driver.close();
    }

    /** Hosts snapshots of one observer, minutes apart, each chained like the collector chains them. */
    private List<Envelope> chained(final EventChains chains, final int count, final int firstMinute) {
        final ScenarioReader reader = new ScenarioReader();
        final List<Envelope> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            final String at = "2026-11-20T10:%02d:00Z".formatted(firstMinute + i);
            final ScenarioReader.Outcome outcome = reader.read(i + 1, ScenarioFixture.hosts(at, OBSERVER,
                    "127.0.0.1 localhost\n10.30.1." + (firstMinute + i) + " sql-dev-01\n"));
            final Routed routed = ((ScenarioReader.Events) outcome).events().getFirst();
            events.add(chains.place(routed.topic(), routed.key(), routed.envelope()));
        }
        return events;
    }

    private EventChains chains(final String name) {
        return new EventChains(tmp.resolve(name + ".json"), "hosts-file@" + OBSERVER);
    }

    private void send(final Envelope... events) {
        for (final Envelope event : events) {
            driver.send(Topics.HOSTS.name(), OBSERVER, event);
        }
    }

    /** Open chain alerts as "RULE seq". */
    private List<String> chainAlerts() {
        return driver.finalAlerts().stream().filter(a -> a.rule().id().startsWith("RG-93"))
                .filter(a -> Alert.OPEN.equals(a.alert().status()))
                .map(a -> a.rule().id() + " " + a.restoreguard().evidence().get("seq")).sorted().toList();
    }

    @Test
    void shouldRaiseNothingForAnUnbrokenChainAndKeepItsStateInTheNamedStore() {
        final List<Envelope> events = chained(chains("a"), 4, 0);
        send(events.toArray(Envelope[]::new));

        assertThat(chainAlerts()).isEmpty();
        final ChainVerificationProcessor.ChainState state = driver.<String, ChainVerificationProcessor.ChainState>
                keyValueStore(StoreNames.CHAINS).get(events.getFirst().chain().id());
        assertThat(state.seq()).isEqualTo(4);
        assertThat(events.get(1).chain().prev()).isEqualTo(dev.restoreguard.events.Chain.digest(events.get(0)));
    }

    @Test
    void shouldIgnoreASpoolReSendOfIdenticalEventsEvenAfterLaterOnes() {
        final List<Envelope> e = chained(chains("a"), 4, 0);
        // The spool re-sends everything not yet acknowledged: 2 and 3 come again after 3.
        send(e.get(0), e.get(1), e.get(2), e.get(1), e.get(2), e.get(3), e.get(3));

        assertThat(chainAlerts()).isEmpty();
    }

    @Test
    void shouldRaiseAGapWhenEventsAreMissing() {
        final List<Envelope> e = chained(chains("a"), 5, 0);
        send(e.get(0), e.get(1), e.get(4));

        assertThat(chainAlerts()).containsExactly("RG-930 5");
        final Alert gap = driver.finalAlerts().stream().filter(a -> a.rule().id().equals("RG-930")).findFirst().orElseThrow();
        assertThat(gap.restoreguard().evidence()).containsEntry("missing_from", 3).containsEntry("missing_to", 4);
        assertThat(gap.alert().reason()).contains("2 event(s) missing: 3..4");
        assertThat(gap.host().name()).isEqualTo(OBSERVER);
    }

    @Test
    void shouldRaiseAReorderWhenAnEarlierEventArrivesLate() {
        final List<Envelope> e = chained(chains("a"), 3, 0);
        send(e.get(0), e.get(2), e.get(1));

        // 3 before 2 is first a gap; 2 arriving afterwards is the reorder.
        assertThat(chainAlerts()).containsExactly("RG-930 3", "RG-931 2");
    }

    @Test
    void shouldRaiseARewriteWhenAChainedEventWasAlteredAfterChaining() {
        final List<Envelope> e = chained(chains("a"), 3, 0);
        final Envelope original = e.get(1);
        final HostsSnapshot payload = (HostsSnapshot) original.payload();
        // Same id and chain, other content: the hosts line now points elsewhere.
        final Envelope rewritten = new Envelope(original.eventId(), original.schemaVersion(), original.at(),
                original.observer(), original.source(), new HostsSnapshot(payload.path(),
                payload.content().replace("10.30.1.1 ", "10.20.1.15 "), payload.entries(), payload.ignored(),
                payload.sha256(), payload.sizeBytes(), payload.truncated(), payload.baseline(), payload.diff(),
                payload.writer()),
                original.chain());
        assertThat(rewritten.payload()).isNotEqualTo(original.payload());

        send(e.get(0), rewritten, e.get(2));

        assertThat(chainAlerts()).containsExactly("RG-932 3");
    }

    @Test
    void shouldRaiseARewriteWhenTwoDifferentEventsClaimTheSamePlace() {
        final List<Envelope> mine = chained(chains("a"), 2, 0);
        final List<Envelope> forged = chained(chains("b"), 2, 30);

        send(mine.get(0), mine.get(1), forged.get(1));

        assertThat(chainAlerts()).containsExactly("RG-932 2");
    }

    @Test
    void shouldRaiseARestartWhenAChainBeginsAgain() {
        final List<Envelope> before = chained(chains("a"), 2, 0);
        final List<Envelope> after = chained(chains("lost-state"), 1, 10);

        send(before.get(0), before.get(1), after.get(0));

        assertThat(chainAlerts()).containsExactly("RG-933 1");
    }

    @Test
    void shouldNotJudgeUnchainedEvents() {
        final List<Envelope> e = chained(chains("a"), 2, 0);
        send(e.get(0).withChain(null), e.get(1).withChain(null));

        assertThat(chainAlerts()).isEmpty();
    }
}
