package dev.oversight.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.events.ReasonCode;
import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import dev.oversight.policy.file.PolicyFile;
import dev.oversight.policy.rules.Policy;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code oversight up} prints of each verdict: one line per final verdict of a protected environment. */
class VerdictConsoleTest {

    private static final Policy POLICY = PolicyFile.defaultPolicy();

    private static Verdict verdict(VerdictStatus status, String environment, Verdict.Decision decision,
                                   Verdict.Reason... reasons) {
        String deployId = "github:acme/payments/deployments/42";
        return new Verdict(decision == null ? 1 : Verdict.SCHEMA, Verdict.verdictId(deployId, 2), 2, deployId,
                "github:acme/payments", "payments", environment, "e106645aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", null,
                status, List.of(reasons), List.of(), List.of(), new Verdict.PolicyRef("p", "sha256:x"),
                Instant.parse("2026-12-01T10:15:30Z"), Instant.parse("2026-12-01T10:15:00Z"), "carol", null, null,
                null, List.of(), decision);
    }

    private static final Verdict.Decision PROTECTED = new Verdict.Decision(true, "alert", false);
    private static final Verdict.Decision UNPROTECTED = new Verdict.Decision(false, "alert", false);

    @Test
    void aViolationIsOneLineWithStatusServiceEnvironmentAndReasons() {
        assertThat(VerdictConsole.line(verdict(VerdictStatus.VIOLATION, "production", PROTECTED,
                new Verdict.Reason(ReasonCode.SELF_APPROVAL, "change #42 was approved only by its author carol"),
                new Verdict.Reason(ReasonCode.CI_FAILED, "check build failed")), POLICY)).get().asString()
                .matches("\\d\\d:\\d\\d:\\d\\d  VIOLATION   payments/production  SELF_APPROVAL: change #42 was "
                        + "approved only by its author carol; CI_FAILED: check build failed  \\(deploy "
                        + "github:acme/payments/deployments/42, commit e106645\\)")
                .doesNotContain("\n");
    }

    @Test
    void everyFinalStatusIsPrintedAndPendingIsNot() {
        for (VerdictStatus status : VerdictStatus.values()) {
            assertThat(VerdictConsole.line(verdict(status, "production", PROTECTED), POLICY).isPresent())
                    .as(status.name()).isEqualTo(status != VerdictStatus.PENDING);
        }
    }

    @Test
    void nothingIsPrintedOfAnEnvironmentTheVerdictSaysIsNotProtected() {
        // "production" is protected by the console's policy; the verdict's own decision is what counts.
        assertThat(VerdictConsole.line(verdict(VerdictStatus.VIOLATION, "production", UNPROTECTED), POLICY)).isEmpty();
        assertThat(VerdictConsole.line(verdict(VerdictStatus.VIOLATION, "staging", PROTECTED), POLICY)).isPresent();
    }

    @Test
    void aVerdictWithoutADecisionIsAskedOfThePolicy() {
        assertThat(VerdictConsole.line(verdict(VerdictStatus.VIOLATION, "Production", null), POLICY)).isPresent();
        assertThat(VerdictConsole.line(verdict(VerdictStatus.VIOLATION, "staging", null), POLICY)).isEmpty();
    }
}
