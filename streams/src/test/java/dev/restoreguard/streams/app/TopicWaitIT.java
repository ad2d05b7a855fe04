package dev.restoreguard.streams.app;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.restoreguard.events.Topics;
import dev.restoreguard.testkit.TestStack;
import dev.restoreguard.testkit.WithLocalStack;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The engine's start-up wait for its topics, against the real local broker. */
@WithLocalStack
class TopicWaitIT {

    @Test
    void shouldPassWhenEveryTopicExists(final TestStack stack) {
        assertThatCode(() -> CorrelationApp.awaitTopics(stack.kafkaConfig(),
                Set.of(Topics.RESTORES.name(), Topics.ALERTS.name()), stack.bootstrapServers(), Duration.ZERO,
                () -> false)).doesNotThrowAnyException();
    }

    @Test
    void shouldNameTheMissingTopicWhenItNeverAppears(final TestStack stack) {
        assertThatThrownBy(() -> CorrelationApp.awaitTopics(stack.kafkaConfig(),
                Set.of(Topics.RESTORES.name(), "restoreguard.no-such-topic"), stack.bootstrapServers(),
                Duration.ofSeconds(2), () -> false))
                .isInstanceOf(CorrelationApp.StartException.class)
                .hasMessageStartingWith("topic restoreguard.no-such-topic does not exist on " + stack.bootstrapServers())
                .hasMessageContaining("./restoreguard stack up");
    }
}
