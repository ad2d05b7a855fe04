package dev.restoreguard.cli;

import dev.restoreguard.events.Topics;
import dev.restoreguard.events.alert.Alert;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A consumer of {@code restoreguard.alerts} (read_committed) that starts at the end: it sees the
 * alerts published from now on. No group and no committed offsets, since it only watches.
 */
final class AlertsTail {

    private AlertsTail() {
    }

    static KafkaConsumer<String, Alert> open(final String bootstrap) {
        final KafkaConsumer<String, Alert> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), Topics.ALERTS.valueSerde().deserializer());
        final List<TopicPartition> partitions = consumer.partitionsFor(Topics.ALERTS.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // fix the start now, before anything is published
        return consumer;
    }
}
