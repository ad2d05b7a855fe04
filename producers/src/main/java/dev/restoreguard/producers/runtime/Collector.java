package dev.restoreguard.producers.runtime;

/**
 * One source of events (a hosts file, a DNS zone, a Windows DNS audit stream, a watch list of
 * names), run as a long-lived service by {@link CollectorService}. Each implementation gets its
 * source abstraction (paths, servers, a resolver) in its constructor and its {@link EventSink} in
 * {@link #start}; the Javadoc of each names the topics it writes.
 */
public interface Collector extends AutoCloseable {

    /** The collector kind, as in {@code restoreguard collect <kind>} and in heartbeats. */
    String kind();

    /**
     * Starts collecting: takes the baseline (or catches up with what changed while it was down)
     * before returning, then keeps watching on its own threads.
     *
     * @throws Exception when the collector cannot start at all (bad configuration, no access)
     */
    void start(EventSink sink) throws Exception;

    /** Whether the baseline is taken and the source is being watched. */
    boolean ready();

    /** Stops the collector's threads; events already handed to the sink stay there. */
    @Override
    void close();
}
