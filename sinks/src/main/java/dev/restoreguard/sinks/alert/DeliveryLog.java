package dev.restoreguard.sinks.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.restoreguard.events.Json;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every {@link DeliveryAttempt} to the delivery log topic. Sends are asynchronous; each
 * channel flushes after a batch, before its offsets are committed, so the log is complete for
 * everything committed. A log write failure is logged, never blocks alert delivery.
 */
public final class DeliveryLog implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(DeliveryLog.class);

    private final Producer<String, String> producer;
    private final String topic;

    public DeliveryLog(final Map<String, Object> kafkaConfig, final String topic) {
        final Properties props = new Properties();
        props.putAll(kafkaConfig);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "restoreguard-alert-deliveries");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
        this.topic = topic;
    }

    public void record(final DeliveryAttempt attempt) {
        final String json;
        try {
            json = Json.MAPPER.writeValueAsString(attempt);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a delivery attempt", e);
        }
        producer.send(new ProducerRecord<>(topic, attempt.alertId(), json), (metadata, error) -> {
            if (error != null) {
                LOGGER.atWarn().addKeyValue("topic", topic).addKeyValue("alert_id", attempt.alertId())
                        .addKeyValue("error", error.toString()).log("Cannot write to the delivery log");
            }
        });
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
