package dev.restoreguard.bench.micro;

import dev.restoreguard.bench.CollectorBench;
import dev.restoreguard.producers.hosts.HostsDiff;
import dev.restoreguard.producers.hosts.HostsFileParser;
import dev.restoreguard.producers.hosts.ParsedHostsFile;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Hosts-file parsing and diffing of a 100,000-line Windows-style file (the collectors' hot path). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class HostsParsingBenchmark {

    private final HostsFileParser parser = new HostsFileParser();
    private byte[] before;
    private byte[] after;
    private ParsedHostsFile parsedBefore;
    private ParsedHostsFile parsedAfter;

    @Setup
    public void setUp() {
        before = CollectorBench.hostsFile(100_000, -1);
        after = CollectorBench.hostsFile(100_000, 50_000);
        parsedBefore = parser.parse(before);
        parsedAfter = parser.parse(after);
    }

    @Benchmark
    public ParsedHostsFile parse100kLines() {
        return parser.parse(after);
    }

    @Benchmark
    public HostsDiff diff100kLinesOneChange() {
        return HostsFileParser.diff(parsedBefore, parsedAfter, "vbr01.corp.example");
    }

    @Benchmark
    public HostsDiff parseAndDiff100kLines() {
        return HostsFileParser.diff(parser.parse(before), parser.parse(after), "vbr01.corp.example");
    }
}
