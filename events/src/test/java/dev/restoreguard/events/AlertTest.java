package dev.restoreguard.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.events.alert.Severity;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertTest {

    private static final String SUBJECT = "restore:veeam:8c0e7a4e-5b1f-4c8e-9d2a-3f6b7c8d9e01";

    @Test
    void shouldDeriveTheSameAlertIdFromTheSameRuleAndSubject() {
        assertThat(Alert.idOf("RG-001", SUBJECT)).isEqualTo(Alert.idOf("RG-001", new String(SUBJECT)));
    }

    @Test
    void shouldKeepTheAlertIdStableAcrossReleases() {
        // ids are Elasticsearch _ids and Kafka keys: a new function would duplicate every open alert
        assertThat(Alert.idOf("RG-001", SUBJECT)).isEqualTo("2edef48c-c655-332c-b2a5-40ed2c3d48e8");
    }

    @Test
    void shouldDeriveDifferentIdsForDifferentRulesOrSubjects() {
        final String id = Alert.idOf("RG-001", SUBJECT);

        assertThat(Alert.idOf("RG-005", SUBJECT)).isNotEqualTo(id);
        assertThat(Alert.idOf("RG-001", SUBJECT + "x")).isNotEqualTo(id);
        // the separator keeps rule and subject apart
        assertThat(Alert.idOf("RG-00", "1\n" + SUBJECT)).isNotEqualTo(Alert.idOf("RG-001", "\n" + SUBJECT));
    }

    @Test
    void shouldKeepIdAndEvidenceWhenRetracted() throws Exception {
        final Alert open = Json.MAPPER.readValue(Samples.bytes(Samples.ALERT), Alert.class);

        final Alert retracted = open.withStatus(Alert.RETRACTED);

        assertThat(retracted.alert().id()).isEqualTo(open.alert().id());
        assertThat(retracted.alert().status()).isEqualTo("retracted");
        assertThat(retracted.restoreguard()).isEqualTo(open.restoreguard());
        assertThat(EventSchemas.validateAlert(Json.MAPPER.valueToTree(retracted))).isEmpty();
    }

    @Test
    void shouldRefuseAStatusOutsideTheContract() throws Exception {
        final Alert open = Json.MAPPER.readValue(Samples.bytes(Samples.ALERT), Alert.class);

        assertThatThrownBy(() -> open.withStatus("closed"))
                .isInstanceOf(EventValidationException.class)
                .hasMessage("alert.status: must be one of [open, retracted], was 'closed'");
    }

    @Test
    void shouldRefuseAnEcsSeverityThatContradictsTheAlertSeverity() throws Exception {
        final Alert sample = Json.MAPPER.readValue(Samples.bytes(Samples.ALERT), Alert.class);
        final Alert.Event high = new Alert.Event("alert", List.of("configuration"), null, "e1",
                Severity.HIGH.ecsSeverity(), Severity.HIGH.ecsSeverity(), null, null);

        assertThatThrownBy(() -> new Alert(sample.timestamp(), high, sample.rule(), sample.alert(), sample.host(),
                sample.related(), sample.message(), sample.ecs(), sample.restoreguard()))
                .isInstanceOf(EventValidationException.class)
                .hasMessage("event.severity: must be 99 for alert.severity critical, was 73");
    }

    @Test
    void shouldAllowAPipelineHealthAlertWithoutHost() throws Exception {
        final Alert sample = Json.MAPPER.readValue(Samples.bytes(Samples.ALERT), Alert.class);

        final Alert hostless = new Alert(sample.timestamp(), sample.event(), sample.rule(), sample.alert(), null,
                sample.related(), sample.message(), sample.ecs(), sample.restoreguard());

        assertThat(EventSchemas.validateAlert(Json.MAPPER.valueToTree(hostless))).isEmpty();
    }

    @Test
    void shouldMapSeveritiesToTheEcsNumbers() {
        assertThat(List.of(Severity.values())).extracting(Severity::label, Severity::ecsSeverity).containsExactly(
                org.assertj.core.groups.Tuple.tuple("low", 21), org.assertj.core.groups.Tuple.tuple("medium", 47),
                org.assertj.core.groups.Tuple.tuple("high", 73), org.assertj.core.groups.Tuple.tuple("critical", 99));
    }

    @Test
    void shouldWriteEmptyRelatedListsRatherThanNone() throws Exception {
        final Alert.Related related = new Alert.Related(null, List.of("10.10.5.21"), null);

        assertThat(Json.MAPPER.writeValueAsString(related)).isEqualTo("{\"hosts\":[],\"ip\":[\"10.10.5.21\"],\"user\":[]}");
    }
}
