package dev.oversight.rollback;

import static dev.oversight.rollback.Fixtures.lastGood;
import static dev.oversight.rollback.Fixtures.sha;
import static dev.oversight.rollback.Fixtures.violation;
import static dev.oversight.rollback.WorkerHarness.has;
import static dev.oversight.rollback.WorkerHarness.outcome;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.events.Action;
import dev.oversight.events.Action.ActionPhase;
import dev.oversight.events.Action.ActionType;
import dev.oversight.events.Verdict;
import dev.oversight.events.json.Json;
import dev.oversight.rollback.alert.WebhookSink;
import dev.oversight.runtime.http.RecordingHttpServer;
import dev.oversight.testing.kafka.RealKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits on rollbacks, on a real broker: the storm limit (with the command executor) and the circuit breaker
 * (with the signed webhook executor against a deployer that keeps failing).
 */
@ExtendWith(RealKafka.class)
class RollbackSafetyIT {

    private static final String ROLLBACK_SECRET = "rollback-signing-secret";

    @TempDir
    static Path dir;
    private static WorkerHarness harness;
    private static RecordingHttpServer deployer;
    private static RecordingHttpServer hook;
    private static Path ran;

    @BeforeAll
    static void start() throws Exception {
        deployer = RecordingHttpServer.start().respond(r -> new RecordingHttpServer.Reply(503, "deployer is down"));
        hook = RecordingHttpServer.start();
        ran = dir.resolve("rollbacks.log");
        Path script = Files.writeString(dir.resolve("rollback.sh"), """
                #!/bin/sh
                echo "$OVERSIGHT_SERVICE $OVERSIGHT_ENVIRONMENT $OVERSIGHT_BAD_SHA $OVERSIGHT_GOOD_SHA $OVERSIGHT_IDEMPOTENCY_KEY" >> "$1"
                echo "rolled back $OVERSIGHT_SERVICE to $OVERSIGHT_GOOD_SHA"
                """);
        script.toFile().setExecutable(true);
        harness = new WorkerHarness("safety", dir);
        harness.start(harness.settings("""
                name: safety-it
                environments:
                  production: { protected: true, action: alert+rollback }
                services:
                  - { name: batch, repository: "github:acme/batch", rollback: { executor: command, argv: ["%s", "%s"] } }
                  - { name: queue-1, repository: "github:acme/queue", rollback: { executor: webhook, url: "%s" } }
                  - { name: queue-2, repository: "github:acme/queue", rollback: { executor: webhook, url: "%s" } }
                  - { name: queue-3, repository: "github:acme/queue", rollback: { executor: webhook, url: "%s" } }
                """.formatted(script, ran, deployer.url("/rollback"), deployer.url("/rollback"),
                deployer.url("/rollback")), Map.of(
                "OVERSIGHT_ROLLBACK_STORM_LIMIT", "1",
                "OVERSIGHT_ROLLBACK_BREAKER_FAILURES", "2",
                "OVERSIGHT_ROLLBACK_BREAKER_COOLDOWN", "1h",
                "OVERSIGHT_WORKER_RETRIES", "1",
                "OVERSIGHT_ROLLBACK_WEBHOOK_SECRET", ROLLBACK_SECRET,
                "OVERSIGHT_ALERT_WEBHOOK_URL", hook.url("/hook").toString())));
    }

    @AfterAll
    static void stop() {
        harness.close();
        deployer.close();
        hook.close();
    }

    @Test
    void afterTheStormLimitAServiceIsAlertedNotRolledBack() throws Exception {
        Verdict first = harness.violationAfterGood("github:acme/batch", "batch", "production", 501, 'a', 'b');
        Action done = outcome(harness.awaitActions(first.deployId(), list -> has(list, ActionType.ROLLBACK, "command")),
                ActionType.ROLLBACK, "command");
        assertThat(done.phase()).isEqualTo(ActionPhase.SUCCEEDED);
        assertThat(done.detail()).isEqualTo("exit 0: rolled back batch to " + sha('a'));
        assertThat(done.request().method()).isEqualTo("exec");
        assertThat(Json.mapper().readTree(done.request().body()).get("OVERSIGHT_GOOD_SHA").asText()).isEqualTo(sha('a'));

        Verdict second = violation("github:acme/batch", "batch", "production", 502, sha('c'), Instant.now());
        harness.verdict(second);
        List<Action> actions = harness.awaitActions(second.deployId(), list -> has(list, ActionType.ROLLBACK, "command"));
        Action limited = outcome(actions, ActionType.ROLLBACK, "command");
        assertThat(limited.phase()).isEqualTo(ActionPhase.SKIPPED);
        assertThat(limited.reason()).isEqualTo("STORM_LIMIT");
        assertThat(outcome(actions, ActionType.ALERT, "webhook").request().body())
                .contains("Not rolled back: batch was already rolled back 1 times in the last hour (limit 1).");
        assertThat(Files.readAllLines(ran)).containsExactly("batch production " + sha('b') + " " + sha('a') + " "
                + first.verdictId() + ":rollback:command");
    }

    @Test
    void anExecutorThatKeepsFailingIsNoLongerCalledOnceItsBreakerOpens() throws Exception {
        for (int i = 1; i <= 3; i++) {
            harness.lastGood(lastGood("github:acme/queue", "queue-" + i, "production", 510, sha('d'),
                    Instant.now().minusSeconds(3600)));
        }
        for (int i = 1; i <= 2; i++) {
            Verdict v = violation("github:acme/queue", "queue-" + i, "production", 510 + i, sha('e'), Instant.now());
            harness.verdict(v);
            List<Action> actions = harness.awaitActions(v.deployId(),
                    list -> has(list, ActionType.ROLLBACK, "webhook") && has(list, ActionType.NOTICE, "webhook/webhook"));
            Action failed = outcome(actions, ActionType.ROLLBACK, "webhook");
            assertThat(failed.phase()).isEqualTo(ActionPhase.FAILED);
            assertThat(failed.reason()).isEqualTo("ROLLBACK_FAILED");
            assertThat(failed.attempt()).as("one retry after a 503").isEqualTo(2);
            assertThat(failed.detail()).isEqualTo("HTTP 503: deployer is down");
            harness.awaitDeadLetters(list -> list.stream().anyMatch(d -> d.value().contains(failed.actionId())));
        }
        Verdict third = violation("github:acme/queue", "queue-3", "production", 513, sha('f'), Instant.now());
        harness.verdict(third);
        Action open = outcome(harness.awaitActions(third.deployId(), list -> has(list, ActionType.ROLLBACK, "webhook")),
                ActionType.ROLLBACK, "webhook");
        assertThat(open.phase()).isEqualTo(ActionPhase.SKIPPED);
        assertThat(open.reason()).isEqualTo("CIRCUIT_OPEN");
        assertThat(deployer.received()).hasSize(4).noneMatch(r -> r.body().contains(third.deployId()));
        assertThat(harness.registry().get(WorkerMeters.BREAKER_OPEN).tags("executor", "webhook").gauge().value())
                .isEqualTo(1);

        RecordingHttpServer.Received call = deployer.received().get(0);
        assertThat(call.header(WebhookSink.SIGNATURE_HEADER))
                .isEqualTo(WebhookSink.sign(ROLLBACK_SECRET, call.body().getBytes(StandardCharsets.UTF_8)));
        assertThat(call.header("Idempotency-Key")).endsWith(":rollback:webhook");
        assertThat(call.header("X-Oversight-Event")).isEqualTo("rollback");
        JsonNode body = Json.mapper().readTree(call.body());
        assertThat(body.get("type").asText()).isEqualTo("rollback");
        assertThat(body.get("goodSha").asText()).isEqualTo(sha('d'));
        assertThat(body.get("badSha").asText()).isEqualTo(sha('e'));
        assertThat(body.get("idempotencyKey").asText()).isEqualTo(call.header("Idempotency-Key"));
    }
}
