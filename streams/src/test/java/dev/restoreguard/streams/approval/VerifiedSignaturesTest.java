package dev.restoreguard.streams.approval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.approval.ApprovalEvent;
import dev.restoreguard.streams.TestBridge;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerifiedSignaturesTest {

    private static final Instant AT = Instant.parse("2026-11-20T17:00:00Z");
    private static final PublicKey KEY = TestBridge.SIGNER.publicKey().orElseThrow();

    private static ApprovalEvent signed(final String target) {
        return TestBridge.SIGNER.sign(AT, new ApprovalEvent("CHG1", "approved", List.of(target),
                new ApprovalEvent.Window(AT, AT.plusSeconds(3600)), "cab", "test", null));
    }

    @Test
    void shouldAnswerARepeatOfAPassedCheckFromMemory() {
        final VerifiedSignatures verified = new VerifiedSignatures(8);
        final ApprovalEvent approval = signed("sql-dev-01");

        assertThat(verified.verify(KEY, AT, approval)).isTrue();
        assertThat(verified.verify(KEY, AT, approval)).isTrue();
        assertThat(verified.size()).isEqualTo(1);
    }

    @Test
    void shouldNeverAcceptAnAlteredRecordCarryingARememberedSignature() {
        final VerifiedSignatures verified = new VerifiedSignatures(8);
        final ApprovalEvent approval = signed("sql-dev-01");
        assertThat(verified.verify(KEY, AT, approval)).isTrue();

        final ApprovalEvent retargeted = new ApprovalEvent(approval.changeId(), approval.state(),
                List.of("sql-prod-01"), approval.window(), approval.approvedBy(), approval.origin(), approval.signature());
        assertThat(verified.verify(KEY, AT, retargeted)).isFalse();
        assertThat(verified.verify(KEY, AT.plusSeconds(1), approval)).isFalse();
        assertThat(verified.size()).isEqualTo(1);
    }

    @Test
    void shouldForgetTheLeastRecentlyUsedBeyondItsCapacity() {
        final VerifiedSignatures verified = new VerifiedSignatures(2);
        for (String target : List.of("a", "b", "c", "d")) {
            assertThat(verified.verify(KEY, AT, signed(target))).isTrue();
        }
        assertThat(verified.size()).isEqualTo(2);
    }
}
