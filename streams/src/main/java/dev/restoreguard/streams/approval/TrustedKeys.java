package dev.restoreguard.streams.approval;

import dev.restoreguard.events.approval.ApprovalSignatures;
import dev.restoreguard.events.config.ConfigException;
import dev.restoreguard.events.config.StrictYaml;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The approval-bridge keys the engine trusts, by key id, each with an optional scope: which
 * approval origins ({@code servicenow}, {@code cli}, {@code scenario}) and which target
 * environments it may approve (empty: any). An approval whose signature does not verify against
 * the key its {@code key_id} names is no approval.
 *
 * <p>Configured by {@value #VARIABLE}: a directory (every {@code ID.pub} PEM file in it is trusted
 * without scope, key id = file name) or a YAML file:
 * <pre>
 * trusted_keys:
 *   - key_id: bridge-2026-01
 *     public_key: /etc/restoreguard/keys/bridge-2026-01.pub   # a path (relative to this file) or inline PEM
 *     origins: [servicenow]                                   # optional
 *     environments: [production, staging]                     # optional
 * </pre>
 * Unset, the engine trusts the public keys in the RestoreGuard home's {@code keys/} directory
 * ({@code $RESTOREGUARD_HOME}, else {@code ~/.restoreguard}), where {@code restoreguard up} keeps
 * the local bridge key.
 */
public final class TrustedKeys {

    public static final String VARIABLE = "RESTOREGUARD_ENGINE_TRUSTED_KEYS";
    private static final String PUBLIC_SUFFIX = ".pub";

    private final Map<String, TrustedKey> byId;

    /**
     * One trusted key.
     *
     * @param keyId        the {@code signature.key_id} it answers to
     * @param publicKey    the Ed25519 public key
     * @param origins      approval origins it may sign for, lower case (empty: any)
     * @param environments target environments it may approve, lower case (empty: any)
     */
    public record TrustedKey(String keyId, PublicKey publicKey, Set<String> origins, Set<String> environments) {
        public TrustedKey {
            ConfigException.check(keyId != null && !keyId.isBlank(), "key_id", "required");
            ConfigException.check(publicKey != null, keyId + ".public_key", "required");
            origins = lower(origins);
            environments = lower(environments);
        }

        /** A key trusted for everything. */
        public static TrustedKey unscoped(final String keyId, final PublicKey publicKey) {
            return new TrustedKey(keyId, publicKey, Set.of(), Set.of());
        }

        @Override
        public String toString() {
            return keyId + (origins.isEmpty() ? "" : " origins=" + origins)
                    + (environments.isEmpty() ? "" : " environments=" + environments);
        }

        private static Set<String> lower(final Collection<String> values) {
            return values == null ? Set.of() : values.stream().map(v -> v.trim().toLowerCase(Locale.ROOT))
                    .collect(Collectors.toUnmodifiableSet());
        }
    }

    private TrustedKeys(final Map<String, TrustedKey> byId) {
        this.byId = Map.copyOf(byId);
    }

    /** These keys; two with one id fail. */
    public static TrustedKeys of(final List<TrustedKey> keys) {
        final Map<String, TrustedKey> byId = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            final TrustedKey key = keys.get(i);
            if (byId.putIfAbsent(key.keyId(), key) != null) {
                throw new ConfigException("trusted_keys[" + i + "].key_id: " + key.keyId() + " is listed twice");
            }
        }
        return new TrustedKeys(byId);
    }

    /** No trusted key: every approval is rejected. */
    public static TrustedKeys none() {
        return new TrustedKeys(Map.of());
    }

    public Optional<TrustedKey> get(final String keyId) {
        return keyId == null ? Optional.empty() : Optional.ofNullable(byId.get(keyId));
    }

    public Collection<TrustedKey> keys() {
        return byId.values();
    }

    @Override
    public String toString() {
        return byId.values().toString();
    }

    /**
     * {@value #VARIABLE} if set (it must exist), else the keys of {@code <home>/keys} if that
     * directory exists, else none.
     */
    public static TrustedKeys fromEnvironment(final Map<String, String> env) {
        final String configured = env.get(VARIABLE);
        if (configured != null && !configured.isBlank()) {
            try {
                final Path path = Path.of(configured.trim());
                if (!Files.exists(path)) {
                    throw new IllegalArgumentException(VARIABLE + ": " + path + " does not exist");
                }
                return load(path, env);
            } catch (IllegalArgumentException | UncheckedIOException e) {
                // a bad path (a NUL), a key file that is no key, an unreadable directory: every
                // failure names the variable (found by EngineConfigPropertiesTest)
                throw naming(VARIABLE, e);
            }
        }
        final String home = env.get("RESTOREGUARD_HOME");
        try {
            final Path keys = (home != null && !home.isBlank() ? Path.of(home)
                    : Path.of(System.getProperty("user.home"), ".restoreguard")).resolve("keys");
            return Files.isDirectory(keys) ? directory(keys) : none();
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw naming(home != null && !home.isBlank() ? "RESTOREGUARD_HOME (its keys directory)" : "~/.restoreguard/keys", e);
        }
    }

    private static IllegalArgumentException naming(final String source, final RuntimeException e) {
        final String message = String.valueOf(e.getMessage());
        return new IllegalArgumentException(message.startsWith(VARIABLE) ? message : source + ": " + message, e);
    }

    /** A directory of {@code ID.pub} files or a YAML file, as {@value #VARIABLE} names it. */
    public static TrustedKeys load(final Path path, final Map<String, String> env) {
        return Files.isDirectory(path) ? directory(path) : file(path, env);
    }

    /** Every {@code ID.pub} file of {@code dir}, trusted without scope. */
    public static TrustedKeys directory(final Path dir) {
        final List<TrustedKey> keys = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(PUBLIC_SUFFIX)).sorted().toList()) {
                final String name = file.getFileName().toString();
                keys.add(TrustedKey.unscoped(name.substring(0, name.length() - PUBLIC_SUFFIX.length()), read(file)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list trusted keys in " + dir + ": " + e.getMessage(), e);
        }
        return of(keys);
    }

    private static TrustedKeys file(final Path file, final Map<String, String> env) {
        final KeysFile parsed = StrictYaml.read(file, KeysFile.class, env);
        final List<TrustedKey> keys = new ArrayList<>();
        for (int i = 0; i < parsed.trustedKeys().size(); i++) {
            final KeyEntry entry = parsed.trustedKeys().get(i);
            final String path = "trusted_keys[" + i + "]";
            ConfigException.check(entry.keyId() != null && !entry.keyId().isBlank(), path + ".key_id", "required");
            ConfigException.check(entry.publicKey() != null && !entry.publicKey().isBlank(), path + ".public_key",
                    "required (a PEM file path or inline PEM)");
            final PublicKey key;
            try {
                key = entry.publicKey().contains("-----BEGIN")
                        ? ApprovalSignatures.readPublicKey(entry.publicKey())
                        : read(resolve(file, entry.publicKey().trim()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(path + ".public_key: " + e.getMessage(), e);
            }
            keys.add(new TrustedKey(entry.keyId().trim(), key, entry.origins() == null ? null : Set.copyOf(entry.origins()),
                    entry.environments() == null ? null : Set.copyOf(entry.environments())));
        }
        return of(keys);
    }

    private static Path resolve(final Path file, final String keyPath) {
        final Path p = Path.of(keyPath);
        return p.isAbsolute() || file.toAbsolutePath().getParent() == null ? p
                : file.toAbsolutePath().getParent().resolve(p);
    }

    private static PublicKey read(final Path file) {
        try {
            return ApprovalSignatures.readPublicKey(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** The YAML file's shape. */
    public record KeysFile(List<KeyEntry> trustedKeys) {
        public KeysFile {
            ConfigException.check(trustedKeys != null, "trusted_keys", "required (a list)");
        }
    }

    /** One entry of {@code trusted_keys}. */
    public record KeyEntry(String keyId, String publicKey, List<String> origins, List<String> environments) {
    }
}
