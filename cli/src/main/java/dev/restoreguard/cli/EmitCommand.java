package dev.restoreguard.cli;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.net.Names;
import dev.restoreguard.events.restore.RestoreEvent;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code restoreguard emit restore ...}: a restore record from a script, another backup product or
 * a pre-/post-job hook, published on {@code restoreguard.restores} keyed by the normalized observer.
 */
@Command(name = "emit", mixinStandardHelpOptions = true, description = "Publish an event by hand or from a script.",
        subcommands = {EmitCommand.Restore.class})
public final class EmitCommand {

    /** {@code emit restore}. */
    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = "Publish one restore session record (started, running, finished or failed).")
    public static final class Restore implements Callable<Integer> {
        @Spec
        private CommandSpec spec;
        @Option(names = "--observer", required = true, description = "the machine that runs the restore (FQDN)")
        private String observer;
        @Option(names = "--target", description = "the name or IP restored to")
        private String target;
        @Option(names = "--session", required = true, description = "the session id (same for every record of a session)")
        private String session;
        @Option(names = "--product", defaultValue = "script", description = "default: ${DEFAULT-VALUE}")
        private String product;
        @Option(names = "--state", defaultValue = "started", description = "started|running|finished|failed (default: ${DEFAULT-VALUE})")
        private String state;
        @Option(names = "--database")
        private String database;
        @Option(names = "--job")
        private String job;
        @Option(names = "--initiator", description = "default: the current user")
        private String initiator;
        @Option(names = "--reason", description = "free text, often the change number")
        private String reason;
        @Option(names = "--at", description = "event time, RFC 3339 (default: now)")
        private String at;
        @Option(names = "--bootstrap-server", description = "Kafka (default: the --client-config file's bootstrap.servers, else $RESTOREGUARD_BOOTSTRAP_SERVERS, else 127.0.0.1:9092)")
        private String bootstrap;
        @picocli.CommandLine.Mixin
        private KafkaClientOptions kafkaClient;

        @Override
        public Integer call() throws Exception {
            final Envelope e;
            try {
                final String obs = Names.normalize(observer);
                final RestoreEvent r = new RestoreEvent(product, session, state, target, database, job,
                        initiator != null ? initiator : System.getProperty("user.name"), reason, null, null);
                e = Envelope.of("cli", at == null ? Instant.now() : OffsetDateTime.parse(at).toInstant(), obs, r);
            } catch (IllegalArgumentException | java.time.DateTimeException ex) {
                spec.commandLine().getErr().println("emit restore: " + ex.getMessage());
                return 2;
            }
            try (EmitPublisher publisher = new EmitPublisher(kafkaClient.config(bootstrap))) {
                publisher.publish(Topics.RESTORES, e.observer(), e);
            }
            spec.commandLine().getOut().printf("restore %s %s on %s published (event %s)%n", session, state, e.observer(),
                    e.eventId());
            return 0;
        }
    }
}
