package dev.restoreguard.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.dns.DnsRecordChange;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class BroadcastEnvelopeSerdeTest {

    private static final String TOPIC = "restoreguard.engine.reference";

    private static byte[] dnsChange(final String name) throws Exception {
        return Json.MAPPER.writeValueAsBytes(Envelope.of("dns-zone", Instant.parse("2026-11-20T08:00:00Z"),
                "dc01.corp.example", new DnsRecordChange("corp.example", name, "A", "add", "10.20.1.15",
                        "dc01.corp.example", "CORP\\dnsadmin", null)));
    }

    @Test
    void shouldShareOneEnvelopeBetweenCopiesOfTheSameBytes() throws Exception {
        final BroadcastEnvelopeSerde serde = new BroadcastEnvelopeSerde();
        final byte[] partition0 = dnsChange("sql-prod-01");
        final byte[] partition5 = partition0.clone();

        final Envelope first = serde.deserialize(TOPIC, partition0);
        assertThat(serde.deserialize(TOPIC, partition5)).isSameAs(first);
        assertThat(serde.deserialize(TOPIC, dnsChange("sql-dev-01"))).isNotSameAs(first)
                .isEqualTo(Json.MAPPER.readValue(dnsChange("sql-dev-01"), Envelope.class));
    }

    @Test
    void shouldFailOnUnreadableBytesEveryTimeAndKeepNothingOfThem() {
        final BroadcastEnvelopeSerde serde = new BroadcastEnvelopeSerde();
        final byte[] broken = "{\"event_id\":".getBytes(StandardCharsets.UTF_8);
        final int before = BroadcastEnvelopeSerde.size();

        assertThatThrownBy(() -> serde.deserialize(TOPIC, broken)).isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> serde.deserialize(TOPIC, broken)).isInstanceOf(SerializationException.class);
        assertThat(BroadcastEnvelopeSerde.size()).isEqualTo(before);
        assertThat(serde.deserialize(TOPIC, null)).isNull();
    }
}
