package dev.restoreguard.producers.runtime;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Topic;

/**
 * Where a {@link Collector} hands its events. The production implementation is the
 * {@link EventPublisher} (durable spool, then Kafka); tests use an in-memory list.
 */
public interface EventSink {

    /**
     * Accepts an event for delivery.
     *
     * @return {@code true} when the event is durably spooled; {@code false} when it was refused
     *     (spool full; already counted and logged): a stateful collector must then not advance its
     *     state, so that it reports the change again later
     */
    boolean publish(Topic<String, Envelope> topic, String key, Envelope envelope);
}
