package dev.restoreguard.streams;

import dev.restoreguard.producers.approval.ApprovalSigner;
import dev.restoreguard.producers.scenario.ScenarioReader;
import dev.restoreguard.streams.app.EngineConfig;
import dev.restoreguard.streams.approval.TrustedKeys;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.List;

/**
 * The approval bridge of the tests: one ephemeral key pair that signs every approval a test
 * feeds (through {@link #reader()}, as live approvals pass through the bridge) and that the
 * engine under test trusts ({@link #trusting}).
 */
public final class TestBridge {

    private static final KeyPair KEYS = ApprovalSigner.generateKeyPair();
    /** The bridge's private key, for tests that need another signer with the same key (a shorter validity). */
    public static final PrivateKey PRIVATE_KEY = KEYS.getPrivate();
    /** Signs the tests' approvals. */
    public static final ApprovalSigner SIGNER = new ApprovalSigner("test-bridge", KEYS.getPrivate(), KEYS.getPublic(),
            ApprovalSigner.DEFAULT_VALIDITY);

    private TestBridge() {
    }

    /** A scenario reader whose approvals are signed by {@link #SIGNER}. */
    public static ScenarioReader reader() {
        return new ScenarioReader(SIGNER);
    }

    /** {@link #SIGNER}'s public key, trusted without scope. */
    public static TrustedKeys trustedKeys() {
        return TrustedKeys.of(List.of(TrustedKeys.TrustedKey.unscoped(SIGNER.keyId(), SIGNER.publicKey().orElseThrow())));
    }

    /** {@code config} trusting {@link #SIGNER}. */
    public static EngineConfig trusting(final EngineConfig config) {
        return config.withTrustedKeys(trustedKeys());
    }
}
