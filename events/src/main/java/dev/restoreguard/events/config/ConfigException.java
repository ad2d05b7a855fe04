package dev.restoreguard.events.config;

/**
 * A configuration that cannot be used; the message starts with the key path, as in
 * {@code sinks.alerts.channels[0].url: required}, so the operator knows which line to fix.
 */
public final class ConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public ConfigException(final String message) {
        super(message);
    }

    public ConfigException(final String message, final Throwable cause) {
        super(message, cause);
    }

    /** Throws {@code path: message} unless {@code ok}. */
    public static void check(final boolean ok, final String path, final String message) {
        if (!ok) {
            throw new ConfigException(path + ": " + message);
        }
    }

    /** Returns {@code value}, or throws {@code path: required} when it is null or blank. */
    public static <T> T required(final String path, final T value) {
        if (value == null || value instanceof String s && s.isBlank()) {
            throw new ConfigException(path + ": required");
        }
        return value;
    }
}
