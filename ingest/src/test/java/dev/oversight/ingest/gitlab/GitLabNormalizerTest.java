package dev.oversight.ingest.gitlab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import dev.oversight.ingest.MalformedPayloadException;
import dev.oversight.ingest.Normalized;
import dev.oversight.ingest.Payloads;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Every GitLab payload of the test resources (gitlab/, see ORIGIN.md), normalized field by field. */
class GitLabNormalizerTest {

    private static final Instant RECEIVED = Instant.parse("2026-11-24T08:00:00Z");
    private static final String MR_HEAD = "da1560886d4f094c3e6c9ef40349f7d38b5d27d7";

    private static Evidence only(String event, JsonNode body) {
        Normalized normalized = GitLabNormalizer.normalize(event, "uuid-1", body, RECEIVED);
        assertThat(normalized).isInstanceOf(Normalized.Accepted.class);
        Normalized.Accepted accepted = (Normalized.Accepted) normalized;
        assertThat(accepted.evidence()).hasSize(1);
        Evidence evidence = accepted.evidence().get(0);
        assertThat(evidence.repository()).isEqualTo(accepted.repository());
        assertThat(evidence.deliveryId()).isEqualTo("uuid-1");
        return evidence;
    }

    /** The gitlab4j merge request hook with another action (and, when given, the hook's user id). */
    private static ObjectNode mergeRequest(String action) {
        ObjectNode body = Payloads.object("gitlab/gitlab4j/merge-request-event.json");
        ((ObjectNode) body.get("object_attributes")).put("action", action);
        return body;
    }

    @Test
    void mergeRequestOpenedByOneUserForAnother() {
        ChangeEvent e = (ChangeEvent) only("Merge Request Hook", Payloads.json("gitlab/go-gitlab/merge_request.json"));
        assertThat(e.action()).isEqualTo(ChangeAction.OPENED);
        assertThat(e.repository()).isEqualTo("gitlab:gitlabhq/gitlab-test");
        assertThat(e.changeId()).isEqualTo("gitlab:gitlabhq/gitlab-test!1");
        assertThat(e.number()).isEqualTo(1);
        assertThat(e.title()).isEqualTo("MS-Viewport");
        assertThat(e.headSha()).isEqualTo(MR_HEAD);
        assertThat(e.headBranch()).isEqualTo("ms-viewport");
        assertThat(e.baseBranch()).isEqualTo("master");
        assertThat(e.actor().login()).isEqualTo("user1");
        // author_id 51 is not the hook's user (id 1), and the payload names the author by id only.
        assertThat(e.author()).isNull();
        assertThat(e.labels()).containsExactly("API");
        assertThat(e.mergeSha()).isNull();
        assertThat(e.occurredAt()).isEqualTo(Instant.parse("2013-12-03T17:23:34Z"));
    }

    @Test
    void theHookUserIsTheAuthorWhenTheirIdsAgree() {
        ObjectNode body = mergeRequest("open");
        ((ObjectNode) body.get("user")).put("id", 51);
        ChangeEvent e = (ChangeEvent) only("Merge Request Hook", body);
        assertThat(e.author().login()).isEqualTo("root");
        assertThat(e.author().bot()).isFalse();
        // An open carries no oldrev meaning, and merge_commit_sha means nothing before the merge.
        assertThat(e.previousHeadSha()).isNull();
        assertThat(e.mergeSha()).isNull();
    }

    @Test
    void updateWithOldrevIsNewCommitsAndWithoutIsAnEdit() {
        ChangeEvent pushed = (ChangeEvent) only("Merge Request Hook", mergeRequest("update"));
        assertThat(pushed.action()).isEqualTo(ChangeAction.UPDATED);
        assertThat(pushed.previousHeadSha()).isEqualTo("8ad9e9f37b007d15c102da002c2a7133a5ca3737");
        assertThat(pushed.headSha()).isEqualTo(MR_HEAD);
        assertThat(pushed.actor().login()).isEqualTo("root");

        ObjectNode edited = mergeRequest("update");
        ((ObjectNode) edited.get("object_attributes")).remove("oldrev");
        ChangeEvent e = (ChangeEvent) only("Merge Request Hook", edited);
        assertThat(e.action()).isEqualTo(ChangeAction.EDITED);
        assertThat(e.previousHeadSha()).isNull();
    }

    @Test
    void approvalAndApprovedAreBothOneApprovalByTheHooksUser() {
        ReviewEvent approval = (ReviewEvent) only("Merge Request Hook", mergeRequest("approval"));
        ReviewEvent approved = (ReviewEvent) only("Merge Request Hook", mergeRequest("approved"));
        for (ReviewEvent e : new ReviewEvent[] {approval, approved}) {
            assertThat(e.state()).isEqualTo(ReviewState.APPROVED);
            assertThat(e.reviewer().login()).isEqualTo("root");
            assertThat(e.changeId()).isEqualTo("gitlab:gitlabhq/gitlab-test!1");
            assertThat(e.commitSha()).isEqualTo(MR_HEAD);
            assertThat(e.changeAuthor()).isNull();
            assertThat(e.occurredAt()).isEqualTo(Instant.parse("2013-12-03T17:23:34Z"));
        }
        // The same review: a paid-edition "approval" followed by "approved" from one user is one approval.
        assertThat(approval.reviewId()).isEqualTo(approved.reviewId()).isEqualTo("gitlab:gitlabhq/gitlab-test!1/approvals/root");
    }

    @Test
    void anApprovalOfAnOpenedMergeRequestSaysItWasNotMergedYet() {
        // The gitlab4j hook as published (state "opened"), with action changed to an approval.
        for (String action : new String[] {"approved", "approval", "unapproved", "unapproval"}) {
            ObjectNode body = mergeRequest(action);
            assertThat(body.at("/object_attributes/state").asText()).isEqualTo("opened");
            assertThat(((ReviewEvent) only("Merge Request Hook", body)).changeMerged()).as(action).isFalse();
        }
    }

    @Test
    void anApprovalOrItsWithdrawalOnAMergedMergeRequestSaysItWasMerged() {
        // The gitlab4j hook with action and state changed: an approval given, or withdrawn, after the merge.
        for (String action : new String[] {"approved", "unapproved"}) {
            ObjectNode body = mergeRequest(action);
            ((ObjectNode) body.get("object_attributes")).put("state", "merged");
            ReviewEvent e = (ReviewEvent) only("Merge Request Hook", body);
            assertThat(e.changeMerged()).as(action).isTrue();
            assertThat(e.occurredAt()).isEqualTo(Instant.parse("2013-12-03T17:23:34Z"));
        }
    }

    @Test
    void aMergeRequestThatIsLockedOrClosedWasNotMergedAndOneWithoutAStateDoesNotSay() {
        // The gitlab4j hook with action and state changed, then without its state.
        for (String state : new String[] {"locked", "closed"}) {
            ObjectNode body = mergeRequest("approved");
            ((ObjectNode) body.get("object_attributes")).put("state", state);
            assertThat(((ReviewEvent) only("Merge Request Hook", body)).changeMerged()).as(state).isFalse();
        }
        ObjectNode body = mergeRequest("approved");
        ((ObjectNode) body.get("object_attributes")).remove("state");
        assertThat(((ReviewEvent) only("Merge Request Hook", body)).changeMerged()).isNull();
    }

    @Test
    void anAuthorApprovingTheirOwnMergeRequestIsNamedAsTheAuthor() {
        ObjectNode body = mergeRequest("approved");
        ((ObjectNode) body.get("user")).put("id", 51);
        ReviewEvent e = (ReviewEvent) only("Merge Request Hook", body);
        assertThat(e.reviewer().login()).isEqualTo("root");
        assertThat(e.changeAuthor().login()).isEqualTo("root");
    }

    @Test
    void unapprovalAndUnapprovedWithdrawTheSameApproval() {
        for (String action : new String[] {"unapproval", "unapproved"}) {
            ReviewEvent e = (ReviewEvent) only("Merge Request Hook", mergeRequest(action));
            assertThat(e.state()).isEqualTo(ReviewState.APPROVAL_WITHDRAWN);
            assertThat(e.reviewer().login()).isEqualTo("root");
            assertThat(e.reviewId()).isEqualTo("gitlab:gitlabhq/gitlab-test!1/approvals/root");
        }
    }

    @Test
    void mergeLandsAsTheMergeCommitOrTheSquashedOneOrTheHead() {
        ChangeEvent merged = (ChangeEvent) only("Merge Request Hook", mergeRequest("merge"));
        assertThat(merged.action()).isEqualTo(ChangeAction.MERGED);
        assertThat(merged.mergeSha()).isEqualTo("e3b7e97417fd6318a5c31b21b29d2acc5c86c3ae");
        assertThat(merged.mergedBy().login()).isEqualTo("root");

        ObjectNode squashed = mergeRequest("merge");
        ((ObjectNode) squashed.get("object_attributes")).putNull("merge_commit_sha")
                .put("squash", true).put("squash_commit_sha", "5c1b8c49c5e2f55d3b0b2a7a3d1e1c5fd3c1a0b7");
        assertThat(((ChangeEvent) only("Merge Request Hook", squashed)).mergeSha())
                .isEqualTo("5c1b8c49c5e2f55d3b0b2a7a3d1e1c5fd3c1a0b7");

        ObjectNode fastForward = mergeRequest("merge");
        ((ObjectNode) fastForward.get("object_attributes")).remove("merge_commit_sha");
        assertThat(((ChangeEvent) only("Merge Request Hook", fastForward)).mergeSha()).isEqualTo(MR_HEAD);
    }

    @Test
    void closeAndReopen() {
        ChangeEvent closed = (ChangeEvent) only("Merge Request Hook", mergeRequest("close"));
        assertThat(closed.action()).isEqualTo(ChangeAction.CLOSED);
        assertThat(closed.mergeSha()).isNull();
        assertThat(((ChangeEvent) only("Merge Request Hook", mergeRequest("reopen"))).action())
                .isEqualTo(ChangeAction.REOPENED);
    }

    @Test
    void otherMergeRequestActionsAndOtherHooksAreIgnored() {
        ObjectNode noAction = mergeRequest("open");
        ((ObjectNode) noAction.get("object_attributes")).remove("action");
        assertThat(GitLabNormalizer.normalize("Merge Request Hook", "u", noAction, RECEIVED))
                .isInstanceOf(Normalized.Ignored.class);
        assertThat(GitLabNormalizer.normalize("Note Hook", "u", Payloads.json("gitlab/go-gitlab/push.json"), RECEIVED))
                .isInstanceOfSatisfying(Normalized.Ignored.class, i -> assertThat(i.reason()).contains("Note Hook"));
        ObjectNode tagPush = Payloads.object("gitlab/go-gitlab/push.json").put("ref", "refs/tags/v1.0.0");
        assertThat(GitLabNormalizer.normalize("Push Hook", "u", tagPush, RECEIVED))
                .isInstanceOf(Normalized.Ignored.class);
        assertThat(GitLabNormalizer.tag("Note Hook")).isEqualTo("other");
        assertThat(GitLabNormalizer.tag("Merge Request Hook")).isEqualTo("merge_request");
    }

    @Test
    void systemHooksAreReadByTheirObjectKind() {
        ChangeEvent e = (ChangeEvent) only("System Hook", Payloads.json("gitlab/go-gitlab/merge_request.json"));
        assertThat(e.changeId()).isEqualTo("gitlab:gitlabhq/gitlab-test!1");
    }

    @Test
    void pipelines() {
        CiResult e = (CiResult) only("Pipeline Hook", Payloads.json("gitlab/go-gitlab/pipeline.json"));
        assertThat(e.repository()).isEqualTo("gitlab:gitlab-org/gitlab-test");
        assertThat(e.system()).isEqualTo(CiSystem.PIPELINE);
        assertThat(e.sha()).isEqualTo("bcbb5ec396a2c0f828686f14fac9b80b780504f2");
        assertThat(e.name()).isEqualTo("pipeline");
        assertThat(e.runId()).isEqualTo("31");
        assertThat(e.status()).isEqualTo(CiStatus.COMPLETED);
        assertThat(e.conclusion()).isEqualTo(CiConclusion.SUCCESS);
        assertThat(e.branch()).isEqualTo("master");
        assertThat(e.url()).isEqualTo("http://192.168.64.1:3005/gitlab-org/gitlab-test/-/pipelines/31");
        assertThat(e.occurredAt()).isEqualTo(Instant.parse("2016-08-12T15:26:29Z"));

        CiResult named = (CiResult) only("Pipeline Hook", Payloads.json("gitlab/gitlab4j/pipeline-event.json"));
        assertThat(named.name()).isEqualTo("Pipeline for branch: master");
        assertThat(named.url()).isEqualTo("http://example.com/gitlab-org/gitlab-test/-/pipelines/31");

        ObjectNode failed = Payloads.object("gitlab/go-gitlab/pipeline.json");
        ((ObjectNode) failed.get("object_attributes")).put("status", "failed");
        assertThat(((CiResult) only("Pipeline Hook", failed)).conclusion()).isEqualTo(CiConclusion.FAILURE);
        ((ObjectNode) failed.get("object_attributes")).put("status", "running");
        CiResult running = (CiResult) only("Pipeline Hook", failed);
        assertThat(running.status()).isEqualTo(CiStatus.IN_PROGRESS);
        assertThat(running.conclusion()).isNull();
    }

    @Test
    void jobsWithBuildFieldsAndRetries() {
        CiResult e = (CiResult) only("Job Hook", Payloads.json("gitlab/go-gitlab/job.json"));
        // Job hooks carry no project object: the path comes from the repository's homepage.
        assertThat(e.repository()).isEqualTo("gitlab:jsmithy2/release-tools-fake");
        assertThat(e.system()).isEqualTo(CiSystem.JOB);
        assertThat(e.name()).isEqualTo("auto_deploy:start");
        assertThat(e.sha()).isEqualTo("95d49d1efbd941908580e79d65e4b5ecaf4a8305");
        assertThat(e.runId()).isEqualTo("3580121225");
        assertThat(e.attempt()).isEqualTo(2);
        assertThat(e.status()).isEqualTo(CiStatus.COMPLETED);
        assertThat(e.conclusion()).isEqualTo(CiConclusion.SUCCESS);
        assertThat(e.branch()).isEqualTo("main");
        assertThat(e.url()).isEqualTo("https://gitlab.com/jsmithy2/release-tools-fake/-/jobs/3580121225");
        assertThat(e.occurredAt()).isEqualTo(Instant.parse("2023-01-10T13:50:54Z"));

        CiResult created = (CiResult) only("Job Hook", Payloads.json("gitlab/go-gitlab/build.json"));
        assertThat(created.repository()).isEqualTo("gitlab:gitlab-org/gitlab-test");
        assertThat(created.name()).isEqualTo("test");
        assertThat(created.status()).isEqualTo(CiStatus.QUEUED);
        assertThat(created.conclusion()).isNull();
        assertThat(created.attempt()).isEqualTo(1);
        assertThat(created.occurredAt()).isEqualTo(Instant.parse("2021-02-23T02:41:37.886Z"));

        CiResult running = (CiResult) only("Job Hook", Payloads.json("gitlab/gitlab4j/build-event.json"));
        assertThat(running.repository()).isEqualTo("gitlab:gitlab-org/gitlab-test");
        assertThat(running.status()).isEqualTo(CiStatus.IN_PROGRESS);
        assertThat(running.attempt()).isEqualTo(3);
        assertThat(running.sha()).isEqualTo("a890bee24574603c522c756b9346649fbec4c812");
    }

    @Test
    void jobsWithJobFieldsToo() {
        CiResult e = (CiResult) only("Job Hook", Payloads.json("gitlab/gitlab4j/job-event.json"));
        assertThat(e.repository()).isEqualTo("gitlab:gitlab-org/gitlab-test");
        assertThat(e.name()).isEqualTo("test");
        assertThat(e.runId()).isEqualTo("1977");
        assertThat(e.sha()).isEqualTo("2293ada6b400935a1378653304eaf6221e0fdb8f");
        assertThat(e.status()).isEqualTo(CiStatus.QUEUED);
        assertThat(e.occurredAt()).isEqualTo(RECEIVED);
    }

    @Test
    void aFailedJobThatIsAllowedToFailIsNeutral() {
        ObjectNode body = Payloads.object("gitlab/go-gitlab/job.json").put("build_status", "failed");
        assertThat(((CiResult) only("Job Hook", body)).conclusion()).isEqualTo(CiConclusion.FAILURE);
        body.put("build_allow_failure", true);
        assertThat(((CiResult) only("Job Hook", body)).conclusion()).isEqualTo(CiConclusion.NEUTRAL);
    }

    @Test
    void deploymentsTakeTheFullShaFromTheCommitUrl() {
        for (String file : new String[] {"docs/deployment.docs.json", "go-gitlab/deployment.json",
            "gitlab4j/deployment-event.json"}) {
            DeployEvent e = (DeployEvent) only("Deployment Hook", Payloads.json("gitlab/" + file));
            assertThat(e.repository()).as(file).isEqualTo("gitlab:root/test-deployment-webhooks");
            assertThat(e.deployId()).isEqualTo("gitlab:root/test-deployment-webhooks/deployments/15");
            assertThat(e.environment()).isEqualTo("staging");
            assertThat(e.sha()).isEqualTo("279484c09fbe69ededfced8c1bb6e6d24616b468");
            assertThat(e.state()).isEqualTo(DeployState.SUCCEEDED);
            assertThat(e.occurredAt()).isEqualTo(Instant.parse("2021-04-28T19:50:00Z"));
        }
        DeployEvent docs = (DeployEvent) only("Deployment Hook", Payloads.json("gitlab/docs/deployment.docs.json"));
        assertThat(docs.deployer().login()).isEqualTo("root");
        assertThat(docs.url()).isEqualTo("https://staging.example.com");
        DeployEvent withRef = (DeployEvent) only("Deployment Hook", Payloads.json("gitlab/go-gitlab/deployment.json"));
        assertThat(withRef.ref()).isEqualTo("1.0.0");
        assertThat(withRef.deployer().login()).isEqualTo("user1");
        DeployEvent noUrl = (DeployEvent) only("Deployment Hook", Payloads.json("gitlab/gitlab4j/deployment-event.json"));
        assertThat(noUrl.url()).isEqualTo("http://10.126.0.2:3000/root/test-deployment-webhooks/-/jobs/796");
    }

    @Test
    void deploymentStatuses() {
        ObjectNode body = Payloads.object("gitlab/docs/deployment.docs.json");
        assertThat(((DeployEvent) only("Deployment Hook", body.put("status", "running"))).state())
                .isEqualTo(DeployState.IN_PROGRESS);
        assertThat(((DeployEvent) only("Deployment Hook", body.put("status", "failed"))).state())
                .isEqualTo(DeployState.FAILED);
        assertThat(((DeployEvent) only("Deployment Hook", body.put("status", "canceled"))).state())
                .isEqualTo(DeployState.FAILED);
    }

    @Test
    void aDeploymentWhoseCommitUrlHoldsNoFullShaIsRefused() {
        ObjectNode body = Payloads.object("gitlab/docs/deployment.docs.json");
        body.put("commit_url", "http://10.126.0.2:3000/root/test-deployment-webhooks/-/commit/279484c0");
        assertThatThrownBy(() -> GitLabNormalizer.normalize("Deployment Hook", "u", body, RECEIVED))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("commit_url");
    }

    @Test
    void pushes() {
        for (String file : new String[] {"go-gitlab/push.json", "gitlab4j/push-event.json"}) {
            PushEvent e = (PushEvent) only("Push Hook", Payloads.json("gitlab/" + file));
            assertThat(e.repository()).isEqualTo("gitlab:mike/diaspora");
            assertThat(e.branch()).isEqualTo("master");
            assertThat(e.before()).isEqualTo("95790bf891e76fee5e1747ab589903a6a1f80f22");
            assertThat(e.after()).isEqualTo(MR_HEAD);
            assertThat(e.pusher().login()).isEqualTo("jsmith");
            assertThat(e.created()).isFalse();
            assertThat(e.deleted()).isFalse();
            assertThat(e.commits()).hasSize(2);
            assertThat(e.commits().get(0).sha()).isEqualTo("b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327");
            assertThat(e.commits().get(0).author()).isEqualTo("Jordi Mallach");
            assertThat(e.commits().get(0).added()).containsExactly("CHANGELOG");
            assertThat(e.commits().get(0).modified()).containsExactly("app/controller/application.rb");
            assertThat(e.commits().get(1).message()).isEqualTo("fixed readme");
            // The hook has no time of the push; its commits' timestamps (2011, 2012) are when they were committed.
            assertThat(e.occurredAt()).isEqualTo(RECEIVED);
        }
    }

    @Test
    void projectAccessTokenAccountsAreBots() {
        ObjectNode body = mergeRequest("approved");
        ((ObjectNode) body.get("user")).put("username", "project_278964_bot_3b5f8c");
        assertThat(((ReviewEvent) only("Merge Request Hook", body)).reviewer().bot()).isTrue();
    }

    @Test
    void saysWhichFieldIsMissing() {
        ObjectNode body = Payloads.object("gitlab/go-gitlab/pipeline.json");
        ((ObjectNode) body.get("object_attributes")).remove("sha");
        assertThatThrownBy(() -> GitLabNormalizer.normalize("Pipeline Hook", "u", body, RECEIVED))
                .hasMessage("missing field sha");
        ObjectNode noProject = Payloads.object("gitlab/go-gitlab/push.json");
        noProject.remove("project");
        noProject.remove("repository");
        assertThatThrownBy(() -> GitLabNormalizer.normalize("Push Hook", "u", noProject, RECEIVED))
                .hasMessage("missing field project.path_with_namespace");
    }

    private static void refused(String event, ObjectNode body, String message) {
        assertThatThrownBy(() -> GitLabNormalizer.normalize(event, "u", body, RECEIVED))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining(message);
    }

    /** An empty username is nobody: it must not count as an approver; a commit is named by its full sha. */
    @Test
    void identitiesAreLoginsAndCommitsFullShas() {
        ObjectNode approval = Payloads.changed("gitlab/go-gitlab/merge_request.json", "/user/username", "");
        ((ObjectNode) approval.get("object_attributes")).put("action", "approved");
        refused("Merge Request Hook", approval, "field user.username is blank");
        refused("Push Hook", Payloads.changed("gitlab/go-gitlab/push.json", "/user_username", " "),
                "field user_username is blank");
        refused("Deployment Hook", Payloads.changed("gitlab/docs/deployment.docs.json", "/user/username", ""),
                "field user.username is blank");
        refused("Pipeline Hook", Payloads.changed("gitlab/go-gitlab/pipeline.json", "/object_attributes/sha", ""),
                "field sha is not a commit sha");
        refused("Merge Request Hook", Payloads.changed("gitlab/go-gitlab/merge_request.json",
                "/object_attributes/last_commit/id", "da1560886d4f094c3e6c9ef40349f7d38b5d27d"),
                "field object_attributes.last_commit.id is not a commit sha");
        refused("Push Hook", Payloads.changed("gitlab/go-gitlab/push.json", "/before", ""),
                "field before is not a commit sha");
        refused("Job Hook", Payloads.changed("gitlab/go-gitlab/job.json", "/sha", "HEAD"),
                "field sha is not a commit sha");
    }

    @Test
    void aTimeOutOfRangeIsRefusedNamingItsField() {
        ObjectNode pipeline = Payloads.object("gitlab/go-gitlab/pipeline.json");
        ((ObjectNode) pipeline.get("object_attributes")).put("finished_at", -9223372036854775807L);
        refused("Pipeline Hook", pipeline, "field object_attributes.finished_at is -9223372036854775807, a time "
                + "outside the years 1970 to 9999");
        ObjectNode deployment = Payloads.object("gitlab/docs/deployment.docs.json");
        deployment.put("status_changed_at", "2021-04-28 21:50:00 +99");
        refused("Deployment Hook", deployment, "field status_changed_at is not a time");
    }
}
