package dev.restoreguard.producers.testing;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Topic;
import dev.restoreguard.producers.runtime.EventSink;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** An in-memory {@link EventSink} for collector tests; can be told to refuse (spool full). */
public final class ListSink implements EventSink {

    /** One published event. */
    public record Published(String topic, String key, Envelope envelope) {
    }

    private final List<Published> events = new CopyOnWriteArrayList<>();
    private volatile boolean refuse;

    @Override
    public boolean publish(final Topic<String, Envelope> topic, final String key, final Envelope envelope) {
        if (refuse) {
            return false;
        }
        events.add(new Published(topic.name(), key, envelope));
        return true;
    }

    public void refuse(final boolean value) {
        refuse = value;
    }

    public List<Published> events() {
        return List.copyOf(events);
    }

    /** Polls until {@code count} events match, or fails after {@code timeout}. */
    public List<Published> await(final int count, final Predicate<Published> match, final Duration timeout)
            throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            final List<Published> matching = events.stream().filter(match).toList();
            if (matching.size() >= count || System.nanoTime() > deadline) {
                return matching;
            }
            Thread.sleep(20);
        }
    }
}
