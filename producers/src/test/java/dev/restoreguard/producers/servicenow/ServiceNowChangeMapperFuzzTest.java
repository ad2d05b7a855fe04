package dev.restoreguard.producers.servicenow;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Json;
import dev.restoreguard.producers.testing.Invariants;
import java.nio.charset.StandardCharsets;

/**
 * Jazzer fuzz test of the ServiceNow change_request mapper. Invariants: any JSON value maps or is
 * skipped without an exception; a mapped approval's targets normalize idempotently and it is publishable.
 */
class ServiceNowChangeMapperFuzzTest {

    private static final ServiceNowChangeMapper MAPPER = new ServiceNowChangeMapper();

    @FuzzTest(maxDuration = "60s")
    void shouldMapAnyRecord(final byte[] input) {
        check(new String(input, StandardCharsets.UTF_8));
    }

    static void check(final String json) {
        final JsonNode record;
        try {
            record = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            return; // not JSON: the poller never hands such a record to the mapper
        }
        final ServiceNowChangeMapper.Result r = MAPPER.map(record);
        assertThat(r).isNotNull();
        if (r instanceof ServiceNowChangeMapper.Mapped m) {
            // targets stay as written in the change (ApprovalEvent); the engine normalizes them, idempotently
            m.approval().targets().forEach(t -> Invariants.assertNormalized(dev.restoreguard.events.net.Names.normalize(t)));
            Invariants.assertPublishable(Envelope.of(ServiceNowChangeMapper.ORIGIN, m.at(), null, m.approval()));
        }
    }
}
