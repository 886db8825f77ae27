package dev.oversight.rollback;

import static dev.oversight.rollback.Fixtures.sha;
import static dev.oversight.rollback.WorkerHarness.WAIT;
import static dev.oversight.rollback.WorkerHarness.has;
import static dev.oversight.rollback.WorkerHarness.outcome;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.events.Action;
import dev.oversight.events.Action.ActionPhase;
import dev.oversight.events.Action.ActionType;
import dev.oversight.events.Verdict;
import dev.oversight.events.json.Json;
import dev.oversight.runtime.http.RecordingHttpServer;
import dev.oversight.testing.kafka.RealKafka;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rollbacks through Argo CD's REST API on a stub, with a policy that rolls back without alerting: a sync to the last
 * good revision, and a refused sync that is alerted instead and set aside on the dead-letter topic.
 */
@ExtendWith(RealKafka.class)
class ArgoCdRollbackIT {

    private static final String TOKEN = "argocd-api-token";

    @TempDir
    static Path dir;
    private static WorkerHarness harness;
    private static RecordingHttpServer argo;
    private static RecordingHttpServer hook;

    @BeforeAll
    static void start() throws Exception {
        argo = RecordingHttpServer.start().respond(r -> {
            if (r.path().startsWith("/api/v1/applications/ledger-prod/sync")) {
                return new RecordingHttpServer.Reply(403, "{\"error\":\"permission denied\",\"code\":7,"
                        + "\"message\":\"permission denied: applications, sync, default/ledger-prod\"}");
            }
            if (r.method().equals("GET")) {
                return new RecordingHttpServer.Reply(200, "{\"metadata\":{\"name\":\"app\"},\"status\":{\"sync\":"
                        + "{\"status\":\"Synced\",\"revision\":\"" + sha('9') + "\"}}}");
            }
            return new RecordingHttpServer.Reply(200, "{\"metadata\":{\"name\":\"app\"}}");
        });
        hook = RecordingHttpServer.start();
        harness = new WorkerHarness("argocd", dir);
        harness.start(harness.settings("""
                name: argocd-it
                environments:
                  production: { protected: true, action: rollback }
                services:
                  - { name: payments, repository: "github:acme/payments", rollback: { executor: argocd, application: payments-prod } }
                  - { name: ledger, repository: "github:acme/ledger", rollback: { executor: argocd, application: ledger-prod } }
                """, Map.of(
                "OVERSIGHT_ARGOCD_URL", argo.url("").toString(),
                "OVERSIGHT_ARGOCD_TOKEN", TOKEN,
                "OVERSIGHT_ALERT_WEBHOOK_URL", hook.url("/hook").toString())));
    }

    @AfterAll
    static void stop() {
        harness.close();
        argo.close();
        hook.close();
    }

    @Test
    void syncsTheApplicationToTheLastGoodRevisionAndAlertsNobodyWhenPolicyOnlyRollsBack() throws Exception {
        Verdict v = harness.violationAfterGood("github:acme/payments", "payments", "production", 401, 'a', 'b');
        List<Action> actions = harness.awaitActions(v.deployId(), list -> has(list, ActionType.RESOLVE, "webhook"));
        Action rollback = outcome(actions, ActionType.ROLLBACK, "argocd");
        assertThat(rollback.phase()).isEqualTo(ActionPhase.SUCCEEDED);
        assertThat(rollback.detail()).isEqualTo("Argo CD sync of payments-prod to " + sha('a') + " started");
        assertThat(actions).noneMatch(a -> a.type() == ActionType.ALERT);
        assertThat(outcome(actions, ActionType.RESOLVE, "webhook").reason()).isEqualTo("NOTHING_OPEN");
        assertThat(hook.received()).noneMatch(r -> r.body().contains(v.deployId()));

        List<RecordingHttpServer.Received> calls = argo.received().stream()
                .filter(r -> r.path().startsWith("/api/v1/applications/payments-prod")).toList();
        assertThat(calls).extracting(RecordingHttpServer.Received::method, RecordingHttpServer.Received::path)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("GET", "/api/v1/applications/payments-prod"),
                        org.assertj.core.groups.Tuple.tuple("POST", "/api/v1/applications/payments-prod/sync"));
        RecordingHttpServer.Received sync = calls.get(1);
        assertThat(sync.header("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(sync.header("Content-Type")).isEqualTo("application/json");
        assertThat(Json.mapper().readTree(sync.body())).isEqualTo(Json.mapper().readTree("{\"name\":\"payments-prod\","
                + "\"revision\":\"" + sha('a') + "\",\"prune\":false,\"dryRun\":false}"));
    }

    @Test
    void aSyncArgoCdRefusesIsAlertedInsteadAndSetAside() throws Exception {
        Verdict v = harness.violationAfterGood("github:acme/ledger", "ledger", "production", 411, 'c', 'd');
        List<Action> actions = harness.awaitActions(v.deployId(), list -> has(list, ActionType.ALERT, "webhook"));
        Action rollback = outcome(actions, ActionType.ROLLBACK, "argocd");
        assertThat(rollback.phase()).isEqualTo(ActionPhase.FAILED);
        assertThat(rollback.reason()).isEqualTo("ROLLBACK_FAILED");
        assertThat(rollback.attempt()).as("a 403 is not retried").isEqualTo(1);
        assertThat(rollback.detail()).startsWith("HTTP 403: {\"error\":\"permission denied\"");

        JsonNode alert = Json.mapper().readTree(hook.await(list -> list.stream()
                .anyMatch(r -> r.body().contains(v.deployId())), WAIT).stream()
                .filter(r -> r.body().contains(v.deployId())).findFirst().orElseThrow().body());
        assertThat(alert.get("type").asText()).isEqualTo("alert");
        assertThat(alert.get("note").asText()).startsWith("Rollback through argocd did not happen or may not have: "
                + "HTTP 403").endsWith("Roll back by hand.");
        assertThat(harness.awaitDeadLetters(list -> list.stream().anyMatch(d -> d.value().contains(rollback.actionId()))))
                .anySatisfy(d -> assertThat(d.error()).startsWith("HTTP 403"));
        assertThat(argo.received().stream().filter(r -> r.path().equals("/api/v1/applications/ledger-prod/sync")))
                .hasSize(1);
    }
}
