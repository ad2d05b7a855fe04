package dev.restoreguard.infra.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessesTest {

    @TempDir
    Path temp;

    @Test
    void shouldRecognizeAProcessOnlyByPidAndCommandLineMarker() throws IOException {
        final Path pidFile = temp.resolve("self.pid");
        Processes.writePid(pidFile, ProcessHandle.current().pid());

        // Surefire's fork runs the JUnit launcher; a marker absent from the command line must not match.
        assertThat(Processes.liveProcess(pidFile, "java")).isPresent();
        assertThat(Processes.liveProcess(pidFile, "-Drestoreguard.kafka.dir=/nowhere")).isEmpty();
        assertThat(Processes.liveProcess(temp.resolve("missing.pid"), "java")).isEmpty();
    }

    @Test
    void shouldSeeATakenPortAsNotBindableAndAccepting() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            final int port = socket.getLocalPort();

            assertThat(Processes.bindable(port)).isFalse();
            assertThat(Processes.accepting(port)).isTrue();
        }
    }

    @Test
    void shouldTailOnlyTheEndOfALongLog() throws IOException {
        final Path log = temp.resolve("server.log");
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            text.append("line ").append(i).append('\n');
        }
        Files.writeString(log, text);

        final String tail = Processes.tail(log);

        assertThat(tail).contains("line 1999").doesNotContain("line 10\n").startsWith("--- last lines of");
        assertThat(Processes.tail(temp.resolve("none.log"))).contains("no log at");
    }
}
