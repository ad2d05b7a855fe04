package dev.restoreguard.cli;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.approval.ApprovalEvent;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code restoreguard approve --change CHG --target T [--target T2] --from TIME --to TIME}: an
 * approval for organisations without a ticket system, published on {@code restoreguard.approvals}
 * keyed by change id. NOTE: published unsigned; once the approval bridge signs approvals and the
 * engine verifies them (issue 5), this command must go through the bridge.
 */
@Command(name = "approve", mixinStandardHelpOptions = true,
        description = "Approve (or revoke) a change covering targets for a time window.")
public final class ApproveCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;
    @Option(names = "--change", required = true, description = "change id")
    private String change;
    @Option(names = "--target", required = true, description = "a name or IP the change covers (repeatable)")
    private List<String> targets;
    @Option(names = "--from", required = true, description = "window start, RFC 3339")
    private String from;
    @Option(names = "--to", required = true, description = "window end, RFC 3339")
    private String to;
    @Option(names = "--approved-by", description = "default: the current user")
    private String approvedBy;
    @Option(names = "--state", defaultValue = "approved", description = "approved|revoked|rejected (default: ${DEFAULT-VALUE})")
    private String state;
    @Option(names = "--bootstrap-server", description = "Kafka (default: the --client-config file's bootstrap.servers, else $RESTOREGUARD_BOOTSTRAP_SERVERS, else 127.0.0.1:9092)")
    private String bootstrap;
    @picocli.CommandLine.Mixin
    private KafkaClientOptions kafkaClient;

    @Override
    public Integer call() throws Exception {
        final Envelope e;
        try {
            final ApprovalEvent a = new ApprovalEvent(change, state, targets,
                    new ApprovalEvent.Window(OffsetDateTime.parse(from).toInstant(), OffsetDateTime.parse(to).toInstant()),
                    approvedBy != null ? approvedBy : System.getProperty("user.name"), "cli", null);
            e = Envelope.of("cli", Instant.now(), null, a);
        } catch (IllegalArgumentException | java.time.DateTimeException ex) {
            spec.commandLine().getErr().println("approve: " + ex.getMessage());
            return 2;
        }
        try (EmitPublisher publisher = new EmitPublisher(kafkaClient.config(bootstrap))) {
            publisher.publish(Topics.APPROVALS, change, e);
        }
        spec.commandLine().getOut().printf("approval %s (%s) for %s published (event %s)%n", change, state,
                String.join(", ", targets), e.eventId());
        return 0;
    }
}
