package dev.restoreguard.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restoreguard.events.config.ConfigException;
import dev.restoreguard.producers.config.CollectorConfig;
import dev.restoreguard.sinks.alert.config.SinksFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code restoreguard config validate FILE}: checks {@code restoreguard.yaml} without running anything. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Work with restoreguard.yaml.",
        subcommands = {ConfigCommand.Validate.class})
public final class ConfigCommand {

    /** {@code config validate FILE}. */
    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = {"Validate a configuration file strictly (unknown or duplicate keys, types, ranges, ${ENV} "
                    + "variables) and print what it configures.",
                    "Exit 0 when valid, 2 with the offending key path when not."})
    public static final class Validate implements Callable<Integer> {

        @Spec
        private CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "the configuration file (restoreguard.yaml)")
        private Path file;

        @Override
        public Integer call() {
            final PrintWriter out = spec.commandLine().getOut();
            final PrintWriter err = spec.commandLine().getErr();
            try {
                final CollectorConfig config = CollectorConfig.read(file);
                if (config.sinks() != null && !config.sinks().isNull()) {
                    // The sinks validate their own section; JSON is YAML, so the subtree is handed over as JSON.
                    final ObjectNode wrapper = JsonNodeFactory.instance.objectNode();
                    wrapper.set("sinks", config.sinks());
                    SinksFile.parse(wrapper.toString(), System.getenv());
                }
                final List<String> kinds = new ArrayList<>();
                kinds.add("hosts-file (" + String.join(", ", config.collectors().hostsFile().paths()) + ")");
                if (config.collectors().dnsZone() != null) {
                    kinds.add("dns-zone (" + config.collectors().dnsZone().servers().size() + " servers)");
                }
                if (config.collectors().windowsDns() != null) {
                    kinds.add("windows-dns");
                }
                if (config.collectors().resolution() != null) {
                    kinds.add("resolution (" + config.collectors().resolution().names().size() + " names)");
                }
                if (config.collectors().veeamSyslog() != null) {
                    kinds.add("veeam-syslog");
                }
                if (config.collectors().veeamRest() != null) {
                    kinds.add("veeam-rest (" + config.collectors().veeamRest().url()
                            + (config.collectors().veeamRest().stop().enabled() ? ", session stop ENABLED" : "") + ")");
                }
                if (config.collectors().servicenow() != null) {
                    kinds.add("servicenow (" + config.collectors().servicenow().instanceUrl() + ")");
                }
                if (config.collectors().restoreHttp() != null) {
                    kinds.add("restore-http (" + config.collectors().restoreHttp().bind() + ":"
                            + config.collectors().restoreHttp().port() + ")");
                }
                if (config.collectors().pgbackrest() != null) {
                    kinds.add("pgbackrest (" + config.collectors().pgbackrest().files().size() + " files)");
                }
                if (config.collectors().inventoryWatch() != null) {
                    kinds.add("inventory-watch (" + config.collectors().inventoryWatch().file() + ")");
                }
                out.printf("%s: valid%n  kafka: %s%n  observer: %s%n  spool: %s (max %d bytes, fsync %s)%n  collectors: %s%n",
                        file, config.kafka().bootstrapServers(), config.collector().observerOrHostName(),
                        config.collector().spoolDir(), config.collector().spool().maxBytes(),
                        config.collector().spool().fsync(), String.join("; ", kinds));
                out.flush();
                return 0;
            } catch (ConfigException e) {
                err.println(e.getMessage());
                err.flush();
                return 2;
            }
        }
    }
}
