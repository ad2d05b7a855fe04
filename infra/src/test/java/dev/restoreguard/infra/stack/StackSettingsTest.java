package dev.restoreguard.infra.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackSettingsTest {

    @TempDir
    Path home;

    @Test
    void shouldUseDefaultPortsForANewHome() {
        final StackSettings settings = StackSettings.forHome(home);

        assertThat(settings.kafkaPort()).isEqualTo(9092);
        assertThat(settings.controllerPort()).isEqualTo(9093);
        assertThat(settings.elasticsearchPort()).isEqualTo(9200);
        assertThat(settings.bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(settings.elasticsearchUrl()).isEqualTo("http://127.0.0.1:9200");
    }

    @Test
    void shouldRememberThePortsOfTheLastUp() throws IOException {
        StackSettings.forHome(home).withPorts(29092, 29093, 29200).record();

        final StackSettings again = StackSettings.forHome(home);

        assertThat(again.kafkaPort()).isEqualTo(29092);
        assertThat(again.controllerPort()).isEqualTo(29093);
        assertThat(again.elasticsearchPort()).isEqualTo(29200);
    }

    @Test
    void shouldRejectClashingOrInvalidPorts() {
        final StackSettings settings = StackSettings.forHome(home);

        assertThatThrownBy(() -> settings.withPorts(9092, 9092, 9200)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ports must differ");
        assertThatThrownBy(() -> settings.withPorts(0, 9093, 9200)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> settings.withPorts(9092, 9093, 70000)).isInstanceOf(IllegalArgumentException.class);
    }
}
