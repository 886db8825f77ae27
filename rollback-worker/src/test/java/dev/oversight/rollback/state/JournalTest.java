package dev.oversight.rollback.state;

import static dev.oversight.rollback.Fixtures.action;
import static dev.oversight.rollback.Fixtures.sha;
import static dev.oversight.rollback.Fixtures.violation;
import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.events.Action;
import dev.oversight.events.Action.ActionPhase;
import dev.oversight.events.Action.ActionType;
import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import dev.oversight.rollback.ActionReason;
import dev.oversight.rollback.Fixtures;
import dev.oversight.rollback.safety.CircuitBreaker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JournalTest {

    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    private static final Action.Request SENT = new Action.Request("POST", "http://am/api/v2/alerts", "[]");
    private final Journal journal = new Journal(e -> new CircuitBreaker(2, Duration.ofMinutes(10)));
    private final Verdict bad = violation("github:acme/payments", "payments", "production", 7, sha('b'), T0);

    @Test
    void keepsTheIntentAndTheFirstOutcomeAndIgnoresRecordsReadBackTwice() {
        Action intent = action(bad, ActionType.ROLLBACK, "github", ActionPhase.REQUESTED, false, T0, null, SENT);
        Action done = action(bad, ActionType.ROLLBACK, "github", ActionPhase.SUCCEEDED, false, T0.plusSeconds(1), null,
                SENT);
        assertThat(journal.apply(intent)).isTrue();
        assertThat(journal.entry(intent.actionId())).hasValueSatisfying(e -> {
            assertThat(e.intent()).isEqualTo(intent);
            assertThat(e.outcome()).isNull();
        });
        assertThat(journal.apply(done)).isTrue();
        assertThat(journal.apply(done)).isFalse();
        assertThat(journal.apply(intent)).isFalse();
        assertThat(journal.outcome(intent.actionId())).contains(done);
        assertThat(journal.rollbacksSince("payments", T0.minusSeconds(1))).isEqualTo(1);
    }

    @Test
    void anAlertResolvedLaterIsNoLongerOpenWhicheverIsReadFirst() {
        Action alert = action(bad, ActionType.ALERT, "alertmanager", ActionPhase.SUCCEEDED, false, T0, null, SENT);
        Verdict remediated = Fixtures.next(bad, VerdictStatus.REMEDIATED, 3, List.of());
        Action resolve = action(remediated, ActionType.RESOLVE, "alertmanager", ActionPhase.SUCCEEDED, false,
                T0.plusSeconds(60), null, SENT);
        journal.apply(resolve);
        journal.apply(alert);
        assertThat(journal.openAlerts(bad.deployId(), "alertmanager", false)).isEmpty();
        assertThat(journal.openOn("alertmanager")).isEmpty();
    }

    @Test
    void anAlertIsOpenOnItsSinkOnlyAndInItsModeOnly() {
        journal.apply(action(bad, ActionType.ALERT, "alertmanager", ActionPhase.SUCCEEDED, false, T0, null, SENT));
        journal.apply(action(bad, ActionType.NOTICE, "alertmanager/github", ActionPhase.SUCCEEDED, false,
                T0.plusSeconds(5), null, SENT));
        journal.apply(action(bad, ActionType.ALERT, "slack", ActionPhase.FAILED, false, T0, "DELIVERY_FAILED", SENT));
        assertThat(journal.openAlerts(bad.deployId(), "alertmanager", false)).hasSize(2);
        assertThat(journal.openAlerts(bad.deployId(), "alertmanager", true)).isEmpty();
        assertThat(journal.openAlerts(bad.deployId(), "slack", false)).as("a failed alert is not open").isEmpty();
        assertThat(journal.openOn("alertmanager")).hasSize(1);
    }

    @Test
    void aViolationIsOpenUntilResolvedOrRolledBack() {
        journal.apply(action(bad, ActionType.ALERT, "none", ActionPhase.SKIPPED, false, T0, "NO_SINK", null));
        assertThat(journal.violations()).singleElement().satisfies(c -> {
            assertThat(c.deployId()).isEqualTo(bad.deployId());
            assertThat(c.openViolation()).isTrue();
        });
        journal.apply(action(bad, ActionType.ROLLBACK, "github", ActionPhase.SUCCEEDED, false, T0.plusSeconds(3), null,
                SENT));
        assertThat(journal.violations()).singleElement().satisfies(c -> assertThat(c.openViolation()).isFalse());
    }

    @Test
    void anEmergencyDeployIsNotAnOpenViolation() {
        Verdict exception = Fixtures.next(bad, VerdictStatus.EXCEPTION, 2, List.of());
        journal.apply(action(exception, ActionType.ALERT, "slack", ActionPhase.SUCCEEDED, false, T0, null, SENT));
        assertThat(journal.violations()).isEmpty();
    }

    @Test
    void countsOnlyRealRollbacksOfTheLastHour() {
        journal.apply(action(bad, ActionType.ROLLBACK, "github", ActionPhase.REQUESTED, false, T0, null, SENT));
        Verdict other = violation("github:acme/payments", "payments", "production", 8, sha('c'), T0);
        journal.apply(action(other, ActionType.ROLLBACK, "github", ActionPhase.SKIPPED, true, T0, "DRY_RUN", SENT));
        assertThat(journal.rollbacksSince("payments", T0.minusSeconds(3600))).isEqualTo(1);
        assertThat(journal.rollbacksSince("payments", T0.plusSeconds(1))).isZero();
        assertThat(journal.rollbacksSince("ledger", T0.minusSeconds(3600))).isZero();
    }

    @Test
    void feedsEachExecutorsBreakerButNotWithOutcomesTheExecutorIsNotToBlameFor() {
        for (int i = 0; i < 2; i++) {
            Verdict v = violation("github:acme/payments", "payments", "production", 10 + i, sha('d'), T0);
            journal.apply(action(v, ActionType.ROLLBACK, "webhook", ActionPhase.FAILED, false, T0.plusSeconds(i),
                    ActionReason.OUTCOME_UNKNOWN.name(), SENT));
            journal.apply(action(v, ActionType.ROLLBACK, "argocd", ActionPhase.FAILED, false, T0.plusSeconds(i),
                    ActionReason.ROLLBACK_FAILED.name(), SENT));
        }
        assertThat(journal.breaker("webhook").state(T0.plusSeconds(5))).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(journal.breaker("argocd").state(T0.plusSeconds(5))).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(journal.breaker("github").state(T0.plusSeconds(5))).isEqualTo(CircuitBreaker.State.CLOSED);
    }
}
