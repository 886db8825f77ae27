package dev.oversight.ingest.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oversight.events.ChangeAction;
import dev.oversight.events.ChangeEvent;
import dev.oversight.events.CiResult;
import dev.oversight.events.DeployEvent;
import dev.oversight.events.Evidence;
import dev.oversight.events.PushEvent;
import dev.oversight.events.ReviewEvent;
import dev.oversight.events.ReviewState;
import dev.oversight.events.json.Json;
import dev.oversight.ingest.MalformedPayloadException;
import dev.oversight.ingest.Normalized;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** GitHub's own example payloads (test resources github/hub4j), normalized field by field. */
class GitHubNormalizerTest {

    private static final Instant RECEIVED = Instant.parse("2026-11-24T08:00:00Z");

    static JsonNode payload(String file) {
        try (InputStream in = GitHubNormalizerTest.class.getResourceAsStream("/github/hub4j/" + file)) {
            return Json.mapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Evidence only(String event, String file) {
        Normalized normalized = GitHubNormalizer.normalize(event, "delivery-1", payload(file), RECEIVED);
        assertThat(normalized).isInstanceOf(Normalized.Accepted.class);
        Normalized.Accepted accepted = (Normalized.Accepted) normalized;
        assertThat(accepted.evidence()).hasSize(1);
        Evidence evidence = accepted.evidence().get(0);
        assertThat(evidence.repository()).isEqualTo(accepted.repository());
        assertThat(evidence.deliveryId()).isEqualTo("delivery-1");
        return evidence;
    }

    @Test
    void pullRequestOpened() {
        ChangeEvent e = (ChangeEvent) only("pull_request", "pull_request.json");
        assertThat(e.repository()).isEqualTo("github:baxterthehacker/public-repo");
        assertThat(e.action()).isEqualTo(ChangeAction.OPENED);
        assertThat(e.changeId()).isEqualTo("github:baxterthehacker/public-repo#1");
        assertThat(e.author().login()).isEqualTo("baxterthehacker");
        assertThat(e.author().bot()).isFalse();
        assertThat(e.headSha()).isEqualTo("0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c");
        assertThat(e.headBranch()).isEqualTo("changes");
        assertThat(e.baseBranch()).isEqualTo("main");
        assertThat(e.mergeSha()).isNull();
        assertThat(e.occurredAt()).isEqualTo(Instant.parse("2015-05-05T23:40:27Z"));
    }

    @Test
    void mergeCommitShaOfAnUnmergedPullRequestIsNotItsMerge() {
        JsonNode body = payload("pull_request_labeled.json");
        assertThat(body.at("/pull_request/merge_commit_sha").asText()).isNotEmpty();
        ChangeEvent e = (ChangeEvent) only("pull_request", "pull_request_labeled.json");
        assertThat(e.action()).isEqualTo(ChangeAction.LABELED);
        assertThat(e.mergeSha()).isNull();
        assertThat(e.labels()).containsExactly("Ready for Review", "rest api");
    }

    @Test
    void closedAndMergedPullRequestCarriesItsMergeCommit() {
        ObjectNode body = (ObjectNode) payload("pull_request.json");
        body.put("action", "closed");
        ObjectNode pr = (ObjectNode) body.get("pull_request");
        pr.put("merged", true);
        pr.put("merge_commit_sha", "9049f1265b7d61be4a8904a9a27120d2064dab3b");
        pr.put("merged_at", "2015-05-06T10:00:00Z");
        pr.putObject("merged_by").put("login", "octocat").put("type", "User");
        Normalized.Accepted accepted = (Normalized.Accepted) GitHubNormalizer.normalize("pull_request", "d", body, RECEIVED);
        ChangeEvent e = (ChangeEvent) accepted.evidence().get(0);
        assertThat(e.action()).isEqualTo(ChangeAction.MERGED);
        assertThat(e.mergeSha()).isEqualTo("9049f1265b7d61be4a8904a9a27120d2064dab3b");
        assertThat(e.mergedBy().login()).isEqualTo("octocat");
        assertThat(e.occurredAt()).isEqualTo(Instant.parse("2015-05-06T10:00:00Z"));
    }

    @Test
    void reviewWithTheOlderUpperCaseState() {
        ReviewEvent e = (ReviewEvent) only("pull_request_review", "pull_request_review.json");
        assertThat(e.state()).isEqualTo(ReviewState.APPROVED);
        assertThat(e.reviewer().login()).isEqualTo("baxterthehacker");
        assertThat(e.changeAuthor().login()).isEqualTo("skalnik");
        assertThat(e.changeId()).isEqualTo("github:baxterthehacker/public-repo#8");
        assertThat(e.reviewId()).isEqualTo("2626884");
        assertThat(e.commitSha()).isEqualTo("b7a1f9c27caa4e03c14a88feb56e2d4f7500aa63");
        assertThat(e.occurredAt()).isEqualTo(Instant.parse("2016-10-03T23:39:09Z"));
    }

    @Test
    void reviewStatesInTodaysLowerCase() {
        for (String state : new String[] {"approved", "changes_requested", "commented"}) {
            ObjectNode body = (ObjectNode) dev.oversight.ingest.Payloads.octokit("pull_request_review").get(0);
            ((ObjectNode) body.get("review")).put("state", state);
            ReviewEvent e = (ReviewEvent) ((Normalized.Accepted) GitHubNormalizer.normalize("pull_request_review", "d",
                    body, RECEIVED)).evidence().get(0);
            assertThat(e.state()).isEqualTo(ReviewState.valueOf(state.toUpperCase(java.util.Locale.ROOT)));
            assertThat(e.reviewer().login()).isEqualTo("Codertocat");
        }
    }

    @Test
    void dismissedReview() {
        ObjectNode body = (ObjectNode) payload("pull_request_review.json");
        body.put("action", "dismissed");
        ((ObjectNode) body.get("review")).put("state", "dismissed");
        ReviewEvent e = (ReviewEvent) ((Normalized.Accepted) GitHubNormalizer.normalize("pull_request_review", "d",
                body, RECEIVED)).evidence().get(0);
        assertThat(e.state()).isEqualTo(ReviewState.DISMISSED);
        assertThat(e.reviewId()).isEqualTo("2626884");
        assertThat(e.occurredAt()).isEqualTo(RECEIVED);
    }

    @Test
    void pushWithItsCommitsAndFiles() {
        PushEvent e = (PushEvent) only("push", "push.json");
        assertThat(e.branch()).isEqualTo("changes");
        assertThat(e.before()).isEqualTo("9049f1265b7d61be4a8904a9a27120d2064dab3b");
        assertThat(e.after()).isEqualTo("0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c");
        assertThat(e.forced()).isFalse();
        assertThat(e.pusher().login()).isEqualTo("baxterthehacker");
        assertThat(e.commits()).singleElement().satisfies(c -> {
            assertThat(c.sha()).isEqualTo("0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c");
            assertThat(c.modified()).containsExactly("README.md");
            assertThat(c.author()).isEqualTo("baxterthehacker");
        });
    }

    @Test
    void checkRun() {
        CiResult e = (CiResult) only("check_run", "check-run.json");
        assertThat(e.repository()).isEqualTo("github:Codertocat/Hello-World");
        assertThat(e.system()).isEqualTo(CiResult.CiSystem.CHECK_RUN);
        assertThat(e.name()).isEqualTo("Octocoders-linter");
        assertThat(e.sha()).isEqualTo("ec26c3e57ca3a959ca5aad62de7213c562f8c821");
        assertThat(e.status()).isEqualTo(CiResult.CiStatus.COMPLETED);
        assertThat(e.conclusion()).isEqualTo(CiResult.CiConclusion.SUCCESS);
        assertThat(e.runId()).isEqualTo("128620228");
    }

    @Test
    void commitStatus() {
        CiResult e = (CiResult) only("status", "status.json");
        assertThat(e.system()).isEqualTo(CiResult.CiSystem.STATUS);
        assertThat(e.name()).isEqualTo("default");
        assertThat(e.sha()).isEqualTo("9049f1265b7d61be4a8904a9a27120d2064dab3b");
        assertThat(e.conclusion()).isEqualTo(CiResult.CiConclusion.SUCCESS);
    }

    @Test
    void workflowRun() {
        CiResult e = (CiResult) only("workflow_run", "workflow_run.json");
        assertThat(e.system()).isEqualTo(CiResult.CiSystem.WORKFLOW_RUN);
        assertThat(e.name()).isEqualTo("CI");
        assertThat(e.sha()).isEqualTo("dbea8d8b6ed2cf764dfd84a215f3f9040b3d4423");
        assertThat(e.attempt()).isEqualTo(1);
        assertThat(e.conclusion()).isEqualTo(CiResult.CiConclusion.SUCCESS);
    }

    @Test
    void aReRunOfAWorkflowCarriesItsAttempt() {
        ObjectNode body = (ObjectNode) payload("workflow_run.json");
        ((ObjectNode) body.get("workflow_run")).put("run_attempt", 2).put("conclusion", "failure");
        CiResult e = (CiResult) ((Normalized.Accepted) GitHubNormalizer.normalize("workflow_run", "d", body,
                RECEIVED)).evidence().get(0);
        assertThat(e.attempt()).isEqualTo(2);
        assertThat(e.runId()).isEqualTo(((CiResult) only("workflow_run", "workflow_run.json")).runId());
        assertThat(e.conclusion()).isEqualTo(CiResult.CiConclusion.FAILURE);
    }

    @Test
    void workflowJobThatFailed() {
        CiResult e = (CiResult) only("workflow_job", "workflow_job.json");
        assertThat(e.system()).isEqualTo(CiResult.CiSystem.WORKFLOW_JOB);
        assertThat(e.name()).isEqualTo("JVM Tests - JDK JDK16");
        assertThat(e.conclusion()).isEqualTo(CiResult.CiConclusion.FAILURE);
    }

    @Test
    void deploymentStatusSuccess() {
        DeployEvent e = (DeployEvent) only("deployment_status", "deployment_status.json");
        assertThat(e.deployId()).isEqualTo("github:baxterthehacker/public-repo/deployments/710692");
        assertThat(e.environment()).isEqualTo("production");
        assertThat(e.sha()).isEqualTo("9049f1265b7d61be4a8904a9a27120d2064dab3b");
        assertThat(e.state()).isEqualTo(DeployEvent.DeployState.SUCCEEDED);
        assertThat(e.deployer().login()).isEqualTo("baxterthehacker");
        assertThat(e.occurredAt()).isEqualTo(Instant.parse("2015-05-05T23:40:39Z"));
    }

    @Test
    void deploymentPayloadNamesTheServiceAndFlags() {
        ObjectNode body = (ObjectNode) payload("deployment.json");
        ((ObjectNode) body.get("deployment")).putObject("payload").put("service", "payments").put("emergency", true)
                .put("dry", false);
        DeployEvent e = (DeployEvent) ((Normalized.Accepted) GitHubNormalizer.normalize("deployment", "d", body,
                RECEIVED)).evidence().get(0);
        assertThat(e.state()).isEqualTo(DeployEvent.DeployState.REQUESTED);
        assertThat(e.service()).isEqualTo("payments");
        assertThat(e.flags()).containsExactly("emergency");
    }

    @Test
    void pingAndUnusedEventsAreIgnored() {
        assertThat(GitHubNormalizer.normalize("ping", "d", payload("ping.json"), RECEIVED))
                .isInstanceOf(Normalized.Ignored.class);
        assertThat(GitHubNormalizer.normalize("star", "d", payload("ping.json"), RECEIVED))
                .isInstanceOf(Normalized.Ignored.class);
    }

    @Test
    void saysWhichFieldIsMissing() {
        ObjectNode body = (ObjectNode) payload("pull_request.json");
        ((ObjectNode) body.get("pull_request")).remove("head");
        assertThatThrownBy(() -> GitHubNormalizer.normalize("pull_request", "d", body, RECEIVED))
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessage("missing field head.sha");
        ObjectNode noRepo = (ObjectNode) payload("status.json");
        noRepo.remove("repository");
        assertThatThrownBy(() -> GitHubNormalizer.normalize("status", "d", noRepo, RECEIVED))
                .hasMessage("missing field repository.full_name");
    }
}
