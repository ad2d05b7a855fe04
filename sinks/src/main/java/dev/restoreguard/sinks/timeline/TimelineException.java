package dev.restoreguard.sinks.timeline;

/** A timeline could not be built: the seed is not in Elasticsearch, or Elasticsearch could not be read. */
public class TimelineException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TimelineException(final String message) {
        super(message);
    }

    public TimelineException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
