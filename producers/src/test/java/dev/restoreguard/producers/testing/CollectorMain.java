package dev.restoreguard.producers.testing;

import dev.restoreguard.producers.config.CollectorConfig;
import dev.restoreguard.producers.runtime.CollectorKinds;
import dev.restoreguard.producers.runtime.CollectorService;
import dev.restoreguard.producers.runtime.Metrics;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A collector process for kill -9 tests, as {@code restoreguard collect} runs it: prints
 * {@code READY} once started and the spool drained, then runs until killed.
 * Arguments: kind, configuration file.
 */
public final class CollectorMain {

    private CollectorMain() {
    }

    public static void main(final String[] args) throws Exception {
        final CollectorConfig config = CollectorConfig.read(Path.of(args[1]));
        final Metrics metrics = new Metrics();
        final CollectorService service = new CollectorService(config, CollectorKinds.create(args[0], config, metrics), metrics);
        service.start();
        service.publisher().awaitDrained(Duration.ofSeconds(60));
        System.out.println("READY");
        System.out.flush();
        service.awaitStop();
    }
}
