package dev.restoreguard.producers.veeam;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 6587 framing as {@link SyslogFrameReader} detects it per frame. */
class SyslogFrameReaderTest {

    private static final String A = "<14>1 2026-11-20T16:02:00Z vbr01 Veeam_MP - - [categoryId=0 instanceId=40210 JobSessionID=\"a\"]";
    private static final String B = "<14>1 2026-11-20T16:03:00Z vbr01 Veeam_MP - - [categoryId=0 instanceId=250 JobSessionID=\"a\" ServerName=\"sql-dev-01\"]";
    /** Veeam's documentation prints lines without PRI: a leading number that is no length. */
    private static final String NO_PRI = "1 2026-11-20T16:04:00Z vbr01 Veeam_MP - - [categoryId=0 instanceId=290 JobSessionID=\"a\"]";

    private static String octet(final String m) {
        return m.getBytes(StandardCharsets.UTF_8).length + " " + m;
    }

    private static List<SyslogFrameReader.Frame> read(final InputStream in, final int max) throws IOException {
        final SyslogFrameReader reader = new SyslogFrameReader(in, max);
        final List<SyslogFrameReader.Frame> frames = new ArrayList<>();
        SyslogFrameReader.Frame f;
        while ((f = reader.next()) != null) {
            frames.add(f);
        }
        return frames;
    }

    private static List<SyslogFrameReader.Frame> read(final String text, final int max) throws IOException {
        return read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), max);
    }

    /** Hands out one byte per read, as a slow network does. */
    private static InputStream trickle(final String text) {
        return new FilterInputStream(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))) {
            @Override
            public int read(final byte[] b, final int off, final int len) throws IOException {
                return super.read(b, off, Math.min(len, 1));
            }
        };
    }

    @Test
    void shouldReadOctetCountedFramesBackToBack() throws IOException {
        final List<SyslogFrameReader.Frame> frames = read(octet(A) + octet(B), 65_536);
        assertThat(frames).extracting(SyslogFrameReader.Frame::text).containsExactly(A, B);
        assertThat(frames).allMatch(SyslogFrameReader.Frame::octetCounted);
    }

    @Test
    void shouldKeepLineFeedsInsideAnOctetCountedMessage() throws IOException {
        final String multi = "<14>1 2026-11-20T16:02:00Z vbr01 Veeam_MP - - - line one\nline two";
        assertThat(read(octet(multi) + octet(A), 65_536)).extracting(SyslogFrameReader.Frame::text).containsExactly(multi, A);
    }

    @Test
    void shouldReadLfAndCrLfFramedLinesIncludingALastOneWithoutNewline() throws IOException {
        assertThat(read(A + "\n" + B + "\r\n" + NO_PRI, 65_536)).extracting(SyslogFrameReader.Frame::text)
                .containsExactly(A, B, NO_PRI);
    }

    @Test
    void shouldTellALeadingVersionNumberFromAnOctetCount() throws IOException {
        final List<SyslogFrameReader.Frame> frames = read(NO_PRI + "\n" + octet(A), 65_536);
        assertThat(frames).extracting(SyslogFrameReader.Frame::text).containsExactly(NO_PRI, A);
        assertThat(frames).extracting(SyslogFrameReader.Frame::octetCounted).containsExactly(false, true);
    }

    @Test
    void shouldReadMixedFramingOnOneStream() throws IOException {
        assertThat(read(octet(A) + B + "\n" + octet(NO_PRI.replace("1 2026", "<14>1 2026")) + "\n\n" + A + "\n", 65_536))
                .extracting(SyslogFrameReader.Frame::text)
                .containsExactly(A, B, NO_PRI.replace("1 2026", "<14>1 2026"), A);
    }

    @Test
    void shouldReassembleFramesFromOneByteReads() throws IOException {
        assertThat(read(trickle(octet(A) + B + "\n" + octet(B)), 65_536)).extracting(SyslogFrameReader.Frame::text)
                .containsExactly(A, B, B);
    }

    @Test
    void shouldSkipOversizedFramesOfBothKindsAndGoOn() throws IOException {
        final String big = "<14>1 2026-11-20T16:02:00Z vbr01 Veeam_MP - - - " + "x".repeat(2000);
        final List<SyslogFrameReader.Frame> frames = read(octet(big) + octet(A) + big + "\n" + B + "\n", 600);
        assertThat(frames).extracting(SyslogFrameReader.Frame::oversized).containsExactly(true, false, true, false);
        assertThat(frames).extracting(SyslogFrameReader.Frame::text).containsExactly(null, A, null, B);
    }

    @Test
    void shouldReturnAFrameCutOffByTheEndOfTheStreamAsItIs() throws IOException {
        final String cut = octet(A).substring(0, 40);
        final List<SyslogFrameReader.Frame> frames = read(octet(B) + cut, 65_536);
        assertThat(frames).hasSize(2);
        assertThat(frames.get(1).text()).isEqualTo(cut.substring(cut.indexOf(' ') + 1));
    }

    @Test
    void shouldReadAnEmptyStreamAsNoFrame() throws IOException {
        assertThat(read("", 1000)).isEmpty();
        assertThat(read("\n\r\n\0", 1000)).isEmpty();
    }
}
