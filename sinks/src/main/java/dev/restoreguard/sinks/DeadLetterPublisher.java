package dev.restoreguard.sinks;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes records a sink can never deliver to the dead-letter topic ({@code restoreguard.dlq} by
 * default): the original key and value bytes, and {@code dlq.*} headers naming the source topic,
 * partition, offset, the stage ({@code sink.elasticsearch.deserialize}, {@code sink.elasticsearch.index},
 * {@code sink.alerts.<channel>}), the exception class and a one-line reason. The headers are the
 * ones the engine's dead-letter handler writes, so the pipeline-health rule reads both alike.
 *
 * <p>Writes are synchronous (idempotent producer, {@code acks=all}): the source offset is
 * committed only after the dead letter is durable.
 */
public final class DeadLetterPublisher implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(DeadLetterPublisher.class);
    private static final long SEND_TIMEOUT_SECONDS = 60;

    private final Producer<byte[], byte[]> producer;
    private final String topic;

    public DeadLetterPublisher(final Map<String, Object> kafkaConfig, final String topic) {
        this(new KafkaProducer<>(producerConfig(kafkaConfig), new ByteArraySerializer(), new ByteArraySerializer()), topic);
    }

    DeadLetterPublisher(final Producer<byte[], byte[]> producer, final String topic) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.topic = Objects.requireNonNull(topic, "topic");
    }

    private static Properties producerConfig(final Map<String, Object> kafkaConfig) {
        final Properties props = new Properties();
        props.putAll(kafkaConfig);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "restoreguard-sink-dlq");
        return props;
    }

    public String topic() {
        return topic;
    }

    /**
     * Publishes one dead letter and waits until the broker acknowledged it.
     *
     * @throws SinkException when the broker does not acknowledge (the caller must not commit)
     */
    public void publish(final String sourceTopic, final int partition, final long offset, final byte[] key,
                        final byte[] value, final String stage, final Throwable exception, final String reason)
            throws SinkException {
        final Headers headers = new RecordHeaders();
        headers.add("dlq.topic", utf8(sourceTopic));
        headers.add("dlq.partition", utf8(Integer.toString(partition)));
        headers.add("dlq.offset", utf8(Long.toString(offset)));
        headers.add("dlq.stage", utf8(stage));
        headers.add("dlq.exception", utf8(exception == null ? "none" : exception.getClass().getName()));
        headers.add("dlq.reason", utf8(reason));
        try {
            producer.send(new ProducerRecord<>(topic, null, key, value, headers)).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SinkException("interrupted while writing a dead letter", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new SinkException("cannot write a dead letter to " + topic + ": " + e.getMessage(), e);
        }
        LOGGER.atWarn().addKeyValue("topic", sourceTopic).addKeyValue("partition", partition)
                .addKeyValue("offset", offset).addKeyValue("stage", stage).addKeyValue("reason", reason)
                .addKeyValue("dlq", topic).log("Record sent to the dead-letter topic");
    }

    private static byte[] utf8(final String text) {
        return (text == null ? "" : text).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close();
    }
}
