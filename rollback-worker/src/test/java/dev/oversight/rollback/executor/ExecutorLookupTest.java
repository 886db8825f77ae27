package dev.oversight.rollback.executor;

import dev.oversight.policy.rules.RollbackTarget;

import static dev.oversight.rollback.Fixtures.lastGood;
import static dev.oversight.rollback.Fixtures.sha;
import static dev.oversight.rollback.Fixtures.violation;
import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.rollback.delivery.HttpSender;
import dev.oversight.runtime.http.RecordingHttpServer;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How GitHub and Argo CD find a rollback an interrupted worker already requested, before requesting it again. */
class ExecutorLookupTest {

    private static final Instant INTENT = Instant.parse("2026-11-24T10:00:00Z");
    private final RecordingHttpServer server = RecordingHttpServer.start();
    private final HttpSender http = new HttpSender(Duration.ofSeconds(5));

    @AfterEach
    void stop() {
        server.close();
    }

    private static RollbackJob job(RollbackTarget settings) {
        return new RollbackJob("v@2:rollback:" + settings.executor(), violation("github:acme/pay", "pay", "production",
                2, sha('b'), INTENT), lastGood("github:acme/pay", "pay", "production", 1, sha('a'), INTENT),
                settings, INTENT);
    }

    private long posts() {
        return server.received().stream().filter(r -> r.method().equals("POST")).count();
    }

    @Test
    void gitHubAdoptsADeploymentWhosePayloadCarriesTheIdempotencyKeyEvenAsAString() throws Exception {
        RollbackJob job = job(new RollbackTarget.GitHub("acme", "pay", null));
        server.respond(r -> new RecordingHttpServer.Reply(200, "[{\"id\":7,\"payload\":\"{\\\"oversight\\\":"
                + "{\\\"idempotencyKey\\\":\\\"other\\\"}}\"},{\"id\":8,\"payload\":\"{\\\"oversight\\\":"
                + "{\\\"idempotencyKey\\\":\\\"v@2:rollback:github\\\"}}\"}]"));
        assertThat(new GitHubExecutor(server.url(""), "t", http).execute(job))
                .isEqualTo("GitHub deployment 8 of " + sha('a') + " to production was already created for this rollback");
        assertThat(posts()).isZero();
    }

    @Test
    void gitHubCreatesOneWhenNoneOfTheDeploymentsIsThisRollback() throws Exception {
        RollbackJob job = job(new RollbackTarget.GitHub("acme", "pay", "prod-eu"));
        server.respond(r -> r.method().equals("GET")
                ? new RecordingHttpServer.Reply(200, "[{\"id\":7,\"payload\":{}}]")
                : new RecordingHttpServer.Reply(201, "{\"id\":9}"));
        assertThat(new GitHubExecutor(server.url(""), "t", http).execute(job))
                .isEqualTo("GitHub deployment 9 of " + sha('a') + " to prod-eu created");
        assertThat(server.received().get(0).query()).contains("environment=prod-eu");
        assertThat(posts()).isEqualTo(1);
    }

    private static String application(String operationRevision, String startedAt, String syncedRevision) {
        return "{\"status\":{\"sync\":{\"status\":\"Synced\",\"revision\":\"" + syncedRevision + "\"},"
                + "\"operationState\":{\"phase\":\"Running\",\"startedAt\":\"" + startedAt + "\","
                + "\"operation\":{\"sync\":{\"revision\":\"" + operationRevision + "\"}}}}}";
    }

    @Test
    void argoCdAdoptsASyncToTheGoodRevisionStartedSinceTheIntent() throws Exception {
        RollbackJob job = job(new RollbackTarget.ArgoCd("pay-prod", null));
        server.respond(r -> new RecordingHttpServer.Reply(200, application(sha('a'), INTENT.plusSeconds(2).toString(),
                sha('b'))));
        assertThat(new ArgoCdExecutor(server.url(""), "t", http).execute(job))
                .isEqualTo("Argo CD sync of pay-prod to " + sha('a') + " already started (Running)");
        assertThat(posts()).isZero();
    }

    @Test
    void argoCdSyncsWhenTheOnlySyncToThatRevisionIsFromBeforeTheIntent() throws Exception {
        RollbackJob job = job(new RollbackTarget.ArgoCd("pay-prod", "apps"));
        server.respond(r -> r.method().equals("GET")
                ? new RecordingHttpServer.Reply(200, application(sha('a'), INTENT.minusSeconds(3600).toString(),
                sha('b')))
                : new RecordingHttpServer.Reply(200, "{}"));
        assertThat(new ArgoCdExecutor(server.url(""), "t", http).execute(job))
                .isEqualTo("Argo CD sync of pay-prod to " + sha('a') + " started");
        assertThat(server.received().get(0).query()).isEqualTo("appNamespace=apps");
        assertThat(posts()).isEqualTo(1);
    }

    @Test
    void argoCdDoesNothingForAnApplicationAlreadyAtTheGoodRevision() throws Exception {
        RollbackJob job = job(new RollbackTarget.ArgoCd("pay-prod", null));
        server.respond(r -> new RecordingHttpServer.Reply(200, application(sha('c'), INTENT.minusSeconds(60).toString(),
                sha('a'))));
        assertThat(new ArgoCdExecutor(server.url(""), "t", http).execute(job))
                .isEqualTo("Argo CD application pay-prod is already at " + sha('a'));
        assertThat(posts()).isZero();
    }

    @Test
    void theWebhookAndCommandExecutorsCannotTellAndNeverRepeat() throws Exception {
        assertThat(new WebhookExecutor("s", http).lookup(job(new RollbackTarget.Webhook(server.url("/r")))).state())
                .isEqualTo(RollbackExecutor.Lookup.State.CANNOT_TELL);
        assertThat(new WebhookExecutor("s", http).repeatable()).isFalse();
        assertThat(new CommandExecutor(Duration.ofSeconds(1)).repeatable()).isFalse();
    }
}
