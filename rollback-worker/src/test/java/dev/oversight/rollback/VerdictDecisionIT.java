package dev.oversight.rollback;

import static dev.oversight.rollback.Fixtures.sha;
import static dev.oversight.rollback.Fixtures.violation;
import static dev.oversight.rollback.WorkerHarness.WAIT;
import static dev.oversight.rollback.WorkerHarness.has;
import static dev.oversight.rollback.WorkerHarness.outcome;
import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.events.Action;
import dev.oversight.events.Action.ActionPhase;
import dev.oversight.events.Action.ActionType;
import dev.oversight.events.Verdict;
import dev.oversight.runtime.http.RecordingHttpServer;
import dev.oversight.testing.kafka.RealKafka;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker acts on what a verdict says is to be done, decided once by policy-stream; a verdict written before
 * verdicts carried that decision is decided by the worker's policy with the same environment rule.
 */
@ExtendWith(RealKafka.class)
class VerdictDecisionIT {

    private static final String REPO = "github:acme/payments";

    @TempDir
    static Path dir;
    private static WorkerHarness harness;
    private static RecordingHttpServer hook;

    @BeforeAll
    static void start() throws Exception {
        hook = RecordingHttpServer.start();
        harness = new WorkerHarness("decision", dir);
        harness.start(harness.settings("""
                name: decision-it
                environments:
                  production: { protected: true, action: alert }
                  staging: { protected: false }
                services:
                  - { name: payments, repository: "github:acme/payments", team: payments-team }
                """, Map.of("OVERSIGHT_ALERT_WEBHOOK_URL", hook.url("/hooks/oversight").toString())));
    }

    @AfterAll
    static void stop() {
        harness.close();
        hook.close();
    }

    private static Verdict violationIn(String environment, long deploy, Verdict.Decision decision) {
        Verdict v = violation(REPO, "payments", environment, deploy, sha('1'),
                Instant.now().truncatedTo(ChronoUnit.SECONDS));
        return new Verdict(Verdict.SCHEMA, v.verdictId(), v.revision(), v.deployId(), v.repository(), v.service(),
                v.environment(), v.sha(), v.previousSha(), v.status(), v.reasons(), v.changes(), v.ci(), v.policy(),
                v.decidedAt(), v.deployedAt(), v.deployer(), v.team(), v.url(), v.deadline(), v.evidence(), decision);
    }

    @Test
    void anOldVerdictOfAnEnvironmentNamedInAnotherCaseIsAlerted() throws Exception {
        // Schema 1: no decision in the verdict. GitHub environment names are people's: Production is production.
        Verdict v = violation(REPO, "payments", "Production", 301, sha('1'), Instant.now().truncatedTo(ChronoUnit.SECONDS));
        harness.verdict(v);
        List<Action> actions = harness.awaitActions(v.deployId(), list -> has(list, ActionType.ALERT, "webhook"));
        assertThat(outcome(actions, ActionType.ALERT, "webhook").phase()).isEqualTo(ActionPhase.SUCCEEDED);
        assertThat(hook.await(list -> list.stream().anyMatch(r -> r.body().contains(v.deployId())), WAIT)).isNotEmpty();
    }

    @Test
    void theVerdictsDecisionIsActedOnWhateverTheWorkersPolicySays() throws Exception {
        // An environment the worker's policy does not know, protected by the policy that decided the verdict.
        Verdict v = violationIn("prod-eu", 302, new Verdict.Decision(true, "alert", false));
        harness.verdict(v);
        List<Action> actions = harness.awaitActions(v.deployId(), list -> has(list, ActionType.ALERT, "webhook"));
        assertThat(outcome(actions, ActionType.ALERT, "webhook").phase()).isEqualTo(ActionPhase.SUCCEEDED);
        assertThat(harness.registry().get(WorkerMeters.POLICY_MISMATCHES).counter().count())
                .as("the verdict names another policy version than the worker loaded").isPositive();
    }

    @Test
    void aDryRunDecisionIsRecordedNotSent() throws Exception {
        Verdict v = violationIn("production", 303, new Verdict.Decision(true, "alert", true));
        harness.verdict(v);
        List<Action> actions = harness.awaitActions(v.deployId(), list -> has(list, ActionType.ALERT, "webhook"));
        Action alert = outcome(actions, ActionType.ALERT, "webhook");
        assertThat(alert.phase()).isEqualTo(ActionPhase.SKIPPED);
        assertThat(alert.dryRun()).isTrue();
        // An unprotected decision after it, on the same partition: nothing is done for it.
        Verdict unprotected = violationIn("production", 304, new Verdict.Decision(false, "alert", false));
        harness.verdict(unprotected);
        Verdict marker = violationIn("production", 305, new Verdict.Decision(true, "alert", false));
        harness.verdict(marker);
        List<Action> after = harness.awaitActions(list -> list.stream().anyMatch(a -> a.deployId().equals(marker.deployId())));
        assertThat(after).noneMatch(a -> a.deployId().equals(unprotected.deployId()));
    }
}
