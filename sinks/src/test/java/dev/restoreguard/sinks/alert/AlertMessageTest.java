package dev.restoreguard.sinks.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.sinks.Fixtures;
import dev.restoreguard.sinks.alert.config.SyslogConfig;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class AlertMessageTest {

    private static final String LINK = "https://kibana.example/app/discover#/?q={alert.id}";

    @Test
    void shouldTellWhatWhereWhyAndWhatToCheckFirst() {
        final Alert alert = Fixtures.alert(Alert.OPEN);
        final AlertMessage message = AlertMessage.of(alert, LINK);
        assertThat(message.title()).isEqualTo("[CRITICAL] Restore into production without an approved change on vbr01.corp.example");
        assertThat(message.where()).contains("vbr01.corp.example", "sql-prod-01.corp.example", "10.20.1.15", "CORP\\jdoe");
        assertThat(message.why()).isEqualTo(alert.alert().reason());
        assertThat(message.checkFirst()).startsWith("Is the restore still running?");
        assertThat(message.link()).endsWith("q=" + alert.alert().id());
        assertThat(message.plainText(alert)).contains("What:", "Where:", "When:  2026-11-20T16:02:00Z", "Why:", "Check first:", "Timeline:");
    }

    @Test
    void shouldSayThatARetractionNeedsNoAction() {
        final AlertMessage message = AlertMessage.of(Fixtures.alert(Alert.RETRACTED), null);
        assertThat(message.title()).startsWith("[RESOLVED] ").endsWith("(retracted: no longer applies)");
        assertThat(message.checkFirst()).startsWith("Nothing to do");
        assertThat(message.link()).isNull();
    }

    @Test
    void shouldTriggerAndResolvePagerDutyWithTheAlertIdAsDedupKey() {
        final Alert open = Fixtures.alert(Alert.OPEN);
        final JsonNode trigger = PagerDutyChannel.event("R0123456789abcdef0123456789abcde", open, AlertMessage.of(open, LINK));
        assertThat(trigger.path("event_action").asText()).isEqualTo("trigger");
        assertThat(trigger.path("dedup_key").asText()).isEqualTo(open.alert().id());
        assertThat(trigger.at("/payload/severity").asText()).isEqualTo("critical");
        assertThat(trigger.at("/payload/source").asText()).isEqualTo("vbr01.corp.example");
        assertThat(trigger.at("/payload/summary").asText().length()).isLessThanOrEqualTo(1024);
        assertThat(trigger.at("/links/0/href").asText()).contains(open.alert().id());

        final Alert retracted = open.withStatus(Alert.RETRACTED);
        final JsonNode resolve = PagerDutyChannel.event("R0123456789abcdef0123456789abcde", retracted, AlertMessage.of(retracted, LINK));
        assertThat(resolve.path("event_action").asText()).isEqualTo("resolve");
        assertThat(resolve.path("dedup_key").asText()).isEqualTo(open.alert().id());
        assertThat(resolve.has("payload")).isFalse();
    }

    @Test
    void shouldBuildAnAdaptiveCardAndASlackMessage() {
        final Alert alert = Fixtures.alert(Alert.OPEN);
        final AlertMessage message = AlertMessage.of(alert, LINK);
        final JsonNode teams = TeamsChannel.payload(alert, message);
        assertThat(teams.at("/attachments/0/contentType").asText()).isEqualTo("application/vnd.microsoft.card.adaptive");
        assertThat(teams.at("/attachments/0/content/type").asText()).isEqualTo("AdaptiveCard");
        assertThat(teams.at("/attachments/0/content/actions/0/url").asText()).contains(alert.alert().id());
        final JsonNode slack = SlackChannel.payload(alert, message);
        assertThat(slack.path("text").asText()).isEqualTo(message.title());
        assertThat(slack.at("/blocks/0/type").asText()).isEqualTo("header");
        assertThat(slack.at("/blocks/1/text/text").asText()).contains("*Why:*", "*Check first:*");
    }

    @Test
    void shouldFormatRfc5424WithStructuredDataAndEscapes() {
        final Clock clock = Clock.fixed(Instant.parse("2026-11-20T16:02:03.456Z"), ZoneOffset.UTC);
        final SyslogChannel channel = new SyslogChannel(new SyslogConfig("siem", null, null, null, null, "127.0.0.1",
                514, "udp", "local4", null), clock);
        final Alert alert = Fixtures.alert(Alert.OPEN);
        final String line = channel.format(alert, AlertMessage.of(alert, null), "msg-1");
        // local4 (20) * 8 + crit (2) = 162
        assertThat(line).startsWith("<162>1 2026-11-20T16:02:03.456Z ");
        assertThat(line).contains(" restoreguard - RG-001 [restoreguard@32473 alert_id=\"" + alert.alert().id() + "\"");
        assertThat(line).contains("subject=\"restore:veeam:8c0e7a4e-1111-2222-3333-444455556666\"");
        assertThat(line).contains("] \uFEFF[CRITICAL] Restore into production");
        assertThat(line).doesNotContain("\n");
    }
}
