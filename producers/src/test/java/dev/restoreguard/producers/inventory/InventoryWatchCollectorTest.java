package dev.restoreguard.producers.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.inventory.InventorySnapshot;
import dev.restoreguard.producers.runtime.Metrics;
import dev.restoreguard.producers.testing.ListSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class InventoryWatchCollectorTest {

    private static final String V1 = """
            assets:
              - {name: sql-prod-01.corp.example, ips: [10.20.1.15], environment: production}
            networks:
              - {cidr: 10.20.0.0/16, environment: production}
            """;
    private static final String V2 = V1 + "  - {cidr: 10.30.0.0/16, environment: development}\n";
    private static final String BROKEN = V1 + "  - {cidr: 10.30.0.7/16, environment: development}\n";

    @TempDir
    Path tmp;

    private final ListSink sink = new ListSink();
    private final Metrics metrics = new Metrics();

    private InventoryWatchCollector start(final Path file) throws Exception {
        final InventoryWatchCollector c = new InventoryWatchCollector(file, Duration.ofHours(1), tmp.resolve("state"), Map.of(), metrics);
        c.start(sink);
        return c;
    }

    private static void save(final Path file, final String text, final String at) throws Exception {
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse(at)));
    }

    @Test
    void shouldPublishEachValidVersionAndKeepTheLastGoodOneWhenAnEditIsBroken() throws Exception {
        final Path file = tmp.resolve("inventory.yaml");
        save(file, V1, "2026-11-20T09:00:00Z");
        final ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger(InventoryWatchCollector.class)).addAppender(logs);
        try (InventoryWatchCollector c = start(file)) {
            assertThat(sink.events()).hasSize(1);
            assertThat(sink.events().get(0).topic()).isEqualTo(Topics.INVENTORY.name());
            assertThat(sink.events().get(0).key()).isEqualTo("inventory");
            assertThat(sink.events().get(0).envelope().at()).isEqualTo(Instant.parse("2026-11-20T09:00:00Z"));

            save(file, BROKEN, "2026-11-20T10:00:00Z");
            c.checkNow();
            c.checkNow(); // the same broken content is reported once
            assertThat(sink.events()).as("a broken inventory is never published").hasSize(1);
            assertThat(c.valid()).isFalse();
            assertThat(metrics.value("restoreguard_inventory_valid")).isZero();
            assertThat(metrics.value("restoreguard_inventory_invalid_total")).isEqualTo(1);
            assertThat(c.current().networks()).hasSize(1);
            assertThat(logs.list).filteredOn(e -> e.getLevel().toString().equals("ERROR")).hasSize(1)
                    .allSatisfy(e -> assertThat(e.getKeyValuePairs().toString()).contains("line 5: networks[1].cidr"));

            save(file, V2, "2026-11-20T11:00:00Z");
            c.checkNow();
            assertThat(sink.events()).hasSize(2);
            assertThat(((InventorySnapshot) sink.events().get(1).envelope().payload()).networks()).hasSize(2);
            assertThat(sink.events().get(1).envelope().at()).isEqualTo(Instant.parse("2026-11-20T11:00:00Z"));
            assertThat(c.valid()).isTrue();
        } finally {
            ((Logger) LoggerFactory.getLogger(InventoryWatchCollector.class)).detachAppender(logs);
        }
    }

    @Test
    void shouldNotPublishAnUnchangedFileAgainAfterARestartButRetryARefusedOne() throws Exception {
        final Path file = tmp.resolve("inventory.yaml");
        save(file, V1, "2026-11-20T09:00:00Z");
        try (InventoryWatchCollector c = start(file)) {
            assertThat(sink.events()).hasSize(1);
        }
        try (InventoryWatchCollector c = start(file)) {
            assertThat(sink.events()).hasSize(1);
            sink.refuse(true);
            save(file, V2, "2026-11-20T11:00:00Z");
            c.checkNow();
            assertThat(sink.events()).hasSize(1);
            sink.refuse(false);
            c.checkNow();
            assertThat(sink.events()).hasSize(2);
        }
    }

    @Test
    void shouldKeepTheInventoryInForceWhenTheFileDisappears() throws Exception {
        final Path file = tmp.resolve("inventory.yaml");
        save(file, V1, "2026-11-20T09:00:00Z");
        try (InventoryWatchCollector c = start(file)) {
            Files.delete(file);
            c.checkNow();
            assertThat(c.current()).isNotNull();
            assertThat(sink.events()).hasSize(1);
        }
    }
}
