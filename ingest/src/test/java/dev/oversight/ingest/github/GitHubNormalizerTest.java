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
import dev.oversight.ingest.Payloads;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
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
        ReviewEvent e = review(body, RECEIVED);
        assertThat(e.state()).isEqualTo(ReviewState.DISMISSED);
        assertThat(e.reviewId()).isEqualTo("2626884");
        assertThat(e.occurredAt()).isEqualTo(Instant.parse("2016-10-03T23:39:09Z"));
        assertThat(e.changeMerged()).isFalse();
    }

    private static ReviewEvent review(JsonNode body, Instant receivedAt) {
        Normalized normalized = GitHubNormalizer.normalize("pull_request_review", "d", body, receivedAt);
        return (ReviewEvent) ((Normalized.Accepted) normalized).evidence().get(0);
    }

    /** The dismissal example of @octokit/webhooks-examples, a copy the test may change. */
    private static ObjectNode octokitDismissal() {
        ObjectNode body = (ObjectNode) Payloads.octokit("pull_request_review").get(1);
        assertThat(body.get("action").asText()).isEqualTo("dismissed");
        return body;
    }

    @Test
    void aDismissalDeliveredLongAfterTheMergeKeepsTheTimeAndTheOpenPullRequestOfItsPayload() {
        // GitHub's own dismissal example, unchanged: dismissed at 15:20:38 while the pull request was open. It
        // arrives years later (a redelivery, a replay of oversight.raw), long after the change merged.
        ReviewEvent e = review(octokitDismissal(), Instant.parse("2026-11-24T08:00:00Z"));
        assertThat(e.state()).isEqualTo(ReviewState.DISMISSED);
        assertThat(e.reviewId()).isEqualTo("237895671");
        assertThat(e.occurredAt()).isEqualTo(Instant.parse("2019-05-15T15:20:38Z"));
        assertThat(e.changeMerged()).isFalse();
    }

    @Test
    void aDismissalIsTimedByThePullRequestsUpdateButNeverBeforeTheReviewItDismisses() {
        // Only pull_request.updated_at is changed, to after and then to before the review's submitted_at (15:20:38).
        ObjectNode later = octokitDismissal();
        ((ObjectNode) later.get("pull_request")).put("updated_at", "2019-05-15T16:02:11Z");
        assertThat(review(later, RECEIVED).occurredAt()).isEqualTo(Instant.parse("2019-05-15T16:02:11Z"));
        ObjectNode earlier = octokitDismissal();
        ((ObjectNode) earlier.get("pull_request")).put("updated_at", "2019-05-15T15:00:00Z");
        assertThat(review(earlier, RECEIVED).occurredAt()).isEqualTo(Instant.parse("2019-05-15T15:20:38Z"));
    }

    @Test
    void aDismissalIsTimedByItsReceiptOnlyWhenThePayloadHasNoTime() {
        // Both times removed from the example; then only the pull request's.
        ObjectNode body = octokitDismissal();
        ((ObjectNode) body.get("pull_request")).remove("updated_at");
        assertThat(review(body, RECEIVED).occurredAt()).isEqualTo(Instant.parse("2019-05-15T15:20:38Z"));
        ((ObjectNode) body.get("review")).remove("submitted_at");
        assertThat(review(body, RECEIVED).occurredAt()).isEqualTo(RECEIVED);
    }

    @Test
    void aReviewSubmittedAfterTheMergeSaysTheChangeWasMerged() {
        // The submitted example, with its pull request merged (state, merged_at, closed_at) before the review.
        ObjectNode body = (ObjectNode) Payloads.octokit("pull_request_review").get(0);
        ((ObjectNode) body.get("pull_request")).put("state", "closed").put("merged_at", "2019-05-15T15:20:35Z")
                .put("closed_at", "2019-05-15T15:20:35Z");
        ReviewEvent e = review(body, RECEIVED);
        assertThat(e.state()).isEqualTo(ReviewState.COMMENTED);
        assertThat(e.occurredAt()).isEqualTo(Instant.parse("2019-05-15T15:20:38Z"));
        assertThat(e.changeMerged()).isTrue();
        // The same review on the open pull request, as GitHub sent it.
        assertThat(review(Payloads.octokit("pull_request_review").get(0), RECEIVED).changeMerged()).isFalse();
    }

    @Test
    void whetherTheChangeWasMergedIsWhatThePullRequestOfThePayloadSays() {
        assertThat(mergedWhen(pr -> { })).isFalse();
        assertThat(mergedWhen(pr -> pr.put("state", "closed").put("merged", true).remove("merged_at"))).isTrue();
        assertThat(mergedWhen(pr -> pr.put("state", "closed").put("merged_at", "2016-10-04T08:00:00Z"))).isTrue();
        assertThat(mergedWhen(pr -> pr.put("state", "closed").put("merged", false))).isFalse();
        assertThat(mergedWhen(pr -> pr.put("state", "closed"))).as("closed, merged_at null").isFalse();
        assertThat(mergedWhen(pr -> pr.put("state", "closed").remove("merged_at"))).as("says nothing").isNull();
        assertThat(mergedWhen(pr -> pr.remove(List.of("state", "merged_at")))).as("says nothing").isNull();
    }

    /**
     * changeMerged of the older review example (state open, merged_at null, no merged field) after a change to its
     * pull request's state, merged and merged_at, the only fields changed.
     */
    private static Boolean mergedWhen(Consumer<ObjectNode> change) {
        ObjectNode body = (ObjectNode) payload("pull_request_review.json");
        change.accept((ObjectNode) body.get("pull_request"));
        return review(body, RECEIVED).changeMerged();
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

    /** A hub4j payload changed at a JSON pointer: the value replaced, or the field removed (null). */
    private static ObjectNode changed(String file, String pointer, String value) {
        return Payloads.changed("github/hub4j/" + file, pointer, value);
    }

    private static void refused(String event, ObjectNode body, String message) {
        assertThatThrownBy(() -> GitHubNormalizer.normalize(event, "d", body, RECEIVED))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining(message);
    }

    /** An empty login is nobody: it must not count as an approver other than the author. */
    @Test
    void everyIdentityTheRulesRelyOnIsALogin() {
        refused("pull_request_review", changed("pull_request_review.json", "/review/user/login", ""),
                "field review.user.login is blank");
        refused("pull_request_review", changed("pull_request_review.json", "/review/user/login", " "),
                "field review.user.login is blank");
        refused("pull_request_review", changed("pull_request_review.json", "/review/user/login", null),
                "missing field review.user.login");
        refused("pull_request_review", changed("pull_request_review.json", "/pull_request/user/login", ""),
                "field pull_request.user.login is blank");
        refused("pull_request", changed("pull_request.json", "/pull_request/user/login", ""),
                "field pull_request.user.login is blank");
        refused("pull_request", changed("pull_request.json", "/sender/login", "alice\n"),
                "field sender.login holds a control character");
        refused("push", changed("push.json", "/sender/login", ""), "field sender.login is blank");
        refused("deployment", changed("deployment.json", "/deployment/creator/login", ""),
                "field deployment.creator.login is blank");
    }

    @Test
    void everyCommitIsAFullSha() {
        String short39 = "ec26c3e57ca3a959ca5aad62de7213c562f8c82";
        refused("check_run", changed("check-run.json", "/check_run/head_sha", ""), "field check_run.head_sha is not "
                + "a commit sha (40 or 64 hexadecimal characters): ''");
        refused("check_run", changed("check-run.json", "/check_run/head_sha", short39), "check_run.head_sha");
        refused("check_run", changed("check-run.json", "/check_run/head_sha", null), "missing field "
                + "check_run.head_sha");
        refused("check_suite", changed("check-suite.json", "/check_suite/head_sha", "main"), "check_suite.head_sha");
        refused("workflow_run", changed("workflow_run.json", "/workflow_run/head_sha", ""), "workflow_run.head_sha");
        refused("workflow_job", changed("workflow_job.json", "/workflow_job/head_sha", ""), "workflow_job.head_sha");
        refused("status", changed("status.json", "/sha", short39), "field sha is not a commit sha");
        refused("pull_request", changed("pull_request.json", "/pull_request/head/sha", "HEAD"), "head.sha");
        refused("pull_request_review", changed("pull_request_review.json", "/review/commit_id", ""),
                "review.commit_id");
        refused("push", changed("push.json", "/after", ""), "field after is not a commit sha");
        refused("push", changed("push.json", "/before", short39), "field before is not a commit sha");
        refused("push", changed("push.json", "/commits/0/id", "x"), "field commits.0.id is not a commit sha");
        refused("deployment", changed("deployment.json", "/deployment/sha", "main"), "deployment.sha");
        String sha256 = "ec26c3e57ca3a959ca5aad62de7213c562f8c821ec26c3e57ca3a959ca5aad62";
        CiResult e = (CiResult) ((Normalized.Accepted) GitHubNormalizer.normalize("check_run", "d",
                changed("check-run.json", "/check_run/head_sha", sha256), RECEIVED)).evidence().get(0);
        assertThat(e.sha()).isEqualTo(sha256);
    }

    @Test
    void aTimeOutOfRangeIsRefusedNamingItsField() {
        refused("check_run", changed("check-run.json", "/check_run/completed_at", "+1000000000-01-01T00:00:00Z"),
                "field check_run.completed_at is +1000000000-01-01T00:00:00Z, a time outside the years 1970 to 9999");
        refused("pull_request", changed("pull_request.json", "/pull_request/updated_at", "soon"),
                "field pull_request.updated_at is not a time");
        ObjectNode numeric = (ObjectNode) payload("push.json");
        ((ObjectNode) numeric.get("repository")).put("pushed_at", 1e18);
        refused("push", numeric, "field repository.pushed_at is 1.0E18, a time outside the years 1970 to 9999");
    }

    @Test
    void aDeploymentPayloadWithAKeyTwiceIsRefused() {
        ObjectNode body = (ObjectNode) payload("deployment.json");
        ((ObjectNode) body.get("deployment")).put("payload", "{\"emergency\": false, \"emergency\": true}");
        refused("deployment", body, "deployment.payload is not valid JSON (Duplicate field 'emergency'");
        ((ObjectNode) body.get("deployment")).put("payload", "not JSON at all");
        assertThat(((DeployEvent) ((Normalized.Accepted) GitHubNormalizer.normalize("deployment", "d", body,
                RECEIVED)).evidence().get(0)).flags()).isEmpty();
    }
}
