package dev.restoreguard.infra.stack;

/**
 * The local stack could not be brought to the requested state. The message is meant for a person:
 * it names the component, the cause and, where there is one, the tail of the component's log.
 */
public class StackException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** A failure without an underlying exception. */
    public StackException(final String message) {
        super(message);
    }

    /** A failure caused by {@code cause}. */
    public StackException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
