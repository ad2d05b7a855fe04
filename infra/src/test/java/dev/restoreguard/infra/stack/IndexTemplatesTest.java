package dev.restoreguard.infra.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IndexTemplatesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldBundleTheEventsAlertsAndLatestAlertTemplates() {
        assertThat(IndexTemplates.load()).containsOnlyKeys(
                "logs-restoreguard.events", "logs-restoreguard.alerts", "restoreguard-alerts");
    }

    @Test
    void shouldMakeDataStreamsOfTheLogsTemplatesOnly() throws IOException {
        for (final Map.Entry<String, String> template : IndexTemplates.load().entrySet()) {
            final JsonNode body = JSON.readTree(template.getValue());
            final boolean dataStream = template.getKey().startsWith("logs-");
            assertThat(body.has("data_stream")).as(template.getKey()).isEqualTo(dataStream);
            assertThat(body.path("priority").asInt()).as(template.getKey()).isEqualTo(500);
            if (dataStream) {
                assertThat(body.path("index_patterns").get(0).asText()).isEqualTo(template.getKey() + "-*");
                // Standard mode keeps ES 9 from applying logsdb to a logs-*-* data stream.
                assertThat(body.at("/template/settings/index.mode").asText()).isEqualTo("standard");
            }
        }
    }

    @Test
    void shouldOnlyUseFieldTypesThatTheLocalNodeSupports() throws IOException {
        for (final Map.Entry<String, String> template : IndexTemplates.load().entrySet()) {
            final List<String> types = new ArrayList<>();
            collectTypes(JSON.readTree(template.getValue()).at("/template/mappings"), types);
            assertThat(types).as(template.getKey())
                    .isNotEmpty()
                    .doesNotContain("constant_keyword", "wildcard", "match_only_text");
        }
    }

    @Test
    void shouldMapTheEcsFieldsTheSinksWrite() throws IOException {
        final JsonNode events = JSON.readTree(IndexTemplates.load().get("logs-restoreguard.events"))
                .at("/template/mappings/properties");
        assertThat(events.at("/@timestamp/type").asText()).isEqualTo("date");
        assertThat(events.at("/event/properties/id/type").asText()).isEqualTo("keyword");
        assertThat(events.at("/related/properties/ip/type").asText()).isEqualTo("ip");
        assertThat(events.at("/restoreguard/dynamic").asBoolean()).isTrue();

        final JsonNode alerts = JSON.readTree(IndexTemplates.load().get("logs-restoreguard.alerts"))
                .at("/template/mappings/properties");
        assertThat(alerts.at("/rule/properties/name/type").asText()).isEqualTo("keyword");
        assertThat(alerts.at("/alert/properties/reason/type").asText()).isEqualTo("text");
        assertThat(alerts.at("/event/properties/severity/type").asText()).isEqualTo("long");
        assertThat(alerts.at("/event/properties/risk_score/type").asText()).isEqualTo("float");
    }

    private static void collectTypes(final JsonNode node, final List<String> types) {
        if (node.isObject()) {
            node.properties().forEach(field -> {
                if (field.getKey().equals("type") && field.getValue().isTextual()) {
                    types.add(field.getValue().asText());
                } else {
                    collectTypes(field.getValue(), types);
                }
            });
        }
    }
}
