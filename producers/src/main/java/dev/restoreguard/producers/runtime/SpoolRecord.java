package dev.restoreguard.producers.runtime;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ByteArrayInputStream;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * One event waiting in the {@link Spool}: everything needed to send it again after a restart,
 * exactly as it was first built (so a re-sent event keeps its deterministic id).
 *
 * @param seq       position in the spool, strictly increasing
 * @param topic     catalog topic name
 * @param key       record key (may be null)
 * @param timestamp Kafka record timestamp (the event time, epoch ms)
 * @param eventId   the envelope's deterministic event id (also sent as header {@code event_id})
 * @param value     the serialized record value
 */
public record SpoolRecord(long seq, String topic, String key, long timestamp, String eventId, byte[] value) {

    public SpoolRecord {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(value, "value");
    }

    /** The body stored inside a spool frame. */
    byte[] encode() {
        try {
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length + 128);
            final DataOutputStream out = new DataOutputStream(bytes);
            out.writeLong(seq);
            out.writeLong(timestamp);
            out.writeUTF(topic);
            out.writeBoolean(key != null);
            if (key != null) {
                writeBytes(out, key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            out.writeUTF(eventId);
            writeBytes(out, value);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory stream: cannot happen
        }
    }

    static SpoolRecord decode(final byte[] body) throws IOException {
        final DataInputStream in = new DataInputStream(new ByteArrayInputStream(body));
        final long seq = in.readLong();
        final long timestamp = in.readLong();
        final String topic = in.readUTF();
        final String key = in.readBoolean()
                ? new String(readBytes(in), java.nio.charset.StandardCharsets.UTF_8) : null;
        final String eventId = in.readUTF();
        final byte[] value = readBytes(in);
        return new SpoolRecord(seq, topic, key, timestamp, eventId, value);
    }

    private static void writeBytes(final DataOutputStream out, final byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] readBytes(final DataInputStream in) throws IOException {
        final int n = in.readInt();
        if (n < 0 || n > Spool.MAX_RECORD_BYTES) {
            throw new IOException("bad field length " + n);
        }
        return in.readNBytes(n);
    }

    /** Same as the record's but with a readable value length instead of the bytes. */
    @Override
    public String toString() {
        return "SpoolRecord[seq=" + seq + ", topic=" + topic + ", key=" + key + ", eventId=" + eventId
                + ", bytes=" + value.length + "]";
    }
}
