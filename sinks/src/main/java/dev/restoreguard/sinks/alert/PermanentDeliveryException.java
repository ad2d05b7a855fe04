package dev.restoreguard.sinks.alert;

/** The receiver refused the alert in a way another attempt will not change (HTTP 400, an invalid address). */
public final class PermanentDeliveryException extends Exception {

    private static final long serialVersionUID = 1L;

    public PermanentDeliveryException(final String message) {
        super(message);
    }

    public PermanentDeliveryException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
