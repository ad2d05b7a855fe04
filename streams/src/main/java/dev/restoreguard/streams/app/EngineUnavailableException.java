package dev.restoreguard.streams.app;

/** A query the engine cannot answer right now (not running, rebalancing, store not ready): HTTP 503. */
final class EngineUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    EngineUnavailableException(final String message, final Throwable cause) {
        super(message, cause);
    }

    EngineUnavailableException(final String message) {
        super(message);
    }
}
