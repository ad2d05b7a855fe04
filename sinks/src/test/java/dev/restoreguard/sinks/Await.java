package dev.restoreguard.sinks;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Waits for a condition by polling it (never a fixed sleep): returns as soon as it holds. */
public final class Await {

    private Await() {
    }

    public static void until(final String what, final Duration timeout, final Callable<Boolean> condition) throws Exception {
        final long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (Boolean.TRUE.equals(condition.call())) {
                    return;
                }
                last = null;
            } catch (Exception e) {
                last = e;
            }
            Thread.onSpinWait();
            Thread.sleep(50); // a poll interval, not a wait for the condition
        }
        throw new AssertionError("timed out after " + timeout + " waiting for " + what, last);
    }
}
