package dev.restoreguard.producers.scenario;

import dev.restoreguard.events.Envelope;

/**
 * An event ready to publish: the catalog topic, the record key and the envelope.
 *
 * @param topic    catalog topic name
 * @param key      record key (observer, record FQDN, change id, ...)
 * @param envelope the event
 */
public record Routed(String topic, String key, Envelope envelope) {
}
