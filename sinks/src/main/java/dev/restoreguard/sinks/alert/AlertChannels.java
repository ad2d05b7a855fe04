package dev.restoreguard.sinks.alert;

import dev.restoreguard.sinks.alert.config.ChannelConfig;
import dev.restoreguard.sinks.alert.config.EmailConfig;
import dev.restoreguard.sinks.alert.config.PagerDutyConfig;
import dev.restoreguard.sinks.alert.config.SlackConfig;
import dev.restoreguard.sinks.alert.config.SyslogConfig;
import dev.restoreguard.sinks.alert.config.TeamsConfig;
import dev.restoreguard.sinks.alert.config.WebhookConfig;
import java.time.Clock;

/** Builds the channel implementation of a configured {@code type}. */
public final class AlertChannels {

    private AlertChannels() {
    }

    public static AlertChannel create(final ChannelConfig config, final Clock clock) {
        return switch (config) {
            case WebhookConfig webhook -> new WebhookChannel(webhook, clock);
            case SlackConfig slack -> new SlackChannel(slack);
            case TeamsConfig teams -> new TeamsChannel(teams);
            case PagerDutyConfig pagerDuty -> new PagerDutyChannel(pagerDuty);
            case EmailConfig email -> new EmailChannel(email);
            case SyslogConfig syslog -> new SyslogChannel(syslog, clock);
        };
    }
}
