package dev.restoreguard.streams;

import static dev.restoreguard.streams.ScenarioFixture.INVENTORY;
import static dev.restoreguard.streams.ScenarioFixture.restore;
import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.Topics;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.events.approval.ApprovalEvent;
import dev.restoreguard.events.dns.DnsRecordChange;
import dev.restoreguard.producers.approval.ApprovalSigner;
import dev.restoreguard.streams.app.EngineConfig;
import dev.restoreguard.streams.approval.TrustedKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Approvals are trusted only when the approval bridge signed them (issue 5; detection contract
 * section 5): every rejection counts as no approval (the restore it would have covered raises
 * RG-001) and raises exactly one RG-920..RG-924 alert; a valid approval raises nothing.
 */
class ApprovalVerificationTest {

    private static final String S1 = "restore:veeam:s1";
    private static final Instant APPROVED_AT = Instant.parse("2026-11-20T14:00:00Z");
    private static final ApprovalEvent PROD_APPROVAL = new ApprovalEvent("CHG1", "approved",
            List.of("sql-prod-01.corp.example"), new ApprovalEvent.Window(Instant.parse("2026-11-20T15:00:00Z"),
            Instant.parse("2026-11-20T18:00:00Z")), "cab@corp.example", "cli", null);
    private static final String RESTORE = restore("2026-11-20T16:00:00Z", "s1", "started", "sql-prod-01.corp.example");

    private ScenarioFixture fx = new ScenarioFixture();

    @AfterEach
    void close() {
        fx.close();
    }

    private void send(final Envelope approval) {
        fx.driver().send(Topics.APPROVALS.name(), ((ApprovalEvent) approval.payload()).changeId(), approval);
    }

    private List<String> security() {
        return fx.finalAlerts().stream().filter(a -> a.rule().id().startsWith("RG-92"))
                .map(a -> a.rule().id() + " " + a.alert().subject()).toList();
    }

    private static String subject(final Envelope e) {
        return "approval:" + ((ApprovalEvent) e.payload()).changeId() + ":" + e.eventId();
    }

    @Test
    void shouldTrustASignedApprovalAndRaiseNothing() {
        fx.feed(INVENTORY);
        send(TestBridge.SIGNER.envelope("cli", APPROVED_AT, PROD_APPROVAL));
        fx.feed(RESTORE);

        assertThat(fx.open()).isEmpty();
    }

    @Test
    void shouldRejectAnUnsignedApprovalWrittenStraightToTheTopic() {
        final Envelope unsigned = Envelope.of("attacker", APPROVED_AT, null, PROD_APPROVAL);
        fx.feed(INVENTORY);
        send(unsigned);
        fx.feed(RESTORE);

        assertThat(fx.open()).contains("RG-001 critical " + S1);
        assertThat(security()).containsExactly("RG-920 " + subject(unsigned));
        final Alert alert = fx.alert("RG-920", subject(unsigned)).orElseThrow();
        assertThat(alert.alert().reason()).contains("CHG1", "no signature", "counts as no approval");
        assertThat(alert.event().category()).containsExactly("intrusion_detection");
    }

    @Test
    void shouldRejectAnApprovalAlteredAfterSigning() {
        final ApprovalEvent signed = TestBridge.SIGNER.sign(APPROVED_AT, new ApprovalEvent("CHG1", "approved",
                List.of("sql-dev-01.corp.example"), PROD_APPROVAL.window(), "cab@corp.example", "cli", null));
        // the signature of a development approval, pasted onto a production one
        final Envelope forged = Envelope.of("cli", APPROVED_AT, null, PROD_APPROVAL.withSignature(signed.signature()));
        fx.feed(INVENTORY);
        send(forged);
        fx.feed(RESTORE);

        assertThat(fx.open()).contains("RG-001 critical " + S1);
        assertThat(security()).containsExactly("RG-921 " + subject(forged));
        assertThat(fx.alert("RG-921", subject(forged)).orElseThrow().alert().reason()).contains("does not verify");
    }

    @Test
    void shouldRejectAnApprovalMovedToAnotherEventTime() {
        final ApprovalEvent signed = TestBridge.SIGNER.sign(APPROVED_AT, PROD_APPROVAL);
        final Envelope moved = Envelope.of("cli", APPROVED_AT.minusSeconds(60), null, signed);
        fx.feed(INVENTORY);
        send(moved);
        fx.feed(RESTORE);

        assertThat(fx.open()).contains("RG-001 critical " + S1);
        assertThat(security()).containsExactly("RG-921 " + subject(moved));
    }

    @Test
    void shouldRejectAnApprovalSignedWithAKeyTheEngineDoesNotTrust() {
        final Envelope foreign = ApprovalSigner.ephemeral("test-bridge").envelope("cli", APPROVED_AT, PROD_APPROVAL);
        final Envelope unknownId = ApprovalSigner.ephemeral("someone").envelope("cli", APPROVED_AT, PROD_APPROVAL);
        fx.feed(INVENTORY);
        send(foreign); // same key id as the trusted key, another key pair
        send(unknownId);
        fx.feed(RESTORE);

        assertThat(fx.open()).contains("RG-001 critical " + S1);
        assertThat(security()).containsExactlyInAnyOrder("RG-921 " + subject(foreign), "RG-921 " + subject(unknownId));
        assertThat(fx.alert("RG-921", subject(unknownId)).orElseThrow().alert().reason())
                .contains("'someone', which the engine does not trust");
    }

    @Test
    void shouldRejectAnApprovalThatArrivesAfterItsSignatureExpired() {
        final ApprovalSigner shortLived = new ApprovalSigner(TestBridge.SIGNER.keyId(), TestBridge.PRIVATE_KEY,
                null, Duration.ofMinutes(30));
        final Envelope approval = shortLived.envelope("cli", APPROVED_AT, PROD_APPROVAL);
        fx.feed(INVENTORY);
        // a reference record an hour after the approval's time: the engine's reference time is past its expiry
        fx.driver().send(Topics.DNS.name(), "x.corp.example", Envelope.of("dns", APPROVED_AT.plus(Duration.ofHours(1)),
                null, new DnsRecordChange("corp.example", "x", "A", "add", "10.30.9.9", null, null, null)));
        send(approval);
        fx.feed(RESTORE);

        assertThat(fx.open()).contains("RG-001 critical " + S1);
        assertThat(security()).containsExactly("RG-922 " + subject(approval));
    }

    @Test
    void shouldRejectAnOldApprovalRepublishedAfterItsRevocation() {
        final Envelope approved = TestBridge.SIGNER.envelope("cli", APPROVED_AT, PROD_APPROVAL);
        final Envelope revoked = TestBridge.SIGNER.envelope("cli", APPROVED_AT.plusSeconds(600), new ApprovalEvent("CHG1",
                "revoked", PROD_APPROVAL.targets(), PROD_APPROVAL.window(), "cab@corp.example", "cli", null));
        fx.feed(INVENTORY);
        send(approved);
        send(revoked);
        send(approved); // the very same signed record, re-published by someone who kept it

        assertThat(security()).containsExactly("RG-923 " + subject(approved));
        assertThat(fx.alert("RG-923", subject(approved)).orElseThrow().restoreguard().evidence())
                .containsEntry("first_event_id", approved.eventId());
    }

    @Test
    void shouldIgnoreARedeliveryOfTheLatestApprovalWithoutAnAlert() {
        final Envelope approved = TestBridge.SIGNER.envelope("cli", APPROVED_AT, PROD_APPROVAL);
        fx.feed(INVENTORY);
        send(approved);
        send(approved); // a producer retry: the same record, nothing newer for the change in between
        fx.feed(RESTORE);

        assertThat(fx.open()).isEmpty();
        assertThat(fx.published()).isEmpty();
    }

    @Test
    void shouldRejectAnApprovalOutsideTheEnvironmentsItsKeyMayApprove() {
        fx.close();
        fx = new ScenarioFixture(EngineConfig.defaults().withTrustedKeys(TrustedKeys.of(List.of(
                new TrustedKeys.TrustedKey(TestBridge.SIGNER.keyId(), TestBridge.SIGNER.publicKey().orElseThrow(),
                        Set.of(), Set.of("Development", "staging"))))));
        final Envelope prod = TestBridge.SIGNER.envelope("cli", APPROVED_AT, PROD_APPROVAL);
        final Envelope dev = TestBridge.SIGNER.envelope("cli", APPROVED_AT, new ApprovalEvent("CHG2", "approved",
                List.of("sql-dev-01"), PROD_APPROVAL.window(), "cab@corp.example", "cli", null));
        fx.feed(INVENTORY);
        send(prod);
        send(dev);
        fx.feed(RESTORE);

        assertThat(fx.open()).contains("RG-001 critical " + S1);
        assertThat(security()).containsExactly("RG-924 " + subject(prod));
        assertThat(fx.alert("RG-924", subject(prod)).orElseThrow().restoreguard().evidence())
                .containsKey("targets_outside_scope");
    }

    @Test
    void shouldRejectAnApprovalFromAnOriginItsKeyMayNotApproveFor() {
        fx.close();
        fx = new ScenarioFixture(EngineConfig.defaults().withTrustedKeys(TrustedKeys.of(List.of(
                new TrustedKeys.TrustedKey(TestBridge.SIGNER.keyId(), TestBridge.SIGNER.publicKey().orElseThrow(),
                        Set.of("servicenow"), Set.of())))));
        final Envelope fromCli = TestBridge.SIGNER.envelope("cli", APPROVED_AT, PROD_APPROVAL);
        fx.feed(INVENTORY);
        send(fromCli);
        fx.feed(RESTORE);

        assertThat(fx.open()).contains("RG-001 critical " + S1);
        assertThat(security()).containsExactly("RG-924 " + subject(fromCli));
    }

    @Test
    void shouldNotLetARejectedApprovalMoveStreamTime() {
        fx.feed(INVENTORY, RESTORE);
        assertThat(fx.open()).containsExactly("RG-001 critical " + S1);
        // an unsigned record far in the future would otherwise make every later record "too late"
        send(Envelope.of("attacker", Instant.parse("2030-01-01T00:00:00Z"), null, PROD_APPROVAL));
        // a valid approval five minutes late: within the allowed lateness, it revises the verdict
        send(TestBridge.SIGNER.envelope("cli", Instant.parse("2026-11-20T15:55:00Z"), PROD_APPROVAL));

        assertThat(fx.retracted()).containsExactly("RG-001 " + S1);
    }
}
