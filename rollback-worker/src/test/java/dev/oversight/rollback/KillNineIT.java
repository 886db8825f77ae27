package dev.oversight.rollback;

import static dev.oversight.rollback.Fixtures.sha;
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
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker in a JVM of its own ({@code RollbackWorkerMain}), killed with SIGKILL while the executor holds the
 * rollback request open, then started again: exactly one rollback request reached the executor, and the action
 * journal says what happened.
 */
@ExtendWith(RealKafka.class)
class KillNineIT {

    private static final Duration SLOW = Duration.ofMinutes(3);

    @TempDir
    Path dir;

    private Map<String, String> env(WorkerHarness harness, String policy, Map<String, String> extra) throws Exception {
        Map<String, String> env = new HashMap<>(harness.settings(policy, extra));
        // A restarted worker gets the dead one's partitions once the group gives up on it: 6 s, the broker's minimum.
        env.put("OVERSIGHT_KAFKA_SESSION_TIMEOUT_MS", "6000");
        // The executor stub holds the request far longer than a normal call would take.
        env.put("OVERSIGHT_WORKER_HTTP_TIMEOUT", "5m");
        return env;
    }

    private Process startWorker(Map<String, String> env, String name) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "dev.oversight.rollback.RollbackWorkerMain")
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("OVERSIGHT_") || k.startsWith("KAFKA_"));
        builder.environment().putAll(env);
        return builder.start();
    }

    private static void kill(Process worker) throws InterruptedException {
        worker.destroyForcibly();
        assertThat(worker.waitFor(30, TimeUnit.SECONDS)).as("killed").isTrue();
    }

    private static void stop(Process worker) throws InterruptedException {
        worker.destroy();
        if (!worker.waitFor(60, TimeUnit.SECONDS)) {
            worker.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The rollback's intent is on record and its outcome is not: the worker is in the middle of it. */
    private static void assertInTheMiddle(WorkerHarness harness, Verdict v, String executor) {
        List<Action> before = harness.awaitActions(v.deployId(), list -> list.stream().anyMatch(a ->
                a.type() == ActionType.ROLLBACK && a.phase() == ActionPhase.REQUESTED));
        assertThat(before).filteredOn(a -> a.type() == ActionType.ROLLBACK).extracting(Action::target, Action::phase)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(executor, ActionPhase.REQUESTED));
    }

    @Test
    void killedInTheMiddleOfAGitHubRollbackItFindsItsDeploymentAndCreatesNoSecond() throws Exception {
        try (WorkerHarness harness = new WorkerHarness("kill-github", dir); FakeGitHub github = new FakeGitHub();
             RecordingHttpServer hook = RecordingHttpServer.start()) {
            Map<String, String> env = env(harness, """
                    name: kill-it
                    environments:
                      production: { protected: true, action: alert+rollback }
                    services:
                      - { name: payments, repository: "github:acme/payments", rollback: { executor: github } }
                    """, Map.of("OVERSIGHT_GITHUB_TOKEN", "ghs_kill", "OVERSIGHT_GITHUB_API_URL", github.url().toString(),
                    "OVERSIGHT_ALERT_WEBHOOK_URL", hook.url("/hook").toString()));
            Verdict v = harness.violationAfterGood("github:acme/payments", "payments", "production", 601, 'a', 'b');
            github.holdCreates();

            Process first = startWorker(env, "first");
            assertThat(github.awaitCreate(SLOW.toSeconds())).as("the rollback request reached GitHub").isTrue();
            assertInTheMiddle(harness, v, "github");
            kill(first);
            github.release();

            Process second = startWorker(env, "second");
            try {
                List<Action> after = harness.awaitActions(v.deployId(), list -> has(list, ActionType.RESOLVE, "webhook"));
                assertThat(after).filteredOn(a -> a.type() == ActionType.ROLLBACK).extracting(Action::phase)
                        .containsExactly(ActionPhase.REQUESTED, ActionPhase.SUCCEEDED);
                assertThat(outcome(after, ActionType.ROLLBACK, "github").detail()).isEqualTo("GitHub deployment 1000 of "
                        + sha('a') + " to production was already created for this rollback");
                List<RecordingHttpServer.Received> calls = github.server().await(list -> list.stream()
                        .anyMatch(r -> r.method().equals("POST")), SLOW);
                assertThat(calls).filteredOn(r -> r.method().equals("POST")).as("rollback requests").hasSize(1);
                assertThat(calls).filteredOn(r -> r.method().equals("GET")).as("looked before creating, twice")
                        .hasSize(2);
                assertThat(github.deployments()).hasSize(1);
                assertThat(hook.received()).filteredOn(r -> r.body().contains(v.deployId()))
                        .extracting(r -> r.header("X-Oversight-Event")).as("one alert, one resolution")
                        .containsExactly("alert", "resolve");
            } finally {
                stop(second);
            }
        }
    }

    @Test
    void killedInTheMiddleOfAWebhookRollbackItDoesNotRepeatItAndTellsHumans() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (WorkerHarness harness = new WorkerHarness("kill-webhook", dir);
             RecordingHttpServer deployer = RecordingHttpServer.start();
             RecordingHttpServer hook = RecordingHttpServer.start()) {
            deployer.respond(r -> {
                arrived.countDown();
                try {
                    release.await(5, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new RecordingHttpServer.Reply(202, "{\"accepted\":true}");
            });
            Map<String, String> env = env(harness, """
                    name: kill-it
                    environments:
                      production: { protected: true, action: alert+rollback }
                    services:
                      - { name: payments, repository: "github:acme/payments", rollback: { executor: webhook, url: "%s" } }
                    """.formatted(deployer.url("/rollback")), Map.of("OVERSIGHT_ROLLBACK_WEBHOOK_SECRET", "kill-secret",
                    "OVERSIGHT_ALERT_WEBHOOK_URL", hook.url("/hook").toString()));
            Verdict v = harness.violationAfterGood("github:acme/payments", "payments", "production", 611, 'c', 'd');

            Process first = startWorker(env, "first");
            assertThat(arrived.await(SLOW.toSeconds(), TimeUnit.SECONDS)).as("the rollback request reached the deployer")
                    .isTrue();
            assertInTheMiddle(harness, v, "webhook");
            kill(first);
            release.countDown();

            Process second = startWorker(env, "second");
            try {
                List<Action> after = harness.awaitActions(v.deployId(), list -> has(list, ActionType.NOTICE,
                        "webhook/webhook"));
                Action rollback = outcome(after, ActionType.ROLLBACK, "webhook");
                assertThat(rollback.phase()).isEqualTo(ActionPhase.FAILED);
                assertThat(rollback.reason()).isEqualTo("OUTCOME_UNKNOWN");
                assertThat(rollback.detail()).isEqualTo("the worker stopped while the request was being made, and the "
                        + "deployer behind the webhook cannot be asked whether it received the request; it was not "
                        + "repeated");
                assertThat(deployer.await(list -> !list.isEmpty(), SLOW)).as("rollback requests").hasSize(1);
                assertThat(harness.awaitDeadLetters(list -> list.stream()
                        .anyMatch(d -> d.value().contains(rollback.actionId())))).isNotEmpty();
                assertThat(hook.await(list -> list.stream().anyMatch(r -> "notice".equals(r.header("X-Oversight-Event"))
                        && r.body().contains(v.deployId())), SLOW)).filteredOn(r -> r.body().contains(v.deployId()))
                        .extracting(r -> r.header("X-Oversight-Event")).containsExactly("alert", "notice");
            } finally {
                stop(second);
            }
        }
    }
}
