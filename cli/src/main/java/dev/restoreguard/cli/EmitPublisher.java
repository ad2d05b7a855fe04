package dev.restoreguard.cli;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes single events for the one-shot commands ({@code emit}, {@code approve},
 * {@code inventory load}) with an idempotent producer ({@code acks=all}) and waits for the broker's
 * acknowledgement, so exit code 0 means the event is durably in Kafka. The collectors' spooling
 * {@code EventPublisher} is for long-running services; a one-shot command has nowhere to keep a
 * spool and must instead fail loudly. The event id goes in an {@code event_id} header, as the
 * collectors write it.
 */
final class EmitPublisher implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;

    /** A publisher with {@code clientConfig} ({@code bootstrap.servers} and security, from {@link KafkaClientOptions}). */
    EmitPublisher(final Map<String, Object> clientConfig) {
        final Map<String, Object> config = new java.util.HashMap<>(clientConfig);
        config.putAll(Map.of(
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.CLIENT_ID_CONFIG, "restoreguard-cli",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
        producer = new KafkaProducer<>(config, new StringSerializer(), (topic, data) -> (byte[]) data);
    }

    /** Sends and waits; the record timestamp is the event time. */
    RecordMetadata publish(final Topic<String, Envelope> topic, final String key, final Envelope envelope)
            throws ExecutionException, InterruptedException, TimeoutException {
        final byte[] value = topic.valueSerde().serializer().serialize(topic.name(), envelope);
        final ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic.name(), null, envelope.timestamp(), key,
                value);
        record.headers().add("event_id", envelope.eventId().getBytes(StandardCharsets.UTF_8));
        return producer.send(record).get(45, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
