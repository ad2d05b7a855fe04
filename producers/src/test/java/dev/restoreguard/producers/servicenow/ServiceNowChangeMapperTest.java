package dev.restoreguard.producers.servicenow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.approval.ApprovalEvent;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Records shaped as ServiceNow's Table API reference shows them (GET /api/now/table/change_request,
 * {@code sysparm_display_value=all} gives {@code {"display_value","value"}} per field, reference
 * fields add {@code link}; {@code false} gives plain values).
 */
class ServiceNowChangeMapperTest {

    private final ServiceNowChangeMapper mapper = new ServiceNowChangeMapper();

    private static JsonNode json(final String text) {
        try {
            return Json.MAPPER.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String allRecord(final String state, final String approval) {
        return "{'number':{'display_value':'CHG0030001','value':'CHG0030001'},"
                + "'state':{'display_value':'x','value':'" + state + "'},"
                + "'approval':{'display_value':'x','value':'" + approval + "'},"
                + "'cmdb_ci':{'display_value':'sql-dev-01','link':'https://dev.service-now.com/api/now/table/cmdb_ci/abc','value':'abc'},"
                + "'start_date':{'display_value':'2026-11-20 17:00:00','value':'2026-11-20 16:00:00'},"
                + "'end_date':{'display_value':'2026-11-20 19:00:00','value':'2026-11-20 18:00:00'},"
                + "'sys_updated_on':{'display_value':'2026-11-20 16:30:00','value':'2026-11-20 15:30:00'},"
                + "'sys_updated_by':{'display_value':'carol.cab','value':'carol.cab'},"
                + "'approval_set':{'display_value':'2026-11-20 16:29:00','value':'2026-11-20 15:29:00'}}";
    }

    private ServiceNowChangeMapper.Mapped mapped(final JsonNode record) {
        final ServiceNowChangeMapper.Result r = mapper.map(record);
        assertThat(r).as(r.toString()).isInstanceOf(ServiceNowChangeMapper.Mapped.class);
        return (ServiceNowChangeMapper.Mapped) r;
    }

    @Test
    void shouldMapAnApprovedScheduledChangeWithDisplayValueAll() {
        final var m = mapped(json(allRecord("-2", "approved")));
        final ApprovalEvent a = m.approval();
        assertThat(a.changeId()).isEqualTo("CHG0030001");
        assertThat(a.state()).isEqualTo("approved");
        assertThat(a.targets()).containsExactly("sql-dev-01");
        assertThat(a.window().start()).isEqualTo(Instant.parse("2026-11-20T16:00:00Z"));
        assertThat(a.window().end()).isEqualTo(Instant.parse("2026-11-20T18:00:00Z"));
        assertThat(m.at()).isEqualTo(Instant.parse("2026-11-20T15:30:00Z"));
        assertThat(a.approvedBy()).isEqualTo("carol.cab");
        assertThat(a.origin()).isEqualTo("servicenow");
        assertThat(a.signature()).isNull();
        assertThat(m.notes()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "-2, approved, approved",
        "-1, approved, approved",
        "-3, approved, pending",
        "0, approved, pending",
        "-5, requested, pending",
        "-2, requested, pending",
        "-2, not requested, pending",
        "3, approved, revoked",
        "4, approved, revoked",
        "-2, rejected, revoked",
        "-1, rejected, revoked"
    })
    void shouldMapStateAndApprovalPerTheContract(final String state, final String approval, final String expected) {
        assertThat(mapped(json(allRecord(state, approval))).approval().state()).isEqualTo(expected);
    }

    @Test
    void shouldMapPlainStringRecordsWithLabelsAndAffectedCis() {
        final var m = mapped(json("{'number':'CHG0030002','state':'Implement','approval':'Approved',"
                + "'cmdb_ci':'SQL-PROD-01','affected_cis':['sql-prod-02',{'display_value':'10.20.1.15','value':'x'},'SQL-PROD-01'],"
                + "'start_date':'2026-11-20 16:00:00','end_date':'2026-11-20 18:00:00',"
                + "'sys_updated_on':'2026-11-20 15:30:00','sys_updated_by':'dave'}"));
        assertThat(m.approval().state()).isEqualTo("approved");
        assertThat(m.approval().targets()).containsExactly("SQL-PROD-01", "sql-prod-02", "10.20.1.15");
    }

    @Test
    void shouldKeepAnApprovalWithoutWindowOrTargetButSayWhy() {
        final var m = mapped(json("{'number':'CHG1','state':'-2','approval':'approved','sys_updated_on':'2026-11-20 15:30:00',"
                + "'cmdb_ci':{'link':'https://x/api/now/table/cmdb_ci/abc','value':'abc'},"
                + "'start_date':'2026-11-20 18:00:00','end_date':'2026-11-20 16:00:00'}"));
        assertThat(m.approval().window()).isNull();
        assertThat(m.approval().targets()).isEmpty();
        assertThat(m.notes()).hasSize(2);
    }

    @Test
    void shouldSkipRecordsWithoutNumberOrUpdateTimeOrWithBadDates() {
        assertThat(mapper.map(json("{'state':'-2'}"))).isInstanceOf(ServiceNowChangeMapper.Skipped.class);
        assertThat(mapper.map(json("{'number':'CHG1'}"))).isInstanceOf(ServiceNowChangeMapper.Skipped.class);
        assertThat(mapper.map(json("{'number':'CHG1','sys_updated_on':'yesterday'}")))
                .isInstanceOf(ServiceNowChangeMapper.Skipped.class);
        assertThat(mapper.map(json("[1]"))).isInstanceOf(ServiceNowChangeMapper.Skipped.class);
        assertThat(mapper.map(null)).isInstanceOf(ServiceNowChangeMapper.Skipped.class);
    }
}
