package dev.restoreguard.streams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.restoreguard.events.approval.ApprovalSignatures;
import dev.restoreguard.producers.approval.ApprovalSigner;
import dev.restoreguard.streams.approval.TrustedKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's trusted approval keys: a directory of public keys or a YAML file with scopes. */
class TrustedKeysTest {

    private static String pem() {
        return ApprovalSignatures.publicKeyPem(ApprovalSigner.generateKeyPair().getPublic());
    }

    @Test
    void shouldTrustEveryPublicKeyOfADirectoryWithoutScope(@TempDir final Path dir) throws Exception {
        Files.writeString(dir.resolve("local-bridge.pub"), pem());
        Files.writeString(dir.resolve("local-bridge.key"), "not read");

        final EngineConfig config = EngineConfig.fromEnvironment(Map.of(TrustedKeys.VARIABLE, dir.toString()));

        assertThat(config.trustedKeys().keys()).singleElement().satisfies(k -> {
            assertThat(k.keyId()).isEqualTo("local-bridge");
            assertThat(k.origins()).isEmpty();
            assertThat(k.environments()).isEmpty();
        });
    }

    @Test
    void shouldTrustTheHomeKeysByDefault(@TempDir final Path home) throws Exception {
        Files.createDirectories(home.resolve("keys"));
        Files.writeString(home.resolve("keys/local-bridge.pub"), pem());

        assertThat(EngineConfig.fromEnvironment(Map.of("RESTOREGUARD_HOME", home.toString())).trustedKeys().get("local-bridge"))
                .isPresent();
        assertThat(EngineConfig.fromEnvironment(Map.of("RESTOREGUARD_HOME", home.resolve("none").toString()))
                .trustedKeys().keys()).isEmpty();
    }

    @Test
    void shouldReadScopedKeysFromYamlWithPathsAndInlinePem(@TempDir final Path dir) throws Exception {
        Files.writeString(dir.resolve("snow.pub"), pem());
        final String inline = pem().replace("\n", "\n      ");
        Files.writeString(dir.resolve("keys.yaml"), """
                trusted_keys:
                  - key_id: snow-bridge
                    public_key: snow.pub
                    origins: [ServiceNow]
                    environments: [production, staging]
                  - key_id: cli-bridge
                    public_key: |
                      %s
                """.formatted(inline));

        final TrustedKeys keys = TrustedKeys.load(dir.resolve("keys.yaml"), Map.of());

        assertThat(keys.get("snow-bridge").orElseThrow().origins()).isEqualTo(Set.of("servicenow"));
        assertThat(keys.get("snow-bridge").orElseThrow().environments()).isEqualTo(Set.of("production", "staging"));
        assertThat(keys.get("cli-bridge").orElseThrow().environments()).isEmpty();
    }

    @Test
    void shouldNameTheEntryAndVariableOfEveryProblem(@TempDir final Path dir) throws Exception {
        Files.writeString(dir.resolve("dup.yaml"), """
                trusted_keys:
                  - {key_id: a, public_key: "%s"}
                  - {key_id: a, public_key: "%s"}
                """.formatted(pem().replace("\n", "\\n"), pem().replace("\n", "\\n")));
        Files.writeString(dir.resolve("missing.yaml"), "trusted_keys:\n  - key_id: a\n    public_key: nope.pub\n");
        Files.writeString(dir.resolve("unknown.yaml"), "trusted_keys:\n  - key_id: a\n    publickey: x\n");

        assertThatThrownBy(() -> TrustedKeys.load(dir.resolve("dup.yaml"), Map.of()))
                .hasMessageContaining("trusted_keys[1].key_id: a is listed twice");
        assertThatThrownBy(() -> TrustedKeys.load(dir.resolve("missing.yaml"), Map.of()))
                .hasMessageContaining("trusted_keys[0].public_key").hasMessageContaining("nope.pub");
        assertThatThrownBy(() -> TrustedKeys.load(dir.resolve("unknown.yaml"), Map.of()))
                .hasMessageContaining("publickey").hasMessageContaining("unknown key");
        assertThatThrownBy(() -> EngineConfig.fromEnvironment(Map.of(TrustedKeys.VARIABLE, dir.resolve("x.yaml").toString())))
                .hasMessageContaining(TrustedKeys.VARIABLE).hasMessageContaining("does not exist");
    }
}
