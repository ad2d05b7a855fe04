package dev.restoreguard.producers.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.restore.RestoreEvent;
import org.junit.jupiter.api.Test;

class ScenarioReaderVeeamTest {

    private static String record(final String line) {
        final ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("kind", "veeam_syslog");
        n.put("at", "2030-01-01T00:00:00Z");
        n.put("line", line);
        return n.toString();
    }

    @Test
    void shouldRouteVeeamSyslogThroughTheReceiverParserWithTheLineTimestamp() {
        final ScenarioReader.Outcome o = new ScenarioReader().read(4, record("<14>1 2026-11-20T17:02:00+01:00 VBRSRV01 "
                + "Veeam_MP - - [categoryId=0 instanceId=40210 JobSessionID=\"s1\" InitiatorName=\"CORP\\alice\" "
                + "VbrHostName=\"VBR01.corp.example\"]"));
        assertThat(o).isInstanceOf(ScenarioReader.Events.class);
        final Routed r = ((ScenarioReader.Events) o).events().get(0);
        assertThat(r.topic()).isEqualTo("restoreguard.restores");
        assertThat(r.key()).isEqualTo("vbr01.corp.example");
        assertThat(r.envelope().at()).hasToString("2026-11-20T16:02:00Z");
        assertThat(r.envelope().observer()).isEqualTo("vbr01.corp.example");
        assertThat(r.envelope().source()).isEqualTo("replay");
        assertThat(((RestoreEvent) r.envelope().payload()).initiator()).isEqualTo("CORP\\alice");
    }

    @Test
    void shouldReportNonVeeamAndMissingLinesAsSkipped() {
        final ScenarioReader reader = new ScenarioReader();
        final ScenarioReader.Outcome foreign = reader.read(1, record("<14>1 2026-11-20T16:02:00Z h sshd - - - hi"));
        assertThat(foreign).isInstanceOf(ScenarioReader.Skipped.class);
        assertThat(((ScenarioReader.Skipped) foreign).reason()).contains("not Veeam syslog");
        assertThat(reader.read(2, "{\"kind\":\"veeam_syslog\",\"at\":\"2026-11-20T16:02:00Z\"}"))
                .isInstanceOf(ScenarioReader.Skipped.class);
    }
}
