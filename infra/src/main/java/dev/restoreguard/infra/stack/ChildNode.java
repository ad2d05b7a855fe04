package dev.restoreguard.infra.stack;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/** A node of the local stack run as a child process ({@link KafkaNode}, {@link ElasticsearchNode}). */
interface ChildNode {

    /** The node's process when one of this home runs (a stale pid file yields empty). */
    Optional<ProcessHandle> process();

    ComponentStatus status();

    /** Spawns the node; the returned process is the one spawned (for Elasticsearch, its launcher). */
    Process start(Jdk jdk, Distribution distribution, Consumer<String> progress) throws IOException;

    /** Waits until the node spawned as {@code process} answers, failing early if it dies. */
    void awaitHealthy(Process process, Instant deadline);

    /** Waits until the running node answers. */
    void awaitHealthy(Instant deadline);

    /** SIGTERM, then SIGKILL after {@code timeout}; whether it was running. */
    boolean stop(Duration timeout);
}
