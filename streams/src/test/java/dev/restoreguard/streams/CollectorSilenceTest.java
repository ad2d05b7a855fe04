package dev.restoreguard.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.events.audit.AuditRecord;
import dev.restoreguard.events.audit.Heartbeat;
import dev.restoreguard.streams.app.EngineConfig;
import dev.restoreguard.streams.replay.ReplayDriver;
import dev.restoreguard.streams.rules.CollectorSilent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RG-910: a collector that stops sending heartbeats is noticed within the configured silence. */
class CollectorSilenceTest {

    private static final Duration SILENCE = Duration.ofMinutes(5);
    private static final String VBR = "vbr01.corp.example";

    private final ReplayDriver driver = new ReplayDriver(EngineConfig.defaults().withCollectorSilence(SILENCE));
    private Instant at = Instant.parse("2026-11-21T10:00:00Z");

    @AfterEach
    void close() {
        driver.close();
    }

    private void beat(final String observer, final String collector) {
        at = at.plusSeconds(60);
        driver.send(Topics.AUDIT.name(), observer,
                Envelope.of(collector, at, observer, new Heartbeat(collector, "0.1.0", null)));
    }

    private List<Alert> silenceAlerts() {
        return driver.publishedAlerts().stream().filter(a -> a.rule().id().equals("RG-910")).toList();
    }

    @Test
    void shouldRaiseOneAlertOnceACollectorIsSilentLongerThanTheThreshold() {
        beat(VBR, "hosts-file");
        driver.advanceWallClock(Duration.ofMinutes(4));
        assertThat(silenceAlerts()).isEmpty();

        driver.advanceWallClock(Duration.ofMinutes(2));
        driver.advanceWallClock(Duration.ofMinutes(10));

        assertThat(silenceAlerts()).singleElement().satisfies(a -> {
            assertThat(a.alert().status()).isEqualTo(Alert.OPEN);
            assertThat(a.alert().subject()).isEqualTo(CollectorSilent.subject(VBR, "hosts-file"));
            assertThat(a.host().name()).isEqualTo(VBR);
            assertThat(a.alert().reason()).contains("hosts-file collector on " + VBR).contains("300 s");
            assertThat(a.restoreguard().evidence()).containsEntry("collector", "hosts-file")
                    .containsEntry("silence_threshold", "PT5M");
        });
    }

    @Test
    void shouldRetractWhenHeartbeatsResumeAndReopenTheSameAlertOnTheNextSilence() {
        beat(VBR, "hosts-file");
        driver.advanceWallClock(Duration.ofMinutes(6));
        beat(VBR, "hosts-file");
        driver.advanceWallClock(Duration.ofMinutes(6));

        final List<Alert> versions = silenceAlerts();
        assertThat(versions).extracting(a -> a.alert().status())
                .containsExactly(Alert.OPEN, Alert.RETRACTED, Alert.OPEN);
        assertThat(versions).extracting(a -> a.alert().id()).containsOnly(versions.getFirst().alert().id());
        assertThat(versions.get(1).alert().reason()).contains("heartbeats resumed");
    }

    @Test
    void shouldJudgeEachObserverAndCollectorOnItsOwn() {
        beat(VBR, "hosts-file");
        beat("vbr02.corp.example", "hosts-file");
        beat(VBR, "resolution-watcher");
        for (int minute = 0; minute < 8; minute++) {
            driver.advanceWallClock(Duration.ofMinutes(1));
            beat("vbr02.corp.example", "hosts-file");
            beat(VBR, "resolution-watcher");
        }

        assertThat(silenceAlerts()).extracting(a -> a.alert().subject())
                .containsExactly(CollectorSilent.subject(VBR, "hosts-file"));
    }

    @Test
    void shouldNotCountAuditEvidenceAsASignOfLife() {
        driver.send(Topics.AUDIT.name(), VBR, Envelope.of("veeam-syslog", at, VBR,
                new AuditRecord("veeam-syslog", "mount", "s1", Map.of("Reason", "test"), "raw line")));
        driver.advanceWallClock(Duration.ofMinutes(30));

        assertThat(silenceAlerts()).isEmpty();
    }

    @Test
    void shouldRejectANonPositiveThresholdNamingTheKey() {
        assertThatThrownBy(() -> EngineConfig.defaults().withCollectorSilence(Duration.ZERO))
                .hasMessageContaining("engine.collector_silence");
        assertThatThrownBy(() -> EngineConfig.fromEnvironment(
                Map.of("RESTOREGUARD_ENGINE_COLLECTOR_SILENCE", "5 minutes")))
                .hasMessageContaining("RESTOREGUARD_ENGINE_COLLECTOR_SILENCE");
    }
}
