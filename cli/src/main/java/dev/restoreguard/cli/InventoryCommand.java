package dev.restoreguard.cli;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.inventory.InventorySnapshot;
import dev.restoreguard.producers.inventory.InventoryLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code restoreguard inventory validate FILE} and {@code inventory load FILE}: the YAML inventory.
 * {@code load} publishes one {@link InventorySnapshot} on {@code restoreguard.inventory} under the
 * key {@code inventory} (the compacted topic keeps the latest, which replaces the whole inventory).
 */
@Command(name = "inventory", mixinStandardHelpOptions = true, description = "Validate or load the YAML inventory.",
        subcommands = {InventoryCommand.Validate.class, InventoryCommand.Load.class})
public final class InventoryCommand {

    private static InventorySnapshot read(final Path file, final PrintWriter err) {
        try {
            return InventoryLoader.load(file, System.getenv());
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return null;
        }
    }

    /** {@code inventory validate FILE}. */
    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = {"Check an inventory file: bad IPs or CIDRs, duplicate assets, an IP in two environments, "
                    + "one network with two environments; every problem with its line.", "Exit 0 when valid, 2 when not."})
    public static final class Validate implements Callable<Integer> {
        @Spec
        private CommandSpec spec;
        @Parameters(paramLabel = "FILE", description = "the inventory YAML")
        private Path file;

        @Override
        public Integer call() {
            final InventorySnapshot s = read(file, spec.commandLine().getErr());
            if (s == null) {
                return 2;
            }
            spec.commandLine().getOut().printf("%s: valid (%d assets, %d networks)%n", file, s.assets().size(),
                    s.networks().size());
            return 0;
        }
    }

    /** {@code inventory load FILE [--bootstrap-server]}. */
    @Command(name = "load", mixinStandardHelpOptions = true,
            description = "Validate the inventory and publish it to restoreguard.inventory (replaces the whole inventory).")
    public static final class Load implements Callable<Integer> {
        @Spec
        private CommandSpec spec;
        @Parameters(paramLabel = "FILE", description = "the inventory YAML")
        private Path file;
        @Option(names = "--bootstrap-server", description = "Kafka (default: the --client-config file's bootstrap.servers, else $RESTOREGUARD_BOOTSTRAP_SERVERS, else 127.0.0.1:9092)")
        private String bootstrap;
        @picocli.CommandLine.Mixin
        private KafkaClientOptions kafkaClient;

        @Override
        public Integer call() throws Exception {
            final InventorySnapshot s = read(file, spec.commandLine().getErr());
            if (s == null) {
                return 2;
            }
            final Envelope e = InventoryLoader.envelope(s, Instant.now());
            try (EmitPublisher publisher = new EmitPublisher(kafkaClient.config(bootstrap))) {
                final var meta = publisher.publish(Topics.INVENTORY, InventoryLoader.KEY, e);
                spec.commandLine().getOut().printf("inventory published: %d assets, %d networks, event %s (%s-%d@%d)%n",
                        s.assets().size(), s.networks().size(), e.eventId(), meta.topic(), meta.partition(), meta.offset());
            }
            return 0;
        }
    }
}
