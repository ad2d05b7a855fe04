package dev.restoreguard.events;


/**
 * The body of an {@link Envelope}; its {@link #kind()} is the envelope's {@code kind}. The set of
 * payloads is closed by {@link Envelope}'s {@code @JsonSubTypes} list (Java's {@code sealed} needs a
 * named module to span packages, which the shaded CLI jar would not keep).
 */
public interface EventPayload {

    /** The contract's kind name, e.g. {@code hosts_file}, {@code restore}. */
    String kind();
}
