package dev.restoreguard.sinks.alert;

import dev.restoreguard.events.JsonSerde;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.sinks.DeadLetterPublisher;
import dev.restoreguard.sinks.SinkRunner;
import dev.restoreguard.sinks.alert.config.AlertsConfig;
import dev.restoreguard.sinks.alert.config.ChannelConfig;
import dev.restoreguard.sinks.retry.RetryPolicy;
import dev.restoreguard.sinks.service.Metrics;
import dev.restoreguard.sinks.service.SinkService;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Assembles the alert deployable: one {@link ChannelSink} and one {@link SinkRunner} per configured
 * channel, each in its own consumer group ({@code <group_prefix><name>}), so a slow or dead channel
 * never holds back the others. They share the delivery log and dead-letter producers.
 *
 * <p>Reads {@code restoreguard.alerts}; writes {@code restoreguard.alerts.deliveries},
 * {@code restoreguard.dlq} and the channels' receivers.
 */
public final class AlertsService {

    /** Backoff between attempts at an alert whose retries ran out: up to a minute apart, forever. */
    private static final RetryPolicy BATCH_BACKOFF = new RetryPolicy(Integer.MAX_VALUE, 1000L, 60_000L);

    private AlertsService() {
    }

    /** The service, not yet started. */
    public static SinkService create(final AlertsConfig config, final Map<String, Object> kafkaConfig, final Metrics metrics) {
        return create(config, kafkaConfig, metrics, BATCH_BACKOFF, Clock.systemUTC());
    }

    /** As {@link #create(AlertsConfig, Map, Metrics)} with a chosen outer backoff (tests shorten it). */
    public static SinkService create(final AlertsConfig config, final Map<String, Object> kafkaConfig, final Metrics metrics,
                                     final RetryPolicy batchBackoff, final Clock clock) {
        final List<AutoCloseable> resources = new ArrayList<>();
        final DeliveryLog deliveryLog = new DeliveryLog(kafkaConfig, config.deliveryTopic());
        resources.add(deliveryLog);
        final DeadLetterPublisher deadLetters = new DeadLetterPublisher(kafkaConfig, config.dlqTopic());
        resources.add(deadLetters);
        final List<SinkRunner<?>> runners = new ArrayList<>();
        for (final ChannelConfig channelConfig : config.channels()) {
            final AlertChannel channel = AlertChannels.create(channelConfig, clock);
            final ChannelSink sink = new ChannelSink(channelConfig, channel, config.linkTemplate(), deliveryLog,
                    deadLetters, metrics, clock);
            resources.add(sink);
            runners.add(new SinkRunner<>(sink, kafkaConfig, config.groupPrefix() + channelConfig.name(),
                    List.of(config.alertsTopic()), new JsonSerde<>(Alert.class), deadLetters, batchBackoff, metrics));
        }
        return new SinkService("alerts", runners, resources, metrics);
    }
}
