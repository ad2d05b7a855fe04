package dev.restoreguard.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void shouldNameEveryTopicOnce() {
        assertThat(Topics.all()).extracting(Topic::name).doesNotHaveDuplicates();
    }

    @Test
    void shouldNameTopicsLowerCaseAndDotted() {
        assertThat(Topics.all()).extracting(Topic::name)
                .allSatisfy(name -> assertThat(name).matches("restoreguard(\\.[a-z0-9]+(-[a-z0-9]+)*)+").doesNotContain("_"));
    }

    @Test
    void shouldGiveEveryTopicAtLeastOnePartition() {
        assertThat(Topics.all()).allSatisfy(topic -> assertThat(topic.partitions()).as(topic.name()).isGreaterThanOrEqualTo(1));
    }

    @Test
    void shouldListEveryEventTopicInTheCatalog() {
        final List<Topic<?, ?>> all = Topics.all();

        assertThat(Topics.events()).allSatisfy(topic -> assertThat(all).contains(topic));
        assertThat(all).contains(Topics.ALERTS, Topics.DLQ);
    }

    @Test
    void shouldCompactTheInventoryAndKeepItForever() {
        assertThat(Topics.INVENTORY.partitions()).isEqualTo(1);
        assertThat(Topics.INVENTORY.topicConfig()).containsEntry("cleanup.policy", "compact").containsEntry("retention.ms", "-1");
    }
}
