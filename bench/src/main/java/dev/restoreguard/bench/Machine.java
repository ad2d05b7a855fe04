package dev.restoreguard.bench;

import java.lang.management.ManagementFactory;
import java.time.Instant;

/**
 * What the benchmark ran on: the figures mean little without it, and this machine is shared.
 *
 * @param cores          processors available to the JVM
 * @param memoryBytes    physical memory
 * @param jdk            the JDK's version
 * @param os             operating system and architecture
 * @param loadAverage    the one-minute load average when the run started (other processes' load)
 * @param date           when the run started
 */
public record Machine(int cores, long memoryBytes, String jdk, String os, double loadAverage, Instant date) {

    /** This machine, now. */
    public static Machine current() {
        final var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return new Machine(Runtime.getRuntime().availableProcessors(), os.getTotalMemorySize(),
                Runtime.version().toString() + " (" + System.getProperty("java.vendor", "?") + ")",
                System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                os.getSystemLoadAverage(), Instant.now());
    }

    /** The current one-minute load average (negative where the OS has none). */
    public static double loadNow() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
