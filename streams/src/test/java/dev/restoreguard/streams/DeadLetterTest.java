package dev.restoreguard.streams;

import static dev.restoreguard.streams.ScenarioFixture.INVENTORY;
import static dev.restoreguard.streams.ScenarioFixture.restore;
import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.Topics;
import dev.restoreguard.events.alert.Alert;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bad input never stops the engine, and an unreadable restore or approval is never silent. */
class DeadLetterTest {

    private final ScenarioFixture fx = new ScenarioFixture();
    private final long t = Instant.parse("2026-11-21T22:00:00Z").toEpochMilli();

    @AfterEach
    void close() {
        fx.close();
    }

    private static byte[] utf8(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldRaisePipelineHealthAlertForAnUnreadableRestoreAndKeepGoing() {
        fx.feed(INVENTORY);
        fx.driver().sendRaw(Topics.RESTORES.name(), utf8("vbr01.corp.example"), utf8("{not json"), t);
        fx.feed(restore("2026-11-21T22:15:00Z", "s1", "started", "10.20.1.15"));
        assertThat(fx.open()).contains("RG-001 critical restore:veeam:s1")
                .anySatisfy(a -> assertThat(a).startsWith("RG-901 high dlq:restoreguard.restores:0:"));
    }

    @Test
    void shouldNameTheMissingFieldOfASchemaInvalidApproval() {
        fx.driver().sendRaw(Topics.APPROVALS.name(), utf8("CHG1"), utf8("""
                {"event_id":"x","schema_version":1,"at":"2026-11-21T10:00:00Z","source":"evil","kind":"approval",
                 "payload":{"state":"approved","targets":["sql-prod-01"]}}"""), t);
        final Alert alert = fx.finalAlerts().stream().filter(a -> a.rule().id().equals("RG-902")).findFirst().orElseThrow();
        assertThat(alert.alert().reason()).contains("approval.change_id: required").contains("counts as no approval");
        assertThat(alert.restoreguard().evidence()).containsEntry("topic", Topics.APPROVALS.name())
                .containsEntry("stage", "deserialization");
    }

    @Test
    void shouldNotMoveStreamTimeWithAMalformedRecord() {
        fx.feed(INVENTORY, restore("2026-11-21T22:00:00Z", "s0", "started", "sql-stg-01"));
        // a malformed record far in the future must not make the next record "too late"
        fx.driver().sendRaw(Topics.RESTORES.name(), utf8("vbr01.corp.example"), utf8("garbage"),
                Instant.parse("2030-01-01T00:00:00Z").toEpochMilli());
        fx.feed(restore("2026-11-21T22:20:00Z", "s1", "started", "10.20.1.15"),
                ScenarioFixture.approval("2026-11-21T22:10:00Z", "CHG1", "approved", "10.20.1.15",
                        "2026-11-21T22:00:00Z", "2026-11-22T02:00:00Z"));
        assertThat(fx.retracted()).containsExactly("RG-001 restore:veeam:s1");
    }
}
