package dev.restoreguard.producers.servicenow;

import dev.restoreguard.producers.runtime.Collector;
import dev.restoreguard.producers.runtime.EventSink;
import dev.restoreguard.producers.runtime.Metrics;
import dev.restoreguard.producers.runtime.StateFiles;
import dev.restoreguard.producers.runtime.PollingWorker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Runs {@link ServiceNowChangePoller} as a collector: every {@code poll_seconds} it fetches the
 * {@code change_request} records updated since the watermark and publishes them as approvals.
 * Publishing stays in {@link ServiceNowChangePoller#poll} (the one place approvals leave for
 * Kafka, where the approval bridge will sign them).
 *
 * <p>Topic written: {@code restoreguard.approvals} (key: change number). The watermark (newest
 * {@code sys_updated_on} published) is kept in {@code <state_dir>/servicenow/watermark} and does
 * not move past an approval the spool refused; at the very first start it is
 * {@code initial_lookback_days} ago. A failed poll (ServiceNow down, 401) is logged, counted and
 * retried at the next poll.
 */
public final class ServiceNowCollector implements Collector {

    /** The collector kind. */
    public static final String KIND = "servicenow";
    static final String APPROVALS = "restoreguard_servicenow_approvals_total";

    private final ServiceNowChangePoller poller;
    private final Duration pollInterval;
    private final Duration initialLookback;
    private final Path watermarkFile;
    private final Metrics metrics;
    private final Clock clock;
    private PollingWorker worker;
    private EventSink sink;
    private Instant watermark;

    public ServiceNowCollector(final ServiceNowChangePoller poller, final Duration pollInterval, final Duration initialLookback,
                               final Path stateDir, final Metrics metrics, final Clock clock) {
        this.poller = poller;
        this.pollInterval = pollInterval;
        this.initialLookback = initialLookback;
        this.watermarkFile = stateDir.resolve(KIND).resolve("watermark");
        this.metrics = metrics;
        this.clock = clock;
        metrics.counter(APPROVALS, "ServiceNow changes published as approvals");
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void start(final EventSink eventSink) throws Exception {
        this.sink = eventSink;
        Files.createDirectories(watermarkFile.getParent());
        watermark = loadWatermark();
        worker = new PollingWorker(KIND, metrics);
        worker.start(pollInterval, this::poll);
    }

    /** Polls now and waits (tests). */
    public void pollNow() throws Exception {
        worker.pollNow();
    }

    /** The current watermark (tests). */
    public Instant watermark() {
        return watermark;
    }

    private void poll() throws IOException, InterruptedException {
        final ServiceNowChangePoller.PollResult r = poller.poll(watermark, sink);
        metrics.add(APPROVALS, r.published());
        for (int i = 0; i < r.skipped(); i++) {
            metrics.skipped("servicenow-change-unmapped");
        }
        if (r.watermark().isAfter(watermark)) {
            watermark = r.watermark();
            StateFiles.writeAtomically(watermarkFile, watermark.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private Instant loadWatermark() throws IOException {
        if (Files.exists(watermarkFile)) {
            final String text = Files.readString(watermarkFile, StandardCharsets.UTF_8).strip();
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw new IOException(watermarkFile + ": not an instant: '" + text + "'", e);
            }
        }
        return clock.instant().minus(initialLookback).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    }

    @Override
    public boolean ready() {
        return worker != null && worker.lastPollOk();
    }

    @Override
    public void close() {
        if (worker != null) {
            worker.close();
        }
    }
}
