package dev.restoreguard.producers.veeam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.restore.RestoreEvent;
import dev.restoreguard.producers.runtime.Metrics;
import dev.restoreguard.producers.testing.ListSink;
import dev.restoreguard.producers.testing.VeeamRestDouble;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST poller against {@link VeeamRestDouble} (Veeam's published REST v1 reference; the pages
 * are cited there): token, paging, filters, open sessions followed to their end, 401 refresh and
 * re-login, errors, the persisted watermark.
 */
class VeeamRestCollectorTest {

    private static final Instant NOW = Instant.parse("2026-11-20T17:00:00Z");

    @TempDir
    Path state;

    private VeeamRestDouble veeam;
    private final ListSink sink = new ListSink();
    private final Metrics metrics = new Metrics();
    private VeeamRestCollector collector;

    @BeforeEach
    void start() throws Exception {
        veeam = new VeeamRestDouble();
    }

    @AfterEach
    void stop() {
        if (collector != null) {
            collector.close();
        }
        veeam.close();
    }

    static VeeamRestClient client(final VeeamRestDouble veeam, final String password) {
        return new VeeamRestClient(veeam.url(), VeeamRestDouble.USER, password, "1.2-rev0", HttpClient.newHttpClient(),
                Duration.ofSeconds(5), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private VeeamRestCollector collector(final int pageSize) throws Exception {
        collector = new VeeamRestCollector(client(veeam, VeeamRestDouble.PASSWORD), List.of("RestoreVm", "InstantRecovery"),
                "vbr01.corp.example", pageSize, Duration.ofHours(1), Duration.ofHours(24), state, metrics,
                Clock.fixed(NOW, ZoneOffset.UTC), null);
        collector.start(sink);
        return collector;
    }

    private List<RestoreEvent> restores() {
        return sink.events().stream().map(p -> (RestoreEvent) p.envelope().payload()).toList();
    }

    private static String id(final int n) {
        return "00000000-0000-0000-0000-00000000000" + n;
    }

    @Test
    void shouldPublishStartedAndFinishedSessionsOfTheConfiguredTypesAcrossPages() throws Exception {
        veeam.session(id(1), "RestoreVm", NOW.minusSeconds(3600), "Stopped", NOW.minusSeconds(3000), "Success", false);
        veeam.session(id(2), "InstantRecovery", NOW.minusSeconds(1800), "Working", null, "None", false);
        veeam.session(id(3), "RestoreVm", NOW.minusSeconds(900), "Stopped", NOW.minusSeconds(600), "Failed", false);
        veeam.session(id(4), "BackupJob", NOW.minusSeconds(800), "Stopped", NOW.minusSeconds(700), "Success", false);
        veeam.session(id(5), "RestoreVm", NOW.minusSeconds(100 * 3600), "Stopped", NOW.minusSeconds(99 * 3600), "Success", false);
        collector(1); // one session per page: paging must follow pagination.total

        assertThat(restores()).extracting(RestoreEvent::sessionId, RestoreEvent::state, RestoreEvent::result).containsExactly(
                org.assertj.core.groups.Tuple.tuple(id(1), "started", null), org.assertj.core.groups.Tuple.tuple(id(1), "finished", 0),
                org.assertj.core.groups.Tuple.tuple(id(3), "started", null), org.assertj.core.groups.Tuple.tuple(id(3), "failed", 2),
                org.assertj.core.groups.Tuple.tuple(id(2), "started", null));
        assertThat(sink.events()).allMatch(p -> p.key().equals("vbr01.corp.example") && p.envelope().source().equals("veeam-rest")
                && ((RestoreEvent) p.envelope().payload()).product().equals("veeam"));
        assertThat(sink.events().get(0).envelope().at()).isEqualTo(NOW.minusSeconds(3600));
        assertThat(sink.events().get(1).envelope().at()).isEqualTo(NOW.minusSeconds(3000));
        assertThat(veeam.requests).anyMatch(r -> r.startsWith("GET /api/v1/sessions?typeFilter=RestoreVm&createdAfterFilter=2026-11-19T16%3A59%3A00Z")
                && r.contains("orderColumn=CreationTime&orderAsc=true&skip=1&limit=1"));
        assertThat(veeam.grants.get("password").get()).isEqualTo(1);

        veeam.finish(id(2), NOW.plusSeconds(60), "Warning"); // the open session ends
        collector.pollNow();
        assertThat(restores()).last().extracting(RestoreEvent::sessionId, RestoreEvent::state, RestoreEvent::result)
                .containsExactly(id(2), "finished", 1);
        assertThat(veeam.requests).contains("GET /api/v1/sessions/" + id(2));
        collector.pollNow();
        assertThat(restores()).hasSize(6); // nothing twice
    }

    @Test
    void shouldRefreshAfter401AndLogInAgainWhenTheRefreshTokenIsRefused() throws Exception {
        collector(200);
        veeam.expireAccessTokens();
        veeam.session(id(1), "RestoreVm", NOW.minusSeconds(60), "Working", null, "None", false);
        collector.pollNow();
        assertThat(veeam.grants.get("refresh_token").get()).isEqualTo(1);
        veeam.revokeAllTokens();
        veeam.session(id(2), "RestoreVm", NOW.minusSeconds(30), "Working", null, "None", false);
        collector.pollNow();
        assertThat(veeam.grants.get("password").get()).isEqualTo(2);
        assertThat(restores()).extracting(RestoreEvent::sessionId).containsExactly(id(1), id(2));
        assertThat(collector.ready()).isTrue();
    }

    @Test
    void shouldSurviveErrorsAndWrongCredentialsWithoutLosingSessions() throws Exception {
        veeam.session(id(1), "RestoreVm", NOW.minusSeconds(60), "Working", null, "None", false);
        veeam.failNextSessionsWith(500);
        collector(200);
        assertThat(collector.ready()).isFalse();
        assertThat(metrics.value(Metrics.ERRORS)).isEqualTo(1);
        collector.pollNow();
        assertThat(restores()).extracting(RestoreEvent::sessionId).containsExactly(id(1));

        final VeeamRestClient wrong = client(veeam, "wrong");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> wrong.sessions("RestoreVm", NOW, 10))
                .isInstanceOf(VeeamRestClient.VeeamApiException.class).hasMessageContaining("401").hasMessageContaining("AccessDenied");
        org.assertj.core.api.Assertions.assertThat(client(veeam, VeeamRestDouble.PASSWORD).session("no-such-session")).isNull();
    }

    @Test
    void shouldKeepTheWatermarkAndOpenSessionsAcrossARestartAndRetryWhatTheSpoolRefused() throws Exception {
        veeam.session(id(1), "RestoreVm", NOW.minusSeconds(600), "Working", null, "None", false);
        collector(200);
        collector.close();
        veeam.finish(id(1), NOW.minusSeconds(10), "Success");
        veeam.session(id(2), "RestoreVm", NOW.minusSeconds(300), "Stopped", NOW.minusSeconds(200), "Success", true);
        sink.refuse(true);
        collector(200); // spool full: nothing recorded as done
        sink.refuse(false);
        collector.pollNow();
        assertThat(restores()).extracting(RestoreEvent::sessionId, RestoreEvent::state).containsExactly(
                org.assertj.core.groups.Tuple.tuple(id(1), "started"), org.assertj.core.groups.Tuple.tuple(id(1), "finished"),
                org.assertj.core.groups.Tuple.tuple(id(2), "started"), org.assertj.core.groups.Tuple.tuple(id(2), "failed"));
        assertThat(restores().get(3).taskStatus()).isEqualTo("Canceled");
    }
}
