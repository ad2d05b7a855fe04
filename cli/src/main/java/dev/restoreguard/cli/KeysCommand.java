package dev.restoreguard.cli;

import dev.restoreguard.infra.stack.StackSettings;
import dev.restoreguard.producers.approval.BridgeKeys;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code restoreguard keys generate [--out DIR] [--key-id ID]}: a new Ed25519 key pair for the
 * approval bridge, {@code ID.key} (PKCS#8 PEM, mode 0600) and {@code ID.pub} (X.509 PEM). The
 * bridge signs approvals with the private key; engines trust the public key (a directory of
 * {@code .pub} files or a YAML file, {@code RESTOREGUARD_ENGINE_TRUSTED_KEYS}).
 */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Approval-bridge signing keys.",
        subcommands = KeysCommand.Generate.class)
public final class KeysCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** {@code keys generate}. */
    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = {"Generate an Ed25519 key pair for the approval bridge: ID.key (PKCS#8, 0600) and ID.pub (X.509).",
                    "Exit 0 when written, 2 when the key exists or cannot be written."})
    static final class Generate implements Callable<Integer> {
        @Spec
        private CommandSpec spec;
        @Option(names = "--out", paramLabel = "DIR",
                description = "directory (default: <home>/keys, home = $RESTOREGUARD_HOME, else ~/.restoreguard)")
        private Path out;
        @Option(names = "--key-id", paramLabel = "ID", defaultValue = BridgeKeys.DEFAULT_KEY_ID,
                description = "key id, also the file names (default ${DEFAULT-VALUE})")
        private String keyId;

        @Override
        public Integer call() {
            final Path dir = out != null ? out : BridgeKeys.keysDir(StackSettings.defaultHome());
            try {
                final BridgeKeys.KeyFiles files = BridgeKeys.generate(dir, keyId);
                spec.commandLine().getOut().printf("key %s: private %s (keep it on the bridge), public %s (give it to "
                        + "the engines)%n", files.keyId(), files.privateKey(), files.publicKey());
                return 0;
            } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
                spec.commandLine().getErr().println("keys generate: " + e.getMessage());
                return 2;
            }
        }
    }
}
