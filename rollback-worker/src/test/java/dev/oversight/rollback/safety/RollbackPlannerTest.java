package dev.oversight.rollback.safety;

import static dev.oversight.rollback.Fixtures.lastGood;
import static dev.oversight.rollback.Fixtures.sha;
import static dev.oversight.rollback.Fixtures.violation;
import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.events.LastGood;
import dev.oversight.events.ReasonCode;
import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import dev.oversight.rollback.ActionReason;
import dev.oversight.rollback.Fixtures;
import dev.oversight.policy.rules.RollbackTarget;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RollbackPlannerTest {

    private static final Instant DEPLOYED = Instant.parse("2026-11-24T10:00:00Z");
    private static final Instant NOW = DEPLOYED.plusSeconds(90);
    private static final String REPO = "github:acme/payments";
    private static final RollbackTarget GITHUB = new RollbackTarget.GitHub("acme", "payments", null);

    private final RollbackPlanner planner = new RollbackPlanner(3, Duration.ofHours(24));
    private final Verdict bad = violation(REPO, "payments", "production", 7, sha('b'), DEPLOYED);
    private final LastGood good = lastGood(REPO, "payments", "production", 6, sha('a'), DEPLOYED.minusSeconds(3600));

    private RollbackPlan plan(Verdict verdict, RollbackTarget settings, LastGood lastGood, VerdictStatus goodStatus,
                              String newer, int recent, CircuitBreaker.State breaker) {
        return planner.plan(new RollbackPlanner.Facts(verdict, settings, lastGood, goodStatus, newer, recent, breaker,
                NOW));
    }

    private RollbackPlan plan(LastGood lastGood) {
        return plan(bad, GITHUB, lastGood, VerdictStatus.COMPLIANT, null, 0, CircuitBreaker.State.CLOSED);
    }

    @Test
    void rollsBackToTheLastCompliantVersion() {
        RollbackPlan plan = plan(good);
        assertThat(plan.execute()).isTrue();
        assertThat(plan.target()).isEqualTo(good);
        assertThat(plan.settings()).isEqualTo(GITHUB);
    }

    @Test
    void withoutALastGoodVersionThereIsNoSafeTarget() {
        RollbackPlan plan = plan(null);
        assertThat(plan.execute()).isFalse();
        assertThat(plan.reason()).isEqualTo(ActionReason.NO_SAFE_TARGET);
        assertThat(plan.why()).contains("no compliant version of payments in production");
    }

    @Test
    void neverRollsBackToTheViolatingCommitItself() {
        LastGood same = lastGood(REPO, "payments", "production", 5, sha('b'), DEPLOYED.minusSeconds(60));
        assertThat(plan(same).reason()).isEqualTo(ActionReason.NO_SAFE_TARGET);
        assertThat(plan(same).why()).contains("violating commit bbbbbbb itself");
    }

    @Test
    void neverRollsBackToAVersionWhoseVerdictIsNoLongerCompliant() {
        RollbackPlan plan = plan(bad, GITHUB, good, VerdictStatus.VIOLATION, null, 0, CircuitBreaker.State.CLOSED);
        assertThat(plan.reason()).isEqualTo(ActionReason.NO_SAFE_TARGET);
        assertThat(plan.why()).contains("is now VIOLATION");
    }

    @Test
    void aDeployAlreadyReplacedIsNotRolledBack() {
        RollbackPlan byNewer = plan(bad, GITHUB, good, VerdictStatus.COMPLIANT, REPO + "/deployments/8", 0,
                CircuitBreaker.State.CLOSED);
        assertThat(byNewer.reason()).isEqualTo(ActionReason.SUPERSEDED);
        assertThat(byNewer.why()).contains("deployments/8");
        LastGood newerGood = lastGood(REPO, "payments", "production", 8, sha('c'), DEPLOYED.plusSeconds(30));
        assertThat(plan(newerGood).reason()).isEqualTo(ActionReason.SUPERSEDED);
    }

    @Test
    void stopsAtTheStormLimit() {
        assertThat(plan(bad, GITHUB, good, VerdictStatus.COMPLIANT, null, 2, CircuitBreaker.State.CLOSED).execute())
                .isTrue();
        RollbackPlan plan = plan(bad, GITHUB, good, VerdictStatus.COMPLIANT, null, 3, CircuitBreaker.State.CLOSED);
        assertThat(plan.reason()).isEqualTo(ActionReason.STORM_LIMIT);
        assertThat(plan.why()).contains("3 times in the last hour (limit 3)");
    }

    @Test
    void doesNotCallAnExecutorWhoseBreakerIsOpenButTriesWhenHalfOpen() {
        assertThat(plan(bad, GITHUB, good, VerdictStatus.COMPLIANT, null, 0, CircuitBreaker.State.OPEN).reason())
                .isEqualTo(ActionReason.CIRCUIT_OPEN);
        assertThat(plan(bad, GITHUB, good, VerdictStatus.COMPLIANT, null, 0, CircuitBreaker.State.HALF_OPEN).execute())
                .isTrue();
    }

    @Test
    void aServiceWithoutExecutorIsNotRolledBack() {
        RollbackPlan plan = plan(bad, new RollbackTarget.None(), good, VerdictStatus.COMPLIANT, null, 0,
                CircuitBreaker.State.CLOSED);
        assertThat(plan.reason()).isEqualTo(ActionReason.NO_EXECUTOR);
    }

    @Test
    void anOverdueBreakGlassReviewIsAlertedNotRolledBack() {
        Verdict overdue = Fixtures.next(bad, VerdictStatus.VIOLATION, 3,
                List.of(new Verdict.Reason(ReasonCode.BREAK_GLASS_EXPIRED, "no review by the deadline")));
        assertThat(plan(overdue, GITHUB, good, VerdictStatus.COMPLIANT, null, 0, CircuitBreaker.State.CLOSED).reason())
                .isEqualTo(ActionReason.BREAK_GLASS);
    }

    @Test
    void aDeployOlderThanTheMaximumAgeIsNotRolledBack() {
        Verdict old = violation(REPO, "payments", "production", 7, sha('b'), NOW.minus(Duration.ofHours(25)));
        assertThat(plan(old, GITHUB, null, null, null, 0, CircuitBreaker.State.CLOSED).reason())
                .isEqualTo(ActionReason.TOO_OLD);
    }
}
