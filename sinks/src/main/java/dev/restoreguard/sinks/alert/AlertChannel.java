package dev.restoreguard.sinks.alert;

import dev.restoreguard.events.alert.Alert;

/**
 * One way of telling people about an alert; one implementation per configured {@code type}. A
 * channel makes exactly one attempt per {@link #send} call: retries, the circuit breaker and the
 * delivery log are the shared {@link ChannelSink}'s business. It signals a failure worth retrying
 * with {@link dev.restoreguard.sinks.retry.RetriableException} (or an {@link java.io.IOException}),
 * and one that will never succeed with {@link PermanentDeliveryException}.
 */
public interface AlertChannel extends AutoCloseable {

    /** The configured channel name. */
    String name();

    /** The configured {@code type}. */
    String type();

    /** Checks, where it can without side effects, that the receiver is reachable. */
    default void validateConnection() throws Exception {
    }

    /**
     * Delivers one alert version.
     *
     * @param messageId stable id of this alert version (the same on every retry), for receivers that de-duplicate
     * @return a short description of the receiver's answer (for example {@code HTTP 202})
     */
    String send(Alert alert, AlertMessage message, String messageId) throws Exception;

    @Override
    default void close() {
    }
}
