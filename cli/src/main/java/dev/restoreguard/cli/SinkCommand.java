package dev.restoreguard.cli;

import picocli.CommandLine.Command;

/** {@code restoreguard sink}: the sink services (Elasticsearch for investigations, alert channels for people). */
@Command(name = "sink", mixinStandardHelpOptions = true,
        description = "Run a sink service: 'sink elasticsearch' indexes events and alerts, 'sink alerts' sends alerts to channels.",
        subcommands = {SinkElasticsearchCommand.class, SinkAlertsCommand.class})
public final class SinkCommand {
}
