package dev.oversight.rollback;

import static dev.oversight.rollback.Fixtures.lastGood;
import static dev.oversight.rollback.Fixtures.sha;
import static dev.oversight.rollback.Fixtures.violation;
import static dev.oversight.rollback.WorkerHarness.WAIT;
import static dev.oversight.rollback.WorkerHarness.has;
import static dev.oversight.rollback.WorkerHarness.outcome;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.events.Action;
import dev.oversight.events.Action.ActionPhase;
import dev.oversight.events.Action.ActionType;
import dev.oversight.events.LastGood;
import dev.oversight.events.Verdict;
import dev.oversight.events.json.Json;
import dev.oversight.runtime.http.RecordingHttpServer;
import dev.oversight.testing.Await;
import dev.oversight.testing.kafka.RealKafka;
import io.micrometer.core.instrument.Gauge;
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
 * Rollbacks through GitHub Deployments on a stub of its REST API: the exact requests of a rollback, and the safety
 * rules that keep one from happening (no safe target, a newer deploy, a dry-run).
 */
@ExtendWith(RealKafka.class)
class GitHubRollbackIT {

    private static final String TOKEN = "ghs_rollback_token";

    @TempDir
    static Path dir;
    private static WorkerHarness harness;
    private static FakeGitHub github;
    private static RecordingHttpServer hook;

    @BeforeAll
    static void start() throws Exception {
        github = new FakeGitHub();
        hook = RecordingHttpServer.start();
        harness = new WorkerHarness("github", dir);
        harness.start(harness.settings("""
                name: github-it
                environments:
                  production: { protected: true, action: alert+rollback }
                  canary: { protected: true, action: alert+rollback, dryRun: true }
                services:
                  - { name: payments, repository: "github:acme/payments", team: payments-team, rollback: { executor: github } }
                  - { name: ledger, repository: "github:acme/ledger", rollback: { executor: github } }
                  - { name: search, repository: "github:acme/search", rollback: { executor: github } }
                """, Map.of(
                "OVERSIGHT_GITHUB_TOKEN", TOKEN,
                "OVERSIGHT_GITHUB_API_URL", github.url().toString(),
                "OVERSIGHT_ALERT_WEBHOOK_URL", hook.url("/hook").toString())));
    }

    @AfterAll
    static void stop() {
        harness.close();
        github.close();
        hook.close();
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }

    private static List<JsonNode> hookBodies(String deployId, int count) throws Exception {
        List<RecordingHttpServer.Received> all = hook.await(list -> list.stream()
                .filter(r -> r.body().contains(deployId)).count() >= count, WAIT);
        List<JsonNode> bodies = new java.util.ArrayList<>();
        for (RecordingHttpServer.Received r : all) {
            if (r.body().contains(deployId)) {
                bodies.add(Json.mapper().readTree(r.body()));
            }
        }
        return bodies;
    }

    @Test
    void rollsBackByCreatingADeploymentOfTheLastCompliantCommitThenResolvesTheAlert() throws Exception {
        Verdict v = harness.violationAfterGood("github:acme/payments", "payments", "production", 301, 'a', 'b');
        LastGood good = lastGood("github:acme/payments", "payments", "production", 300, sha('a'),
                v.deployedAt().minusSeconds(3600));

        List<Action> actions = harness.awaitActions(v.deployId(), list -> has(list, ActionType.RESOLVE, "webhook"));
        String rollbackId = v.verdictId() + ":rollback:github";
        assertThat(actions).extracting(Action::type, Action::target, Action::phase).containsExactly(
                org.assertj.core.groups.Tuple.tuple(ActionType.ALERT, "webhook", ActionPhase.SUCCEEDED),
                org.assertj.core.groups.Tuple.tuple(ActionType.ROLLBACK, "github", ActionPhase.REQUESTED),
                org.assertj.core.groups.Tuple.tuple(ActionType.ROLLBACK, "github", ActionPhase.SUCCEEDED),
                org.assertj.core.groups.Tuple.tuple(ActionType.RESOLVE, "webhook", ActionPhase.SUCCEEDED));
        Action rolledBack = outcome(actions, ActionType.ROLLBACK, "github");
        assertThat(rolledBack.actionId()).isEqualTo(rollbackId);
        assertThat(rolledBack.rollbackTo()).isEqualTo(good);
        assertThat(rolledBack.detail()).isEqualTo("GitHub deployment 1000 of " + sha('a') + " to production created");

        List<RecordingHttpServer.Received> calls = github.server().received().stream()
                .filter(r -> r.path().equals("/repos/acme/payments/deployments")).toList();
        assertThat(calls).extracting(RecordingHttpServer.Received::method).containsExactly("GET", "POST");
        assertThat(calls.get(0).query()).isEqualTo("sha=" + sha('a') + "&environment=production&per_page=100");
        RecordingHttpServer.Received create = calls.get(1);
        assertThat(create.header("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(create.header("Accept")).isEqualTo("application/vnd.github+json");
        assertThat(create.header("X-GitHub-Api-Version")).isEqualTo("2022-11-28");
        JsonNode body = Json.mapper().readTree(create.body());
        assertThat(body.get("ref").asText()).isEqualTo(sha('a'));
        assertThat(body.get("task").asText()).isEqualTo("deploy");
        assertThat(body.get("auto_merge").asBoolean()).isFalse();
        assertThat(body.get("required_contexts").isArray() && body.get("required_contexts").isEmpty()).isTrue();
        assertThat(body.get("environment").asText()).isEqualTo("production");
        assertThat(body.get("description").asText()).hasSizeLessThanOrEqualTo(140)
                .startsWith("Oversight: roll back payments to its last compliant version");
        JsonNode payload = body.get("payload");
        assertThat(payload.get("rollback_of").asText()).isEqualTo(v.deployId());
        assertThat(payload.get("service").asText()).isEqualTo("payments");
        assertThat(payload.at("/oversight/idempotencyKey").asText()).isEqualTo(rollbackId);
        assertThat(payload.at("/oversight/badSha").asText()).isEqualTo(sha('b'));
        assertThat(payload.at("/oversight/goodSha").asText()).isEqualTo(sha('a'));
        assertThat(payload.at("/oversight/goodDeployId").asText()).isEqualTo(good.deployId());

        List<JsonNode> told = hookBodies(v.deployId(), 2);
        assertThat(told.get(0).get("note").asText()).isEqualTo("Rolling back to aaaaaaa (deploy " + good.deployId()
                + ", compliant, deployed " + good.deployedAt() + ") through github.");
        assertThat(told.get(1).get("type").asText()).isEqualTo("resolve");
        assertThat(told.get(1).get("summary").asText()).isEqualTo("Resolved: deploy of payments to production "
                + "(bbbbbbb) — rolled back to aaaaaaa, the last compliant version (deploy " + good.deployId() + ")");
        assertThat(harness.registry().get(WorkerMeters.ROLLBACKS).tags("executor", "github", "outcome", "succeeded")
                .counters().stream().mapToDouble(io.micrometer.core.instrument.Counter::count).sum()).isEqualTo(1);
        assertThat(harness.registry().get(WorkerMeters.ACTION_LATENCY).tags("action", "rollback").timer().count())
                .isEqualTo(1);
        assertThat(awaitGauge("payments", 0)).isEqualTo(0);
    }

    @Test
    void withoutACompliantVersionOnRecordItAlertsNoSafeTargetInsteadOfRollingBack() throws Exception {
        Verdict v = violation("github:acme/ledger", "ledger", "production", 310, sha('c'), now());
        harness.verdict(v);
        List<Action> actions = harness.awaitActions(v.deployId(), list -> has(list, ActionType.ROLLBACK, "github"));
        Action skipped = outcome(actions, ActionType.ROLLBACK, "github");
        assertThat(skipped.phase()).isEqualTo(ActionPhase.SKIPPED);
        assertThat(skipped.reason()).isEqualTo("NO_SAFE_TARGET");
        assertThat(skipped.detail()).isEqualTo("no compliant version of ledger in production is on record to go back to");
        assertThat(hookBodies(v.deployId(), 1).get(0).get("note").asText())
                .isEqualTo("Not rolled back: no compliant version of ledger in production is on record to go back to.");
        assertThat(github.server().received()).noneMatch(r -> r.path().startsWith("/repos/acme/ledger"));
        assertThat(awaitGauge("ledger", 1)).as("the violation stays open").isEqualTo(1);
    }

    @Test
    void aDeployThatANewerOneAlreadyReplacedIsNotRolledBack() throws Exception {
        harness.lastGood(lastGood("github:acme/search", "search", "production", 320, sha('d'), now().minusSeconds(7200)));
        Verdict newer = Fixtures.pending("github:acme/search", "search", "production", 322, sha('f'), now());
        harness.verdict(newer);
        Verdict v = violation("github:acme/search", "search", "production", 321, sha('e'), now().minusSeconds(30));
        harness.verdict(v);
        List<Action> actions = harness.awaitActions(v.deployId(), list -> has(list, ActionType.ROLLBACK, "github"));
        Action skipped = outcome(actions, ActionType.ROLLBACK, "github");
        assertThat(skipped.phase()).isEqualTo(ActionPhase.SKIPPED);
        assertThat(skipped.reason()).isEqualTo("SUPERSEDED");
        assertThat(skipped.detail()).isEqualTo("deploy " + newer.deployId() + " has already replaced it");
        assertThat(github.server().received()).noneMatch(r -> r.path().startsWith("/repos/acme/search"));
    }

    @Test
    void aDryRunRecordsExactlyTheRequestsItWouldHaveSentAndSendsNothing() throws Exception {
        LastGood good = lastGood("github:acme/payments", "payments", "canary", 330, sha('1'), now().minusSeconds(600));
        harness.lastGood(good);
        Verdict v = violation("github:acme/payments", "payments", "canary", 331, sha('2'), now());
        harness.verdict(v);
        List<Action> actions = harness.awaitActions(v.deployId(), list -> has(list, ActionType.ROLLBACK, "github"));
        assertThat(actions).allSatisfy(a -> {
            assertThat(a.dryRun()).isTrue();
            assertThat(a.phase()).isEqualTo(ActionPhase.SKIPPED);
            assertThat(a.reason()).isEqualTo("DRY_RUN");
        });
        Action rollback = outcome(actions, ActionType.ROLLBACK, "github");
        assertThat(rollback.request().method()).isEqualTo("POST");
        assertThat(rollback.request().url()).isEqualTo(github.url() + "/repos/acme/payments/deployments");
        JsonNode wouldSend = Json.mapper().readTree(rollback.request().body());
        assertThat(wouldSend.get("ref").asText()).isEqualTo(sha('1'));
        assertThat(wouldSend.get("environment").asText()).isEqualTo("canary");
        assertThat(wouldSend.at("/payload/rollback_of").asText()).isEqualTo(v.deployId());
        Action alert = outcome(actions, ActionType.ALERT, "webhook");
        assertThat(Json.mapper().readTree(alert.request().body()).get("note").asText())
                .startsWith("Dry-run: would roll back to 1111111");
        assertThat(hook.received()).noneMatch(r -> r.body().contains(v.deployId()));
        assertThat(github.deployments()).noneMatch(d -> d.get("environment").asText().equals("canary"));
        assertThat(harness.registry().get(WorkerMeters.ROLLBACKS).tags("outcome", "dry_run").counter().count())
                .isEqualTo(1);
    }

    /** Waits for the open-violations gauge of a production service to show the value (it refreshes every 5 s). */
    private static double awaitGauge(String service, double value) {
        return Await.until("open violations of " + service + " to be " + value, () -> {
            Gauge gauge = harness.registry().find(WorkerMeters.OPEN_VIOLATIONS)
                    .tags("environment", "production", "service", service).gauge();
            return gauge == null ? Double.NaN : gauge.value();
        }, seen -> seen == value, WAIT);
    }
}
