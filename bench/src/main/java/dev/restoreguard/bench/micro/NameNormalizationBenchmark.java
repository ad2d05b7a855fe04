package dev.restoreguard.bench.micro;

import dev.restoreguard.events.net.Names;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/** The contract's name normalization ({@link Names#normalize(String, String)}) over the spellings seen in practice. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NameNormalizationBenchmark {

    private final String[] names = {"sql-dev-01", "SQL-PROD-01.Corp.Example.", "sql-dev-01.corp.example", "10.20.1.15",
        "fe80::1", " app07 ", "FILESRV", "db-42.eu.corp.example"};

    /** One normalization per name of the mix, as seen from an observer with a domain suffix. */
    @Benchmark
    public void normalizeForObserver(final Blackhole hole) {
        for (final String name : names) {
            hole.consume(Names.normalize(name, "vbr01.corp.example"));
        }
    }

    /** With the suffix computed once, as the hosts-file code does per file. */
    @Benchmark
    public void normalizeWithSuffix(final Blackhole hole) {
        for (final String name : names) {
            hole.consume(Names.normalizeWithSuffix(name, "corp.example"));
        }
    }
}
