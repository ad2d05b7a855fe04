package dev.restoreguard.infra.stack;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one component of the local stack (Kafka or Elasticsearch) is doing right now.
 *
 * @param name    {@code kafka} or {@code elasticsearch}
 * @param state   stopped, running but not (yet) answering, or healthy
 * @param pid     process id of the server JVM, when one is running
 * @param address where clients connect ({@code 127.0.0.1:9092}, {@code http://127.0.0.1:9200})
 * @param detail  one line for a person: cluster id and topic count, cluster health, or why it is down
 * @param startup how long the last {@code up} took to make it healthy, when this call started it
 */
public record ComponentStatus(
        String name,
        State state,
        OptionalLong pid,
        String address,
        String detail,
        Optional<Duration> startup) {

    /** Life-cycle state of a component. */
    public enum State {
        /** No process of ours is running. */
        STOPPED,
        /** Our process runs but does not answer its health check. */
        RUNNING,
        /** Our process runs and answers its health check. */
        HEALTHY
    }

    public ComponentStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(pid, "pid");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(startup, "startup");
    }

    /** Whether the component answers its health check. */
    public boolean healthy() {
        return state == State.HEALTHY;
    }

    /** A copy that records the start-up time. */
    ComponentStatus withStartup(final Duration took) {
        return new ComponentStatus(name, state, pid, address, detail, Optional.of(took));
    }
}
