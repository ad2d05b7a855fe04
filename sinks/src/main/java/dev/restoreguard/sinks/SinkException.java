package dev.restoreguard.sinks;

import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * A sink could not finish: the destination is down, refuses our credentials, or retries ran out.
 * {@link #completed()} says, per partition, the next offset to commit (everything before it is
 * durably handled); the runner commits that and hands the rest of the batch again after a backoff.
 */
public final class SinkException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient Map<TopicPartition, Long> completed;

    public SinkException(final String message, final Throwable cause) {
        this(message, cause, Map.of());
    }

    public SinkException(final String message, final Throwable cause, final Map<TopicPartition, Long> completed) {
        super(message, cause);
        this.completed = Map.copyOf(completed);
    }

    /** Next offset to commit per partition, for the records handled before the failure. */
    public Map<TopicPartition, Long> completed() {
        return completed;
    }
}
