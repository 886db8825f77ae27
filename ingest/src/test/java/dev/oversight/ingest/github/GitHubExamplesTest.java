package dev.oversight.ingest.github;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.events.ChangeAction;
import dev.oversight.events.ChangeEvent;
import dev.oversight.events.CiResult;
import dev.oversight.events.CiResult.CiConclusion;
import dev.oversight.events.CiResult.CiStatus;
import dev.oversight.events.CiResult.CiSystem;
import dev.oversight.events.DeployEvent;
import dev.oversight.events.DeployEvent.DeployState;
import dev.oversight.events.Evidence;
import dev.oversight.events.PushEvent;
import dev.oversight.events.ReviewEvent;
import dev.oversight.events.ReviewState;
import dev.oversight.ingest.Normalized;
import dev.oversight.ingest.Payloads;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every example of the events Oversight reads in @octokit/webhooks-examples 7.6.1 (test resources github/octokit),
 * normalized: the expected values are read off the payloads by hand, example by example.
 */
class GitHubExamplesTest {

    private static final Instant RECEIVED = Instant.parse("2026-11-24T08:00:00Z");
    private static final String HELLO = "github:Codertocat/Hello-World";
    private static final String PR_HEAD = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";

    private static Normalized normalize(String event, JsonNode example) {
        return GitHubNormalizer.normalize(event, "delivery", example, RECEIVED);
    }

    private static Evidence only(String event, JsonNode example, int index) {
        Normalized normalized = normalize(event, example);
        assertThat(normalized).as("%s example %d", event, index).isInstanceOf(Normalized.Accepted.class);
        Normalized.Accepted accepted = (Normalized.Accepted) normalized;
        assertThat(accepted.evidence()).as("%s example %d", event, index).hasSize(1);
        assertThat(accepted.evidence().get(0).repository()).isEqualTo(accepted.repository());
        assertThat(accepted.evidence().get(0).deliveryId()).isEqualTo("delivery");
        return accepted.evidence().get(0);
    }

    private static void ignored(String event, JsonNode example, int index, String because) {
        assertThat(normalize(event, example)).as("%s example %d", event, index)
                .isInstanceOfSatisfying(Normalized.Ignored.class, i -> assertThat(i.reason()).contains(because));
    }

    @Test
    void everyPullRequestExampleBecomesItsChangeActionOrIsIgnored() {
        List<JsonNode> examples = Payloads.octokit("pull_request");
        String[] expected = {"OPENED", "assigned", "assigned", "CLOSED", "CLOSED", "EDITED", "EDITED", "EDITED",
            "LABELED", "LABELED", "locked", "locked", "OPENED", "OPENED", "OPENED", "EDITED", "EDITED", "EDITED",
            "REOPENED", "REOPENED", "review_request_removed", "review_requested", "UPDATED", "unassigned",
            "unassigned", "UNLABELED", "UNLABELED", "unlocked", "unlocked"};
        assertThat(examples).hasSize(expected.length);
        for (int i = 0; i < examples.size(); i++) {
            if (Character.isLowerCase(expected[i].charAt(0))) {
                ignored("pull_request", examples.get(i), i, "pull_request action " + expected[i]);
                continue;
            }
            ChangeEvent e = (ChangeEvent) only("pull_request", examples.get(i), i);
            assertThat(e.action()).as("example %d", i).isEqualTo(ChangeAction.valueOf(expected[i]));
            assertThat(e.repository()).isEqualTo(HELLO);
            assertThat(e.changeId()).isEqualTo(HELLO + "#2");
            assertThat(e.number()).isEqualTo(2);
            assertThat(e.headSha()).isEqualTo(PR_HEAD);
            assertThat(e.author().login()).isEqualTo("Codertocat");
            assertThat(e.author().bot()).isFalse();
            assertThat(e.actor().login()).isEqualTo("Codertocat");
            assertThat(e.headBranch()).isEqualTo("changes");
            assertThat(e.baseBranch()).isEqualTo("master");
            // Examples 3 and 4 are closed unmerged, with GitHub's test-merge commit in merge_commit_sha.
            assertThat(e.mergeSha()).as("example %d", i).isNull();
            assertThat(e.mergedBy()).isNull();
            assertThat(e.previousHeadSha()).as("example %d", i)
                    .isEqualTo(i == 22 ? "f95f852bd8fca8fcc58a9a2d6c842781e32a215e" : null);
            assertThat(e.occurredAt()).isEqualTo(examples.get(i).at("/pull_request/updated_at").asText());
        }
        assertThat(((ChangeEvent) only("pull_request", examples.get(8), 8)).labels()).containsExactly("bug");
        assertThat(((ChangeEvent) only("pull_request", examples.get(0), 0)).labels()).isEmpty();
    }

    @Test
    void everyReviewExampleKeepsItsStateReviewerAndCommit() {
        List<JsonNode> examples = Payloads.octokit("pull_request_review");
        ReviewState[] expected = {ReviewState.COMMENTED, ReviewState.DISMISSED, ReviewState.COMMENTED,
            ReviewState.COMMENTED};
        assertThat(examples).hasSize(expected.length);
        for (int i = 0; i < examples.size(); i++) {
            ReviewEvent e = (ReviewEvent) only("pull_request_review", examples.get(i), i);
            assertThat(e.state()).as("example %d", i).isEqualTo(expected[i]);
            assertThat(e.repository()).isEqualTo(HELLO);
            assertThat(e.changeId()).isEqualTo(HELLO + "#2");
            assertThat(e.reviewId()).isEqualTo("237895671");
            assertThat(e.reviewer().login()).isEqualTo("Codertocat");
            assertThat(e.changeAuthor().login()).isEqualTo("Codertocat");
            assertThat(e.commitSha()).isEqualTo(PR_HEAD);
            // The dismissal (example 1) is timed by its pull request's updated_at, the same second here.
            assertThat(e.occurredAt()).isEqualTo(Instant.parse("2019-05-15T15:20:38Z"));
            assertThat(e.changeMerged()).as("example %d: the pull request is open", i).isFalse();
        }
    }

    @Test
    void everyCheckRunExampleReportsOnItsCommitExceptRerunRequests() {
        List<JsonNode> examples = Payloads.octokit("check_run");
        assertThat(examples).hasSize(9);
        CiStatus[] status = {CiStatus.QUEUED, CiStatus.COMPLETED, CiStatus.COMPLETED, CiStatus.COMPLETED,
            CiStatus.QUEUED, CiStatus.QUEUED};
        CiConclusion[] conclusion = {null, CiConclusion.FAILURE, CiConclusion.SUCCESS, CiConclusion.SUCCESS, null, null};
        for (int i = 0; i < 6; i++) {
            CiResult e = (CiResult) only("check_run", examples.get(i), i);
            assertThat(e.system()).isEqualTo(CiSystem.CHECK_RUN);
            assertThat(e.repository()).isEqualTo(HELLO);
            assertThat(e.sha()).isEqualTo(PR_HEAD);
            assertThat(e.name()).isEqualTo("Octocoders-linter");
            assertThat(e.runId()).isEqualTo("128620228");
            assertThat(e.branch()).isEqualTo("changes");
            assertThat(e.status()).as("example %d", i).isEqualTo(status[i]);
            assertThat(e.conclusion()).as("example %d", i).isEqualTo(conclusion[i]);
        }
        ignored("check_run", examples.get(6), 6, "requested_action");
        ignored("check_run", examples.get(7), 7, "rerequested");
        ignored("check_run", examples.get(8), 8, "rerequested");
    }

    @Test
    void everyCheckSuiteExampleIsReportedUnderItsAppsName() {
        List<JsonNode> examples = Payloads.octokit("check_suite");
        assertThat(examples).hasSize(9);
        for (int i = 0; i < examples.size(); i++) {
            CiResult e = (CiResult) only("check_suite", examples.get(i), i);
            boolean requested = i >= 4 && i <= 6;
            assertThat(e.system()).isEqualTo(CiSystem.CHECK_SUITE);
            assertThat(e.repository()).isEqualTo(HELLO);
            assertThat(e.name()).isEqualTo("octocoders-linter");
            assertThat(e.sha()).as("example %d", i)
                    .isEqualTo(requested ? "f95f852bd8fca8fcc58a9a2d6c842781e32a215e" : PR_HEAD);
            assertThat(e.runId()).isEqualTo(requested ? "118578174" : "118578147");
            assertThat(e.status()).isEqualTo(requested ? CiStatus.QUEUED : CiStatus.COMPLETED);
            assertThat(e.conclusion()).isEqualTo(requested ? null : CiConclusion.SUCCESS);
        }
    }

    @Test
    void everyWorkflowRunExampleHasANameEvenWhenGitHubSentAnEmptyOne() {
        List<JsonNode> examples = Payloads.octokit("workflow_run");
        assertThat(examples).hasSize(5);
        CiResult manual = (CiResult) only("workflow_run", examples.get(0), 0);
        assertThat(manual.name()).isEqualTo("Manually triggered workflow");
        assertThat(manual.repository()).isEqualTo(HELLO);
        assertThat(manual.sha()).isEqualTo("5779607b49aab1200488439f02372c57b4f75444");
        assertThat(manual.status()).isEqualTo(CiStatus.QUEUED);
        for (int i = 1; i < examples.size(); i++) {
            CiResult e = (CiResult) only("workflow_run", examples.get(i), i);
            assertThat(examples.get(i).at("/workflow_run/name").asText()).isEmpty();
            assertThat(e.name()).as("example %d", i).isEqualTo("test"); // the workflow's name
            assertThat(e.repository()).isEqualTo("github:octo-org/octo-repo");
            assertThat(e.system()).isEqualTo(CiSystem.WORKFLOW_RUN);
            assertThat(e.sha()).isEqualTo("3484a3fb816e0859fd6e1cea078d76385ff50625");
            assertThat(e.runId()).isEqualTo("289782451");
            assertThat(e.attempt()).isEqualTo(1);
            assertThat(e.branch()).isEqualTo("master");
        }
        assertThat(((CiResult) only("workflow_run", examples.get(1), 1)).conclusion()).isEqualTo(CiConclusion.SUCCESS);
        assertThat(((CiResult) only("workflow_run", examples.get(3), 3)).status()).isEqualTo(CiStatus.QUEUED);
        assertThat(((CiResult) only("workflow_run", examples.get(4), 4)).conclusion())
                .isEqualTo(CiConclusion.ACTION_REQUIRED);
    }

    @Test
    void everyWorkflowJobExample() {
        List<JsonNode> examples = Payloads.octokit("workflow_job");
        String[] names = {"Test workflow", "linters", "linters", "Analyze (javascript)",
            "Do examples need to be regenerated?", "update", "test", "test"};
        CiStatus[] status = {CiStatus.IN_PROGRESS, CiStatus.COMPLETED, CiStatus.COMPLETED, CiStatus.IN_PROGRESS,
            CiStatus.IN_PROGRESS, CiStatus.QUEUED, CiStatus.QUEUED, CiStatus.QUEUED};
        CiConclusion[] conclusion = {null, CiConclusion.FAILURE, CiConclusion.SUCCESS, null, null, null, null, null};
        assertThat(examples).hasSize(names.length);
        for (int i = 0; i < examples.size(); i++) {
            CiResult e = (CiResult) only("workflow_job", examples.get(i), i);
            assertThat(e.system()).isEqualTo(CiSystem.WORKFLOW_JOB);
            assertThat(e.name()).as("example %d", i).isEqualTo(names[i]);
            assertThat(e.status()).as("example %d", i).isEqualTo(status[i]);
            assertThat(e.conclusion()).as("example %d", i).isEqualTo(conclusion[i]);
            assertThat(e.attempt()).isEqualTo(1);
            assertThat(e.sha()).isEqualTo(examples.get(i).at("/workflow_job/head_sha").asText());
        }
        assertThat(only("workflow_job", examples.get(0), 0).repository()).isEqualTo("github:octo-org/example-workflow");
        assertThat(only("workflow_job", examples.get(4), 4).repository())
                .isEqualTo("github:wolfy1339/github-events-schemas");
    }

    @Test
    void everyStatusExample() {
        List<JsonNode> examples = Payloads.octokit("status");
        assertThat(examples).hasSize(4);
        for (int i = 0; i < examples.size(); i++) {
            CiResult e = (CiResult) only("status", examples.get(i), i);
            assertThat(e.system()).isEqualTo(CiSystem.STATUS);
            assertThat(e.repository()).isEqualTo(HELLO);
            assertThat(e.sha()).isEqualTo("6113728f27ae82c7b1a177c8d03f9e96e0adf246");
            assertThat(e.name()).isEqualTo("default");
            assertThat(e.runId()).isEqualTo("6805126730");
            assertThat(e.conclusion()).isEqualTo(CiConclusion.SUCCESS);
            assertThat(e.occurredAt()).isEqualTo(Instant.parse("2019-05-15T15:20:55Z"));
        }
    }

    @Test
    void branchPushesBecomePushesAndTagPushesAreIgnored() {
        List<JsonNode> examples = Payloads.octokit("push");
        assertThat(examples).hasSize(7);
        for (int i : new int[] {0, 1, 2, 3, 6}) {
            ignored("push", examples.get(i), i, "refs/tags/simple-tag");
        }
        for (int i : new int[] {4, 5}) {
            PushEvent e = (PushEvent) only("push", examples.get(i), i);
            assertThat(e.repository()).isEqualTo(HELLO);
            assertThat(e.branch()).isEqualTo("master");
            assertThat(e.before()).isEqualTo("0000000000000000000000000000000000000000");
            assertThat(e.after()).isEqualTo("6113728f27ae82c7b1a177c8d03f9e96e0adf246");
            assertThat(e.created()).isTrue();
            assertThat(e.deleted()).isFalse();
            assertThat(e.forced()).isFalse();
            assertThat(e.pusher().login()).isEqualTo("Codertocat");
            assertThat(e.commits()).singleElement().satisfies(c -> {
                assertThat(c.sha()).isEqualTo("6113728f27ae82c7b1a177c8d03f9e96e0adf246");
                assertThat(c.author()).isEqualTo("Codertocat");
                assertThat(c.added()).containsExactly("README.md");
                assertThat(c.modified()).isEmpty();
                assertThat(c.removed()).isEmpty();
            });
        }
    }

    @Test
    void everyDeploymentExampleIsRequestedWithItsCreator() {
        List<JsonNode> examples = Payloads.octokit("deployment");
        assertThat(examples).hasSize(4);
        for (int i = 0; i < examples.size(); i++) {
            DeployEvent e = (DeployEvent) only("deployment", examples.get(i), i);
            assertThat(e.state()).isEqualTo(DeployState.REQUESTED);
            assertThat(e.repository()).isEqualTo(HELLO);
            assertThat(e.deployId()).isEqualTo(HELLO + "/deployments/145988746");
            assertThat(e.sha()).isEqualTo("f95f852bd8fca8fcc58a9a2d6c842781e32a215e");
            assertThat(e.environment()).isEqualTo(i == 1 ? "github-pages" : "production");
            assertThat(e.deployer().login()).isEqualTo(i == 1 ? "github-pages[bot]" : "Codertocat");
            assertThat(e.deployer().bot()).isEqualTo(i == 1);
            assertThat(e.flags()).isEmpty();
        }
    }

    @Test
    void everyDeploymentStatusExample() {
        List<JsonNode> examples = Payloads.octokit("deployment_status");
        assertThat(examples).hasSize(4);
        for (int i = 0; i < examples.size(); i++) {
            DeployEvent e = (DeployEvent) only("deployment_status", examples.get(i), i);
            assertThat(e.state()).as("example %d", i).isEqualTo(i == 1 ? DeployState.IN_PROGRESS : DeployState.SUCCEEDED);
            assertThat(e.environment()).isEqualTo(i == 1 ? "github-pages" : "production");
            assertThat(e.deployId()).isEqualTo(HELLO + "/deployments/145988746");
            assertThat(e.sha()).isEqualTo("f95f852bd8fca8fcc58a9a2d6c842781e32a215e");
            assertThat(e.occurredAt()).isEqualTo(i == 1 ? Instant.parse("2022-01-03T01:28:40Z")
                    : Instant.parse("2019-05-15T15:20:55Z"));
        }
    }

    @Test
    void everyPingExampleIsIgnored() {
        List<JsonNode> examples = Payloads.octokit("ping");
        assertThat(examples).hasSize(4);
        for (int i = 0; i < examples.size(); i++) {
            ignored("ping", examples.get(i), i, "ping");
        }
    }
}
