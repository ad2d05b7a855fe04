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

/** What the Elasticsearch facade does without starting a node; the real restart is in sinks' ElasticsearchOutageIT. */
class ElasticsearchServerTest {

    @TempDir
    Path home;

    private StackSettings settings(final int elasticsearchPort) {
        return StackSettings.forHome(home).withPorts(29092, 29093, elasticsearchPort);
    }

    @Test
    void shouldUseTheStacksElasticsearchAddress() {
        assertThat(LocalStack.elasticsearchOnly(settings(29200)).url()).isEqualTo("http://127.0.0.1:29200");
    }

    @Test
    void shouldReportStoppedAndStopHarmlesslyWhenNothingRuns() {
        final ElasticsearchServer server = LocalStack.elasticsearchOnly(settings(29200));

        assertThat(server.running()).isFalse();
        assertThat(server.status().state()).isEqualTo(ComponentStatus.State.STOPPED);
        assertThat(server.stop()).isFalse();
    }

    @Test
    void shouldNotStopAProcessThatMerelyReusedThePid() throws IOException {
        // A stale pid file naming a live process that is not our node (here: this test JVM).
        final ElasticsearchNode node = new ElasticsearchNode(settings(29200));
        Files.createDirectories(node.pidFile().getParent());
        Processes.writePid(node.pidFile(), ProcessHandle.current().pid());
        final ElasticsearchServer server = LocalStack.elasticsearchOnly(settings(29200));

        assertThat(server.running()).isFalse();
        assertThat(server.stop()).isFalse();
        assertThat(ProcessHandle.current().isAlive()).isTrue();
    }

    @Test
    void shouldDeleteTheIndicesAndKeepTheDistribution() throws IOException {
        final ElasticsearchNode node = new ElasticsearchNode(settings(29200));
        final Path index = Files.createDirectories(node.dir().resolve("data").resolve("indices").resolve("x"));
        final Path dist = Files.createDirectories(node.dir().resolve("elasticsearch-9.2.0"));

        LocalStack.elasticsearchOnly(settings(29200)).deleteData();

        assertThat(index).doesNotExist();
        assertThat(dist).exists();
    }

    @Test
    void shouldRefuseToStartWhenItsPortIsTaken() throws IOException {
        final List<String> progress = new ArrayList<>();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            final ElasticsearchServer server = new ElasticsearchServer(settings(taken.getLocalPort()), progress::add,
                    new JdkFinder());

            assertThatThrownBy(server::start).isInstanceOf(StackException.class)
                    .hasMessageContaining("Port " + taken.getLocalPort())
                    .hasMessageContaining("Elasticsearch");
        }
        // Refused before anything was unpacked or spawned.
        assertThat(progress).isEmpty();
        assertThat(home.resolve("elasticsearch")).doesNotExist();
    }
}
