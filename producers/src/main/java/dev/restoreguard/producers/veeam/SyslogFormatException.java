package dev.restoreguard.producers.veeam;

/** A line that is not a readable syslog message; the message says why. */
public final class SyslogFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public SyslogFormatException(final String message) {
        super(message);
    }
}
