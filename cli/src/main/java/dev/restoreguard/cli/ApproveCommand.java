package dev.restoreguard.cli;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.approval.ApprovalEvent;
import dev.restoreguard.infra.stack.StackSettings;
import dev.restoreguard.producers.approval.ApprovalSigner;
import dev.restoreguard.producers.approval.BridgeKeys;
import java.nio.file.Path;
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
 * keyed by change id, signed by the approval bridge's key ({@code --signing-key}, else
 * {@code RESTOREGUARD_APPROVAL_SIGNING_KEY}, else {@code <home>/keys/local-bridge.key}, which
 * {@code restoreguard up} and {@code restoreguard keys generate} create): the engine trusts only
 * signed approvals.
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
    @Option(names = "--signing-key", paramLabel = "FILE", description = "the approval bridge's PKCS#8 private key "
            + "(default: $RESTOREGUARD_APPROVAL_SIGNING_KEY, else <home>/keys/local-bridge.key)")
    private Path signingKey;
    @Option(names = "--key-id", paramLabel = "ID", description = "the signing key's id (default: its file name without .key)")
    private String keyId;
    @Option(names = "--home", paramLabel = "DIR", description = "RestoreGuard home (default $RESTOREGUARD_HOME, else ~/.restoreguard)")
    private Path home;
    @picocli.CommandLine.Mixin
    private KafkaClientOptions kafkaClient;

    @Override
    public Integer call() throws Exception {
        final Envelope e;
        try {
            final ApprovalEvent a = new ApprovalEvent(change, state, targets,
                    new ApprovalEvent.Window(OffsetDateTime.parse(from).toInstant(), OffsetDateTime.parse(to).toInstant()),
                    approvedBy != null ? approvedBy : System.getProperty("user.name"), "cli", null);
            final ApprovalSigner signer = BridgeKeys.signer(signingKey, keyId, System.getenv(),
                    home != null ? home : StackSettings.defaultHome());
            e = signer.envelope("cli", Instant.now(), a);
        } catch (IllegalArgumentException | java.time.DateTimeException ex) {
            spec.commandLine().getErr().println("approve: " + ex.getMessage());
            return 2;
        }
        try (EmitPublisher publisher = new EmitPublisher(kafkaClient.config(bootstrap))) {
            publisher.publish(Topics.APPROVALS, change, e);
        }
        spec.commandLine().getOut().printf("approval %s (%s) for %s signed with key %s and published (event %s)%n",
                change, state, String.join(", ", targets), ((ApprovalEvent) e.payload()).signature().keyId(), e.eventId());
        return 0;
    }
}
