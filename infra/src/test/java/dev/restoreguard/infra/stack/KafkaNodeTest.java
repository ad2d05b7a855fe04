package dev.restoreguard.infra.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaNodeTest {

    @TempDir
    Path home;

    @Test
    void shouldConfigureASingleNodeKraftClusterOnLoopback() throws IOException {
        final KafkaNode node = new KafkaNode(StackSettings.forHome(home).withPorts(29092, 29093, 29200));

        final Properties properties = new Properties();
        properties.load(new StringReader(node.serverProperties()));

        assertThat(properties.getProperty("process.roles")).isEqualTo("broker,controller");
        assertThat(properties.getProperty("listeners"))
                .isEqualTo("PLAINTEXT://127.0.0.1:29092,CONTROLLER://127.0.0.1:29093");
        assertThat(properties.getProperty("controller.quorum.bootstrap.servers")).isEqualTo("127.0.0.1:29093");
        assertThat(properties.getProperty("log.dirs")).isEqualTo(home.resolve("kafka").resolve("data").toString());
    }

    @Test
    void shouldLetInternalTopicsAndTransactionsWorkWithOneReplica() throws IOException {
        final Properties properties = new Properties();
        properties.load(new StringReader(new KafkaNode(StackSettings.forHome(home)).serverProperties()));

        assertThat(properties).containsEntry("offsets.topic.replication.factor", "1")
                .containsEntry("transaction.state.log.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("share.coordinator.state.topic.replication.factor", "1")
                .containsEntry("share.coordinator.state.topic.min.isr", "1")
                .containsEntry("group.initial.rebalance.delay.ms", "0");
    }
}
