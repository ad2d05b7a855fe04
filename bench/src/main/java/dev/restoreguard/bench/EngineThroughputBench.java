package dev.restoreguard.bench;

import dev.restoreguard.producers.approval.ApprovalSigner;
import dev.restoreguard.producers.scenario.Routed;
import dev.restoreguard.streams.app.EngineConfig;
import dev.restoreguard.streams.approval.TrustedKeys;
import dev.restoreguard.streams.replay.ReplayDriver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Events per second through the real correlation topology in-process (TopologyTestDriver, one
 * task): the engine's own cost, without the broker. Runs several times on the same generated input
 * and reports every run and the median, since this machine is shared and noisy.
 */
public final class EngineThroughputBench {

    /** One measured run. */
    public record Run(int events, long nanos, int alerts) {
        public double eventsPerSecond() {
            return events / (nanos / 1e9);
        }
    }

    /** The result: the runs and their median. */
    public record Result(int events, int observers, int assets, List<Run> runs, long generationMillis) {
        public double medianEventsPerSecond() {
            final List<Double> rates = new ArrayList<>(runs.stream().map(Run::eventsPerSecond).sorted().toList());
            return rates.get(rates.size() / 2);
        }
    }

    private EngineThroughputBench() {
    }

    public static Result run(final int events, final int observers, final int assets, final int runs) {
        final long g0 = System.nanoTime();
        final ApprovalSigner signer = ApprovalSigner.ephemeral("bench");
        final List<Routed> input = MixedStream.generate(events, observers, assets, 42L, signer);
        final long generationMillis = (System.nanoTime() - g0) / 1_000_000;
        final List<Run> measured = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            try (ReplayDriver driver = new ReplayDriver(EngineConfig.defaults().withTrustedKeys(
                    TrustedKeys.of(List.of(TrustedKeys.TrustedKey.unscoped(signer.keyId(), signer.publicKey().orElseThrow())))))) {
                // the inventory (100k assets) is loaded before the clock starts: it is set-up, not load
                driver.send(input.get(0).topic(), input.get(0).key(), input.get(0).envelope());
                final long t0 = System.nanoTime();
                for (int i = 1; i < input.size(); i++) {
                    final Routed e = input.get(i);
                    driver.send(e.topic(), e.key(), e.envelope());
                }
                final long nanos = System.nanoTime() - t0;
                measured.add(new Run(input.size() - 1, nanos, driver.publishedAlerts().size()));
            }
        }
        return new Result(input.size() - 1, observers, assets, measured, generationMillis);
    }
}
