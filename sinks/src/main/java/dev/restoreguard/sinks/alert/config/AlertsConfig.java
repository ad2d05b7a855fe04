package dev.restoreguard.sinks.alert.config;

import static dev.restoreguard.events.config.ConfigException.check;

import dev.restoreguard.events.Topics;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code sinks.alerts}: the alert channels and what they share.
 *
 * @param linkTemplate  URL of the alert's timeline, with {@code {alert.id}} and {@code {alert.subject}}
 *                      placeholders (for example a Kibana Discover link); optional
 * @param alertsTopic   topic to read (default {@code restoreguard.alerts})
 * @param deliveryTopic delivery log topic (default {@code restoreguard.alerts.deliveries})
 * @param dlqTopic      dead-letter topic (default {@code restoreguard.dlq})
 * @param groupPrefix   consumer group prefix; each channel's group is prefix + name
 * @param channels      the channels, at least one
 */
public record AlertsConfig(String linkTemplate, String alertsTopic, String deliveryTopic, String dlqTopic,
                           String groupPrefix, List<ChannelConfig> channels) {

    public AlertsConfig {
        alertsTopic = alertsTopic == null ? Topics.ALERTS.name() : alertsTopic;
        deliveryTopic = deliveryTopic == null ? Topics.ALERT_DELIVERIES.name() : deliveryTopic;
        dlqTopic = dlqTopic == null ? Topics.DLQ.name() : dlqTopic;
        groupPrefix = groupPrefix == null ? "restoreguard-sink-alerts-" : groupPrefix;
        check(linkTemplate == null || linkTemplate.startsWith("https://") || linkTemplate.startsWith("http://"),
                "link_template", "must be an http(s) URL");
        check(channels != null && !channels.isEmpty(), "channels", "at least one channel");
        channels = List.copyOf(channels);
        final Set<String> names = new HashSet<>();
        for (int i = 0; i < channels.size(); i++) {
            check(names.add(channels.get(i).name()), "channels[" + i + "].name",
                    "duplicate channel name '" + channels.get(i).name() + "'");
        }
    }

    /** This configuration with other topics and group prefix (tests isolate themselves this way). */
    public AlertsConfig withTopics(final String newAlerts, final String newDeliveries, final String newDlq,
                                   final String newGroupPrefix) {
        return new AlertsConfig(linkTemplate, newAlerts, newDeliveries, newDlq, newGroupPrefix, channels);
    }
}
