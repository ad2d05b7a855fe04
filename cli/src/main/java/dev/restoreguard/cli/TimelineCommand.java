package dev.restoreguard.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import dev.restoreguard.sinks.alert.config.SinksFile;
import dev.restoreguard.sinks.elasticsearch.ElasticsearchClients;
import dev.restoreguard.sinks.elasticsearch.ElasticsearchSinkConfig;
import dev.restoreguard.sinks.timeline.IncidentDocuments;
import dev.restoreguard.sinks.timeline.Timeline;
import dev.restoreguard.sinks.timeline.TimelineException;
import dev.restoreguard.sinks.timeline.TimelineFormat;
import dev.restoreguard.sinks.timeline.TimelineScope;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code restoreguard timeline}: what happened, in what order, and who did it. Reads what the
 * Elasticsearch sink wrote (see {@link Timeline}) and prints the chain of one alert, one restore
 * session or one host as text, HTML, Markdown or JSON.
 */
@Command(name = "timeline", mixinStandardHelpOptions = true,
        description = {"Reconstruct an incident from Elasticsearch: the hosts-file edits (who, when, the diff), DNS changes, "
                + "the restore's start and end, the approvals and their state at that moment, and the alerts, in order, "
                + "with the causal links spelled out.",
                "Exit 0 with the timeline, 1 when the alert/session is not found or Elasticsearch cannot be read, "
                        + "2 on invalid options or configuration."})
public final class TimelineCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private Seed seed;

    @Option(names = "--from", paramLabel = "TIME", description = "start of the window (ISO-8601, e.g. 2026-11-20T15:00:00Z)")
    private String from;

    @Option(names = "--to", paramLabel = "TIME", description = "end of the window (ISO-8601)")
    private String to;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text, html (one self-contained incident report), md (for tickets) or json (default ${DEFAULT-VALUE})")
    private String format;

    @Option(names = "--out", paramLabel = "FILE", description = "write to this file instead of standard output")
    private Path out;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML file with sinks.elasticsearch (urls, credentials, namespace, latest_index); defaults fit the local stack")
    private Path config;

    @Option(names = "--es-url", paramLabel = "URL", description = "Elasticsearch URL (overrides sinks.elasticsearch.urls)")
    private String esUrl;

    @Option(names = "--namespace", paramLabel = "NS", description = "data stream namespace (overrides sinks.elasticsearch.namespace)")
    private String namespace;

    @Option(names = "--latest-index", paramLabel = "INDEX", description = "latest-state alert index (overrides sinks.elasticsearch.latest_index)")
    private String latestIndex;

    /** Exactly one of --alert, --session, --host. */
    static final class Seed {
        @Option(names = "--alert", paramLabel = "ID", required = true, description = "an alert id (alert.id)")
        String alert;

        @Option(names = "--session", paramLabel = "ID", required = true, description = "a restore session id")
        String session;

        @Option(names = "--host", paramLabel = "NAME", required = true,
                description = "a host (observer, target or DNS server; FQDN or short name), default window the last 24 h")
        String host;
    }

    @Override
    public Integer call() {
        final PrintWriter err = spec.commandLine().getErr();
        final TimelineFormat timelineFormat;
        final TimelineScope scope;
        ElasticsearchSinkConfig es;
        final ElasticsearchClient client;
        try {
            timelineFormat = TimelineFormat.of(format);
            final Instant start = instant("--from", from);
            final Instant end = instant("--to", to);
            final TimelineScope seedScope = seed.alert != null ? TimelineScope.alert(seed.alert)
                    : seed.session != null ? TimelineScope.session(seed.session) : TimelineScope.host(seed.host, null, null);
            scope = seedScope.between(start, end);
            es = config == null ? ElasticsearchSinkConfig.DEFAULT : SinksFile.read(config, System.getenv()).sinks().elasticsearch();
            if (esUrl != null) {
                es = es.withUrls(List.of(esUrl));
            }
            if (namespace != null || latestIndex != null) {
                es = es.withTopology(es.groupId(), es.eventTopics(), es.alertsTopic(), es.dlqTopic(),
                        namespace == null ? es.namespace() : namespace, latestIndex == null ? es.latestIndex() : latestIndex);
            }
            client = ElasticsearchClients.create(es); // reads ca_file
        } catch (IllegalArgumentException e) { // ConfigException too
            err.println("invalid option: " + e.getMessage());
            err.flush();
            return 2;
        }
        final Timeline timeline;
        try {
            timeline = Timeline.collect(new IncidentDocuments(client, es.namespace(), es.latestIndex()), scope, Clock.systemUTC());
        } catch (TimelineException e) {
            err.println(e.getMessage());
            err.flush();
            return 1;
        } finally {
            try {
                client.close();
            } catch (IOException e) {
                // closing a client that read nothing more: nothing to recover
            }
        }
        final String rendered = timelineFormat.render(timeline);
        if (out == null) {
            spec.commandLine().getOut().print(rendered);
            spec.commandLine().getOut().flush();
            return 0;
        }
        try {
            Files.writeString(out, rendered, StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("cannot write " + out + ": " + e.getMessage());
            err.flush();
            return 1;
        }
        err.println("wrote the " + timelineFormat.option() + " timeline of " + scope.describe() + " to " + out
                + " (" + timeline.entries().size() + " entries)");
        err.flush();
        return 0;
    }

    private static Instant instant(final String option, final String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + ": not an ISO-8601 instant (like 2026-11-20T15:00:00Z): '" + text + "'", e);
        }
    }
}
