package dev.restoreguard.streams.app;

import dev.restoreguard.events.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bad input never stops the engine: a record that cannot be read (deserialization) or processed
 * goes, as its original bytes, to {@code restoreguard.dlq} through Kafka Streams' native
 * dead-letter mechanism (KIP-1034), with headers that say where it came from and why
 * ({@code dlq.topic}, {@code dlq.partition}, {@code dlq.offset}, {@code dlq.stage},
 * {@code dlq.exception}, {@code dlq.reason}); processing continues. The pipeline-health processor
 * turns dead-lettered restore and approval records into RG-9xx alerts.
 */
public final class DeadLetterHandler implements DeserializationExceptionHandler, ProcessingExceptionHandler {

    private static final Logger LOGGER = LoggerFactory.getLogger(DeadLetterHandler.class);
    private static final AtomicLong DEAD_LETTERED = new AtomicLong();

    /** Records dead-lettered by this JVM since start (exported as a metric). */
    public static long deadLettered() {
        return DEAD_LETTERED.get();
    }

    @Override
    public void configure(final Map<String, ?> configs) {
        // nothing to configure: the dead-letter topic is the catalog's
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(final ErrorHandlerContext context,
                                                                final ConsumerRecord<byte[], byte[]> record,
                                                                final Exception exception) {
        return DeserializationExceptionHandler.Response.resume(List.of(
                deadLetter(context, record.key(), record.value(), "deserialization", exception)));
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(final ErrorHandlerContext context, final Record<?, ?> record,
                                                           final Exception exception) {
        return ProcessingExceptionHandler.Response.resume(List.of(
                deadLetter(context, context.sourceRawKey(), context.sourceRawValue(), "processing", exception)));
    }

    private static ProducerRecord<byte[], byte[]> deadLetter(final ErrorHandlerContext context, final byte[] key,
                                                             final byte[] value, final String stage,
                                                             final Exception exception) {
        DEAD_LETTERED.incrementAndGet();
        final String reason = reason(exception);
        LOGGER.atWarn().addKeyValue("topic", context.topic()).addKeyValue("partition", context.partition())
                .addKeyValue("offset", context.offset()).addKeyValue("stage", stage).addKeyValue("reason", reason)
                .log("record sent to the dead-letter topic");
        final RecordHeaders headers = new RecordHeaders();
        headers.add("dlq.topic", utf8(context.topic()));
        headers.add("dlq.partition", utf8(Integer.toString(context.partition())));
        headers.add("dlq.offset", utf8(Long.toString(context.offset())));
        headers.add("dlq.stage", utf8(stage));
        headers.add("dlq.exception", utf8(exception.getClass().getName()));
        headers.add("dlq.reason", utf8(reason));
        headers.add("dlq.node", utf8(String.valueOf(context.processorNodeId())));
        return new ProducerRecord<>(Topics.DLQ.name(), null, context.timestamp() < 0 ? null : context.timestamp(),
                key, value, headers);
    }

    private static String reason(final Throwable exception) {
        Throwable root = exception;
        final StringBuilder reason = new StringBuilder(String.valueOf(exception.getMessage()));
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != exception && root.getMessage() != null && !reason.toString().contains(root.getMessage())) {
            reason.append(" (").append(root.getMessage()).append(')');
        }
        return reason.length() > 1000 ? reason.substring(0, 1000) : reason.toString();
    }

    private static byte[] utf8(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
