package dev.restoreguard.producers.approval;

import dev.restoreguard.events.approval.ApprovalSignatures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * The approval bridge's key files. A key pair is two PEM files named after its key id:
 * {@code ID.key} (PKCS#8 private key, mode 0600, for the bridge) and {@code ID.pub} (X.509 public
 * key, for the engines that trust it). The local default lives in the RestoreGuard home
 * ({@code $RESTOREGUARD_HOME}, else {@code ~/.restoreguard}) under {@code keys/}, key id
 * {@value #DEFAULT_KEY_ID}: {@link #ensureLocal} creates it, {@code restoreguard approve} signs
 * with it and an engine without configured keys trusts the public keys of that directory, so
 * {@code up} and {@code approve} work together on one machine.
 *
 * <p>Where the bridge finds its private key: the {@code --signing-key} option of the command,
 * else {@value #SIGNING_KEY_VARIABLE}, else {@code <home>/keys/local-bridge.key}. Its key id: the
 * file name without {@code .key}, unless {@value #KEY_ID_VARIABLE} (or {@code --key-id}) says
 * otherwise.
 */
public final class BridgeKeys {

    public static final String DEFAULT_KEY_ID = "local-bridge";
    public static final String SIGNING_KEY_VARIABLE = "RESTOREGUARD_APPROVAL_SIGNING_KEY";
    public static final String KEY_ID_VARIABLE = "RESTOREGUARD_APPROVAL_KEY_ID";
    public static final String VALIDITY_VARIABLE = "RESTOREGUARD_APPROVAL_VALIDITY";
    public static final String PRIVATE_SUFFIX = ".key";
    public static final String PUBLIC_SUFFIX = ".pub";

    private BridgeKeys() {
    }

    /** The two files of a key pair. */
    public record KeyFiles(String keyId, Path privateKey, Path publicKey) {
    }

    /** The RestoreGuard home of {@code env}: {@code RESTOREGUARD_HOME}, else {@code ~/.restoreguard}. */
    public static Path home(final Map<String, String> env) {
        final String home = env.get("RESTOREGUARD_HOME");
        return home != null && !home.isBlank() ? Path.of(home.trim()) : Path.of(System.getProperty("user.home"), ".restoreguard");
    }

    /** The key directory of a RestoreGuard home. */
    public static Path keysDir(final Path home) {
        return home.resolve("keys");
    }

    /** The files of key {@code keyId} in {@code dir}. */
    public static KeyFiles files(final Path dir, final String keyId) {
        ApprovalSigner.requireKeyId(keyId);
        return new KeyFiles(keyId, dir.resolve(keyId + PRIVATE_SUFFIX), dir.resolve(keyId + PUBLIC_SUFFIX));
    }

    /**
     * Writes a new key pair {@code keyId} into {@code dir} (created 0700 if missing). Refuses to
     * overwrite an existing key: replacing a bridge key silently would make every engine that
     * trusts the old one reject the bridge.
     */
    public static KeyFiles generate(final Path dir, final String keyId) {
        final KeyFiles files = files(dir, keyId);
        if (Files.exists(files.privateKey()) || Files.exists(files.publicKey())) {
            throw new IllegalStateException("key " + keyId + " already exists in " + dir
                    + " (remove " + files.privateKey().getFileName() + " and " + files.publicKey().getFileName()
                    + " first to replace it)");
        }
        final KeyPair pair = ApprovalSigner.generateKeyPair();
        try {
            createPrivateDirectory(dir);
            writePrivate(files.privateKey(), ApprovalSignatures.pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            Files.writeString(files.publicKey(), ApprovalSignatures.publicKeyPem(pair.getPublic()),
                    StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write key " + keyId + " into " + dir + ": " + e.getMessage(), e);
        }
        return files;
    }

    /**
     * The local bridge key of {@code home} ({@code keys/local-bridge.key} and {@code .pub}),
     * generated on first use. For {@code restoreguard up}: call it before the engine starts, so
     * that the engine trusts the key {@code restoreguard approve} signs with.
     */
    public static KeyFiles ensureLocal(final Path home) {
        final KeyFiles files = files(keysDir(home), DEFAULT_KEY_ID);
        if (Files.exists(files.privateKey()) && Files.exists(files.publicKey())) {
            return files;
        }
        return generate(keysDir(home), DEFAULT_KEY_ID);
    }

    /**
     * The bridge's signer: {@code explicitKey} if given, else {@value #SIGNING_KEY_VARIABLE}, else
     * the local key of {@code home}; key id from {@code explicitKeyId}, {@value #KEY_ID_VARIABLE} or
     * the file name; validity from {@value #VALIDITY_VARIABLE} (ISO-8601, default one day).
     */
    public static ApprovalSigner signer(final Path explicitKey, final String explicitKeyId,
                                        final Map<String, String> env, final Path home) {
        final String fromEnv = env.get(SIGNING_KEY_VARIABLE);
        final Path file = explicitKey != null ? explicitKey
                : fromEnv != null && !fromEnv.isBlank() ? Path.of(fromEnv.trim())
                : files(keysDir(home), DEFAULT_KEY_ID).privateKey();
        final String name = file.getFileName().toString();
        final String keyId = explicitKeyId != null ? explicitKeyId
                : env.get(KEY_ID_VARIABLE) != null ? env.get(KEY_ID_VARIABLE).trim()
                : name.endsWith(PRIVATE_SUFFIX) ? name.substring(0, name.length() - PRIVATE_SUFFIX.length()) : name;
        final Path publicFile = file.resolveSibling(name.endsWith(PRIVATE_SUFFIX)
                ? name.substring(0, name.length() - PRIVATE_SUFFIX.length()) + PUBLIC_SUFFIX : name + PUBLIC_SUFFIX);
        return new ApprovalSigner(keyId, readPrivateKey(file),
                Files.exists(publicFile) ? readPublicKey(publicFile) : null, validity(env));
    }

    /** An Ed25519 private key from a PKCS#8 PEM file; the error names the file and what is wrong. */
    public static PrivateKey readPrivateKey(final Path file) {
        final String text = read(file, "approval signing key");
        try {
            return KeyFactory.getInstance(ApprovalSignatures.ALGORITHM)
                    .generatePrivate(new PKCS8EncodedKeySpec(ApprovalSignatures.pemBody(text, "PRIVATE KEY")));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": not an " + ApprovalSignatures.ALGORITHM
                    + " PKCS#8 private key (PEM): " + e.getMessage(), e);
        }
    }

    /** An Ed25519 public key from an X.509 PEM file; the error names the file. */
    public static PublicKey readPublicKey(final Path file) {
        try {
            return ApprovalSignatures.readPublicKey(read(file, "approval public key"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    private static Duration validity(final Map<String, String> env) {
        final String v = env.get(VALIDITY_VARIABLE);
        if (v == null || v.isBlank()) {
            return ApprovalSigner.DEFAULT_VALIDITY;
        }
        try {
            return Duration.parse(v.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(VALIDITY_VARIABLE + ": not an ISO-8601 duration (like P1D): '" + v + "'",
                    e);
        }
    }

    private static String read(final Path file, final String what) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no " + what + " there (create one with `restoreguard keys "
                    + "generate`, or set " + SIGNING_KEY_VARIABLE + ")", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read the " + what + ": " + e.getMessage(), e);
        }
    }

    private static void createPrivateDirectory(final Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir); // not a POSIX file system: the platform's defaults apply
        }
    }

    private static void writePrivate(final Path file, final String pem) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            throw new IOException(file + " already exists", e);
        }
        Files.writeString(file, pem, StandardCharsets.US_ASCII);
    }
}
