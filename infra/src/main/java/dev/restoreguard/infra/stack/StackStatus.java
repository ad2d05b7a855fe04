package dev.restoreguard.infra.stack;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The state of the whole local stack.
 *
 * @param home          the stack's home folder
 * @param kafka         the KRaft broker
 * @param elasticsearch the Elasticsearch node
 */
public record StackStatus(Path home, ComponentStatus kafka, ComponentStatus elasticsearch) {

    public StackStatus {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(elasticsearch, "elasticsearch");
    }

    /** Whether both components answer their health checks. */
    public boolean healthy() {
        return kafka.healthy() && elasticsearch.healthy();
    }

    /** Whether neither component has a running process. */
    public boolean stopped() {
        return kafka.state() == ComponentStatus.State.STOPPED
                && elasticsearch.state() == ComponentStatus.State.STOPPED;
    }
}
