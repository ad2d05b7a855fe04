package dev.restoreguard.producers.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.approval.ApprovalEvent;
import org.junit.jupiter.api.Test;

class ScenarioReaderServiceNowTest {

    @Test
    void shouldRouteServiceNowChangeThroughTheMapperWithSysUpdatedOnAsEventTime() {
        final String line = "{\"kind\":\"servicenow_change\",\"at\":\"2030-01-01T00:00:00Z\",\"record\":{"
                + "\"number\":{\"value\":\"CHG0030001\",\"display_value\":\"CHG0030001\"},\"state\":{\"value\":\"-1\"},"
                + "\"approval\":{\"value\":\"approved\"},\"cmdb_ci\":{\"display_value\":\"sql-dev-01\",\"value\":\"a1\"},"
                + "\"start_date\":{\"value\":\"2026-11-20 16:00:00\"},\"end_date\":{\"value\":\"2026-11-20 18:00:00\"},"
                + "\"sys_updated_on\":{\"value\":\"2026-11-20 15:30:00\"}}}";
        final ScenarioReader.Outcome o = new ScenarioReader().read(7, line);
        assertThat(o).isInstanceOf(ScenarioReader.Events.class);
        final Routed r = ((ScenarioReader.Events) o).events().get(0);
        assertThat(r.topic()).isEqualTo("restoreguard.approvals");
        assertThat(r.key()).isEqualTo("CHG0030001");
        assertThat(r.envelope().at()).hasToString("2026-11-20T15:30:00Z");
        assertThat(((ApprovalEvent) r.envelope().payload()).state()).isEqualTo("approved");
    }

    @Test
    void shouldReportAServiceNowChangeWithoutRecord() {
        assertThat(new ScenarioReader().read(1, "{\"kind\":\"servicenow_change\",\"at\":\"2026-11-20T16:02:00Z\"}"))
                .isInstanceOf(ScenarioReader.Skipped.class);
    }
}
