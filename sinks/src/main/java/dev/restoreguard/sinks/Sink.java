package dev.restoreguard.sinks;

import java.util.List;

/**
 * A destination of consumed records, driven by a {@link SinkRunner} through a fixed lifecycle:
 * {@link #validateConnection()} once at start-up (fail fast with a reason a person can act on),
 * {@link #configure()} once (templates, clients, sessions), {@link #handle(List)} per polled batch,
 * {@link #close()} at the end.
 *
 * <p>The contract that makes the pipeline lossless: {@code handle} returns only when every record
 * of the batch is durably written (acknowledged by the destination) or sent to the dead-letter
 * topic; only then does the runner commit the offsets. If it cannot finish, it throws a
 * {@link SinkException} naming how far it got per partition; the runner commits that far and
 * hands the rest again later, so a destination sees a record at most once more than needed.
 *
 * @param <V> the decoded record value
 */
public interface Sink<V> extends AutoCloseable {

    /** A short name for logs, metrics and the consumer group ({@code elasticsearch}, {@code alerts.oncall}). */
    String name();

    /** Checks that the destination answers and accepts our credentials. */
    void validateConnection() throws SinkException;

    /**
     * Whether the runner may call {@link #validateConnection()} while it backs off after a failed
     * batch, and retry as soon as the destination answers again instead of when the backoff ends.
     * Only for destinations where that check is a cheap read (a cluster health), not a delivery.
     */
    default boolean probesDuringBackoff() {
        return false;
    }

    /** Prepares for {@link #handle}: called once after a successful {@link #validateConnection()}. */
    void configure() throws SinkException;

    /** Writes the batch durably; see the class comment for what a failure means. */
    void handle(List<SinkRecord<V>> batch) throws SinkException;

    /** Releases clients and connections. */
    @Override
    void close();
}
