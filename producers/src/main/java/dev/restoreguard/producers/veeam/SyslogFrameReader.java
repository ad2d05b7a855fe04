package dev.restoreguard.producers.veeam;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a syslog TCP (or TLS) byte stream into messages, with both framings of RFC 6587 detected
 * per frame, so a connection may switch or mix them:
 *
 * <ul>
 *   <li><b>octet counting</b> ({@code MSG-LEN SP SYSLOG-MSG}, RFC 6587 section 3.4.1, the framing
 *       RFC 5425 mandates over TLS): a frame that starts with digits, a space and then {@code <}
 *       (the PRI of the message);</li>
 *   <li><b>non-transparent framing</b> (section 3.4.2): everything else, up to LF (a CR before the
 *       LF is dropped; NUL also ends a frame, as some senders use it). Veeam's own examples have no
 *       PRI ({@code 1 2025-...}), so a leading number followed by something other than {@code <} is
 *       read as the start of an LF-framed message, not as a length.</li>
 * </ul>
 *
 * A message longer than {@code maxBytes} is read past and reported as {@link Frame#oversized()},
 * so one bad sender costs one message, never the connection. A frame cut off by the end of the
 * stream is returned as it is (the parser keeps what it can). Not thread-safe: one per connection.
 */
public final class SyslogFrameReader {

    /** One frame: the message text, or an oversized one that was skipped (text null). */
    public record Frame(String text, boolean oversized, boolean octetCounted) {
    }

    private static final int MAX_LENGTH_DIGITS = 9;

    private final PushbackInputStream in;
    private final int maxBytes;
    private final byte[] buffer;

    public SyslogFrameReader(final InputStream in, final int maxBytes) {
        this.in = new PushbackInputStream(in, MAX_LENGTH_DIGITS + 2);
        this.maxBytes = maxBytes;
        this.buffer = new byte[Math.min(maxBytes, 64 * 1024)];
    }

    /** The next frame, or null at the end of the stream. */
    public Frame next() throws IOException {
        int b;
        do {
            b = in.read();
        } while (b == '\n' || b == '\r' || b == 0);
        if (b < 0) {
            return null;
        }
        if (b >= '0' && b <= '9') {
            final byte[] head = new byte[MAX_LENGTH_DIGITS + 2];
            int n = 0;
            head[n++] = (byte) b;
            int c = in.read();
            while (c >= '0' && c <= '9' && n < MAX_LENGTH_DIGITS) {
                head[n++] = (byte) c;
                c = in.read();
            }
            if (c == ' ') {
                final int lookahead = in.read();
                if (lookahead == '<') {
                    final long length = Long.parseLong(new String(head, 0, n, StandardCharsets.US_ASCII));
                    in.unread(lookahead);
                    return octetCounted(length);
                }
                if (lookahead >= 0) {
                    in.unread(lookahead);
                }
            }
            if (c >= 0) {
                head[n++] = (byte) c;
            }
            // not a length: these bytes start an LF-framed message
            in.unread(head, 0, n);
        } else {
            in.unread(b);
        }
        return lineFramed();
    }

    private Frame octetCounted(final long length) throws IOException {
        if (length > maxBytes) {
            long left = length;
            while (left > 0) {
                final long skipped = in.skip(left);
                if (skipped <= 0) {
                    if (in.read() < 0) {
                        break;
                    }
                    left--;
                } else {
                    left -= skipped;
                }
            }
            return new Frame(null, true, true);
        }
        final byte[] message = in.readNBytes((int) length);
        // a short read is a frame cut off by the end of the stream: keep what came
        return new Frame(decode(message, message.length), false, true);
    }

    private Frame lineFramed() throws IOException {
        byte[] line = buffer;
        int n = 0;
        boolean oversized = false;
        int b;
        while ((b = in.read()) >= 0 && b != '\n' && b != 0) {
            if (oversized) {
                continue;
            }
            if (n == maxBytes) {
                oversized = true;
                continue;
            }
            if (n == line.length) {
                line = Arrays.copyOf(line, Math.min(maxBytes, line.length * 2));
            }
            line[n++] = (byte) b;
        }
        if (oversized) {
            return new Frame(null, true, false);
        }
        if (n > 0 && line[n - 1] == '\r') {
            n--;
        }
        return new Frame(decode(line, n), false, false);
    }

    private static String decode(final byte[] bytes, final int length) {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
}
