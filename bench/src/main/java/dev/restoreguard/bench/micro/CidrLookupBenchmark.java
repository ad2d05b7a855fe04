package dev.restoreguard.bench.micro;

import dev.restoreguard.events.net.NetworkIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The inventory's most-specific-network lookup ({@link NetworkIndex#environmentOf}) with 100,000
 * networks: 65,536 /24s of 10.0.0.0/8, 34,464 /28s inside 172.16.0.0/12 and a few covering /16s
 * and /8s, looked up with addresses that hit and miss.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CidrLookupBenchmark {

    private static final String[] ENVIRONMENTS = {"production", "staging", "development", "test"};

    private NetworkIndex index;
    private String[] addresses;
    private int next;

    @Setup
    public void setUp() {
        final List<NetworkIndex.Entry> entries = new ArrayList<>(100_000);
        for (int i = 0; i < 65_536; i++) {
            entries.add(NetworkIndex.Entry.of("10." + (i >> 8) + "." + (i & 255) + ".0/24", ENVIRONMENTS[i % 4]));
        }
        for (int i = 0; entries.size() < 99_990; i++) {
            entries.add(NetworkIndex.Entry.of("172." + (16 + (i >> 12)) + "." + ((i >> 4) & 255) + "." + ((i & 15) << 4) + "/28",
                    ENVIRONMENTS[i % 4]));
        }
        for (int i = 0; i < 8; i++) {
            entries.add(NetworkIndex.Entry.of("192." + (168 + i) + ".0.0/16", "test"));
        }
        entries.add(NetworkIndex.Entry.of("10.0.0.0/8", "staging"));
        entries.add(NetworkIndex.Entry.of("172.16.0.0/12", "development"));
        index = NetworkIndex.of(entries);
        final SplittableRandom random = new SplittableRandom(1);
        addresses = new String[4096];
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = switch (i % 4) {
                case 0, 1 -> "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(1, 255);
                case 2 -> "172." + (16 + random.nextInt(9)) + "." + random.nextInt(256) + "." + random.nextInt(256);
                default -> "203.0.113." + random.nextInt(256); // in no network
            };
        }
    }

    @Benchmark
    public Optional<String> environmentOf() {
        final String ip = addresses[next++ & (addresses.length - 1)];
        return index.environmentOf(ip);
    }
}
