package dev.restoreguard.producers.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.approval.ApprovalEvent;
import dev.restoreguard.events.approval.ApprovalSignatures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The approval bridge's signature covers every field that matters, and its key files round-trip. */
class ApprovalSignerTest {

    private static final Instant AT = Instant.parse("2026-11-20T14:00:00Z");
    private static final ApprovalEvent APPROVAL = new ApprovalEvent("CHG1", "approved", List.of("sql-prod-01"),
            new ApprovalEvent.Window(Instant.parse("2026-11-20T15:00:00Z"), Instant.parse("2026-11-20T18:00:00Z")),
            "cab@corp.example", "cli", null);

    private final ApprovalSigner signer = ApprovalSigner.ephemeral("bridge-1");
    private final PublicKey key = signer.publicKey().orElseThrow();

    @Test
    void shouldSignWithKeyIdNonceAndExpiry() {
        final Envelope e = signer.envelope("cli", AT, APPROVAL);
        final ApprovalEvent signed = (ApprovalEvent) e.payload();

        assertThat(signed.signature().keyId()).isEqualTo("bridge-1");
        assertThat(signed.signature().algorithm()).isEqualTo("Ed25519");
        assertThat(signed.signature().nonce()).hasSize(22);
        assertThat(signed.signature().expiresAt()).isEqualTo(AT.plus(ApprovalSigner.DEFAULT_VALIDITY));
        assertThat(ApprovalSignatures.verify(key, e.at(), signed)).isTrue();
    }

    @Test
    void shouldBreakWhenAnySignedFieldChanges() {
        final ApprovalEvent signed = signer.sign(AT, APPROVAL);
        final ApprovalEvent.Signature s = signed.signature();
        final Map<String, UnaryOperator<ApprovalEvent>> alterations = Map.of(
                "change_id", a -> new ApprovalEvent("CHG2", a.state(), a.targets(), a.window(), a.approvedBy(), a.origin(), s),
                "state", a -> new ApprovalEvent(a.changeId(), "revoked", a.targets(), a.window(), a.approvedBy(), a.origin(), s),
                "targets", a -> new ApprovalEvent(a.changeId(), a.state(), List.of("sql-prod-01", "sql-prod-02"), a.window(),
                        a.approvedBy(), a.origin(), s),
                "window", a -> new ApprovalEvent(a.changeId(), a.state(), a.targets(), new ApprovalEvent.Window(
                        a.window().start(), a.window().end().plusSeconds(1)), a.approvedBy(), a.origin(), s),
                "approved_by", a -> new ApprovalEvent(a.changeId(), a.state(), a.targets(), a.window(), "mallory", a.origin(), s),
                "origin", a -> new ApprovalEvent(a.changeId(), a.state(), a.targets(), a.window(), a.approvedBy(), "servicenow", s),
                "nonce", a -> a.withSignature(new ApprovalEvent.Signature(s.keyId(), s.algorithm(), "AAAAAAAAAAAAAAAAAAAAAA",
                        s.expiresAt(), s.value())),
                "expires_at", a -> a.withSignature(new ApprovalEvent.Signature(s.keyId(), s.algorithm(), s.nonce(),
                        s.expiresAt().plus(Duration.ofDays(365)), s.value())),
                "key_id", a -> a.withSignature(new ApprovalEvent.Signature("bridge-2", s.algorithm(), s.nonce(),
                        s.expiresAt(), s.value())));

        assertThat(ApprovalSignatures.verify(key, AT, signed)).isTrue();
        alterations.forEach((field, alter) -> assertThat(ApprovalSignatures.verify(key, AT, alter.apply(signed)))
                .as(field).isFalse());
        assertThat(ApprovalSignatures.verify(key, AT.plusMillis(1), signed)).as("event time").isFalse();
        assertThat(ApprovalSignatures.verify(ApprovalSigner.ephemeral("bridge-1").publicKey().orElseThrow(), AT, signed))
                .as("another key").isFalse();
        assertThat(ApprovalSignatures.verify(key, AT, signed.withSignature(null))).as("unsigned").isFalse();
    }

    @Test
    void shouldGiveTheSameRecordForTheSameChangeStateAndAnotherNonceForAnother() {
        final Envelope once = signer.envelope("servicenow", AT, APPROVAL);
        final Envelope again = signer.envelope("servicenow", AT, APPROVAL);
        final Envelope later = signer.envelope("servicenow", AT.plusSeconds(1), APPROVAL);

        // the poller re-reads the last change of every poll: the re-read must de-duplicate
        assertThat(again.eventId()).isEqualTo(once.eventId());
        assertThat(((ApprovalEvent) later.payload()).signature().nonce())
                .isNotEqualTo(((ApprovalEvent) once.payload()).signature().nonce());
    }

    @Test
    void shouldWriteAKeyPairThatSignsAndVerifiesWithAPrivateKeyReadableOnlyByItsOwner(@TempDir final Path home)
            throws Exception {
        final BridgeKeys.KeyFiles files = BridgeKeys.ensureLocal(home);

        assertThat(files.privateKey()).isEqualTo(home.resolve("keys/local-bridge.key"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.privateKey()))).isEqualTo("rw-------");
        assertThat(Files.readString(files.privateKey())).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.readString(files.publicKey())).startsWith("-----BEGIN PUBLIC KEY-----");
        assertThat(BridgeKeys.ensureLocal(home)).isEqualTo(files); // kept, not replaced

        final ApprovalSigner local = BridgeKeys.signer(null, null, Map.of(), home);
        assertThat(local.keyId()).isEqualTo("local-bridge");
        final ApprovalEvent signed = local.sign(AT, APPROVAL);
        assertThat(ApprovalSignatures.verify(BridgeKeys.readPublicKey(files.publicKey()), AT, signed)).isTrue();
    }

    @Test
    void shouldTakeTheKeyFromTheEnvironmentAndNameWhatIsWrong(@TempDir final Path dir) throws Exception {
        final BridgeKeys.KeyFiles files = BridgeKeys.generate(dir, "bridge-2026");
        final ApprovalSigner fromEnv = BridgeKeys.signer(null, null, Map.of(BridgeKeys.SIGNING_KEY_VARIABLE,
                files.privateKey().toString(), BridgeKeys.VALIDITY_VARIABLE, "PT2H"), dir.resolve("elsewhere"));
        assertThat(fromEnv.keyId()).isEqualTo("bridge-2026");
        assertThat(fromEnv.sign(AT, APPROVAL).signature().expiresAt()).isEqualTo(AT.plus(Duration.ofHours(2)));

        assertThatThrownBy(() -> BridgeKeys.generate(dir, "bridge-2026")).hasMessageContaining("already exists");
        assertThatThrownBy(() -> BridgeKeys.signer(null, null, Map.of(), dir.resolve("nohome")))
                .hasMessageContaining("nohome/keys/local-bridge.key").hasMessageContaining("keys generate");
        Files.writeString(dir.resolve("bad.key"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> BridgeKeys.signer(dir.resolve("bad.key"), null, Map.of(), dir))
                .hasMessageContaining("bad.key").hasMessageContaining("not an Ed25519 PKCS#8 private key");
        assertThatThrownBy(() -> BridgeKeys.signer(files.privateKey(), null,
                Map.of(BridgeKeys.VALIDITY_VARIABLE, "one day"), dir)).hasMessageContaining(BridgeKeys.VALIDITY_VARIABLE);
        assertThatThrownBy(() -> BridgeKeys.generate(dir, "../escape")).hasMessageContaining("key id");
    }
}
