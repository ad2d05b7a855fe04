package dev.restoreguard.infra.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the broker facade does without starting a broker; the real restart is in producers' BrokerRestartIT. */
class KafkaBrokerTest {

    @TempDir
    Path home;

    private StackSettings settings(final int kafkaPort, final int controllerPort) {
        return StackSettings.forHome(home).withPorts(kafkaPort, controllerPort, 29200);
    }

    @Test
    void shouldUseTheStacksKafkaAddressAndDataDir() {
        final KafkaBroker broker = LocalStack.kafkaOnly(settings(29092, 29093));

        assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:29092");
        // The very directory 'stack up' uses, so a restart finds the data the first start wrote.
        assertThat(broker.dataDir()).isEqualTo(new KafkaNode(broker.settings()).dataDir())
                .isEqualTo(home.resolve("kafka").resolve("data"));
    }

    @Test
    void shouldReportStoppedAndStopOrKillHarmlesslyWhenNothingRuns() {
        final KafkaBroker broker = new KafkaBroker(settings(29092, 29093));

        assertThat(broker.running()).isFalse();
        assertThat(broker.status().state()).isEqualTo(ComponentStatus.State.STOPPED);
        assertThat(broker.stop()).isFalse();
        assertThat(broker.kill()).isFalse();
    }

    @Test
    void shouldNotKillAProcessThatMerelyReusedThePid() throws IOException {
        // A stale pid file naming a live process that is not our broker (here: this test JVM).
        final KafkaNode node = new KafkaNode(settings(29092, 29093));
        Files.createDirectories(node.pidFile().getParent());
        Processes.writePid(node.pidFile(), ProcessHandle.current().pid());
        final KafkaBroker broker = new KafkaBroker(settings(29092, 29093));

        assertThat(broker.running()).isFalse();
        assertThat(broker.kill()).isFalse();
        assertThat(ProcessHandle.current().isAlive()).isTrue();
        assertThat(node.pidFile()).doesNotExist();
    }

    @Test
    void shouldRefuseToStartWhenItsPortIsTaken() throws IOException {
        final List<String> progress = new ArrayList<>();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            final int controllerPort = probe.getLocalPort();
            probe.close();
            final KafkaBroker broker = new KafkaBroker(settings(taken.getLocalPort(), controllerPort), progress::add);

            assertThatThrownBy(broker::start).isInstanceOf(StackException.class)
                    .hasMessageContaining("Port " + taken.getLocalPort())
                    .hasMessageContaining("Kafka");
        }
        // Refused before anything was spawned or formatted.
        assertThat(progress).isEmpty();
        assertThat(home.resolve("kafka")).doesNotExist();
    }
}
