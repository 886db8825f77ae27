package dev.oversight.policy.topology;

import static dev.oversight.policy.topology.EvidenceScript.sha;

import dev.oversight.events.Actor;
import dev.oversight.events.ArtifactEvent;
import dev.oversight.events.CiResult.CiConclusion;
import dev.oversight.events.DeployEvent;
import dev.oversight.events.Evidence;
import dev.oversight.events.ReviewState;
import dev.oversight.events.Source;
import dev.oversight.policy.file.PolicyFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The catalogue of stories about deploys, as data: every story of {@link OversightRulesScenariosTest} (under the
 * scenarios policy) and of {@link OversightTopologyTest} (under the built-in default policy). Those tests run the
 * stories as written and check what policy-stream said; {@link OrderIndependenceTest} delivers the same evidence in
 * other orders and checks that it says the same. Each story is named after its test.
 *
 * <p>Left out, because their evidence is not a story of evidence: OversightTopologyTest's
 * {@code anUnreadableRecordGoesToTheDeadLetterTopicAndProcessingGoesOn} (it sends raw bytes that are no evidence)
 * and {@code stateIsBoundedByTheRetention} (it checks the state stores, not verdicts, across a month of wall clock).
 */
final class ScenarioStories {

    /** Friday 2026-11-20, 10:00 UTC. */
    static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    /** The walking skeleton's stories start on Tuesday 2026-11-24, 10:00 UTC. */
    static final Instant SKELETON_T0 = Instant.parse("2026-11-24T10:00:00Z");
    /** Past the 60 s grace: every verdict is final. */
    static final Duration PAST_GRACE = Duration.ofSeconds(61);

    static final String POLICY = """
            name: scenarios
            grace: 60s
            groups:
              tech-leads: [lead]
              dbas: [dba]
            bots: { logins: ["release-robot"] }
            environments:
              production: { protected: true, action: alert }
              prod-eu:    { protected: true, action: alert+rollback }
              staging:    { protected: false }
            rules:
              - match: {}
                approvals: { count: 1, onFinalHead: true }
                checks: all-reported
              - match: { repository: "github:acme/strict" }
                approvals: { count: 1, onFinalHead: true, excludeCommitters: true }
                checks: [build, test]
                owners: [ { paths: ["db/migrations/**"], group: dbas } ]
                requireGroups: [tech-leads]
              - match: { repository: "github:acme/hotfix" }
                breakGlass: { label: break-glass, deployFlag: emergency, reviewWithin: 24h }
                freeze: [ { name: weekend, cron: "0 16 * * FRI", duration: 64h, zone: Europe/Copenhagen } ]
                directPush: { allow: ["release-bot"] }
            services:
              - { name: web, repository: "github:acme/monorepo", team: web, paths: ["web/**"] }
              - { name: api, repository: "github:acme/monorepo", team: api, paths: ["api/**"] }
            """;

    /** The built-in default policy, as the file it is read from. */
    static final String DEFAULT_POLICY = resource(PolicyFile.DEFAULT_RESOURCE);

    static final EvidenceScript ACME = new EvidenceScript("acme/payments");
    static final EvidenceScript STRICT = new EvidenceScript("acme/strict");
    static final EvidenceScript HOTFIX = new EvidenceScript("acme/hotfix");
    static final EvidenceScript MONO = new EvidenceScript("acme/monorepo");

    private ScenarioStories() {}

    /** Every story of the catalogue, freshly written. */
    static List<Story> all() {
        return List.of(
                botApprovalDoesNotCount(),
                accountsThePolicyNamesAsBotsDoNotCountEither(),
                aBotAuthoredChangeNeedsAHumanApproval(),
                aDismissedApprovalIsGone(),
                aWithdrawnApprovalIsGoneButACommentLeavesOneStanding(),
                anApprovalBeforeTheLastCommitIsStale(),
                anApprovalAfterTheMergeRemediatesButNeverMakesCompliant(),
                anApprovalOnACommitTheSourceNoLongerHasIsUnavailableNeverAPass(),
                checksTheSourceNoLongerKeepsAreUnavailableNeverAPass(),
                requiredGroupAndCodeOwnersOfTouchedPaths(),
                approvalsFromCommittersDoNotCountWherePolicySaysSo(),
                requiredChecksByName(),
                mergeSquashAndRebaseAllTieTheDeployedCommitToItsChange(),
                theMergeCommitShaOfAnUnmergedChangeNeverTies(),
                aBatchedDeployOfFiveChangesWithOneUnreviewed(),
                aPushStraightToTheDeployedBranchIsADirectPush(),
                aGapInThePushHistoryIsAnUnknownChange(),
                aRedeployOfAnEarlierCommitCoversOnlyThatCommitsChange(),
                aDeployOfAnOpenChangesBranchIsJudgedOnThatChange(),
                failedThenReRunPassedIsCompliant(),
                passedThenFailedIsAViolation(),
                aReRunWithTheSameTimestampsIsDecidedByTheLaterDelivery(),
                aReRunPassingWithinTheGraceClearsAPendingFailure(),
                aCheckStillRunningWhenTheGraceEndsIsMissing(),
                breakGlassIsAnExceptionRemediatedByAReviewInTime(),
                breakGlassWithoutAReviewByTheDeadlineExpiresAndAlerts(),
                breakGlassByALabelOnTheChange(),
                aDeployInsideTheWeekendFreezeIsFlagged(),
                anAllowedPusherMayPushStraightToTheBranch(),
                twoServicesInOneRepositoryAreJudgedOnTheirOwnPaths(),
                oneServiceInTwoEnvironmentsKeepsThemApart(),
                lastGoodIsTheNewestCompliantDeployWhateverOrderVerdictsCome(),
                compliantWhenApprovedByAnotherHumanAndCiIsGreen(),
                flagsDeployWhenOnlyApprovalIsByAuthor(),
                flagsAMergedChangeNobodyApproved(),
                flagsFailedAndMissingCi(),
                flagsADeployOfACommitNoChangeContains(),
                reviewArrivingFiveSecondsAfterTheDeployIsNoViolation(),
                approvalAfterTheFactRemediatesAndTheViolationStaysOnRecord(),
                deploysToUnprotectedEnvironmentsAreRecordedNeverFlagged(),
                countsVerdictsAndReasonsWithBoundedTags(),
                lastGoodIsPerServiceAndEnvironment(),
                theFirstDeployOfACommitOlderThanAnythingSeenIsTheBaseline(),
                aBaselineIsStillJudgedOnTheEvidenceOversightHas(),
                aDeployOfAnArtifactIsTiedToItsChangeWhateverOrderTheirEventsCome());
    }

    private static Story.Builder scenario(String name) {
        return Story.named(name, POLICY, T0);
    }

    // ---- approvals (acme/payments) ----------------------------------------------------------------------------

    /** Change n opened 30 s before its merge at {@code at}, with green CI on the merge commit. */
    private static void merged(Story.Builder story, long n, String author, String head, String merge, Instant at) {
        story.send(ACME.opened(n, author, head, at.minusSeconds(30)),
                ACME.merged(n, author, head, merge, at),
                ACME.check(merge, "build", CiConclusion.SUCCESS, at.plusSeconds(1)));
    }

    static Story botApprovalDoesNotCount() {
        Story.Builder story = scenario("botApprovalDoesNotCount");
        story.send(ACME.opened(1, "alice", sha("h1"), T0.plusSeconds(1)),
                ACME.approved(1, "alice", "renovate[bot]", sha("h1"), T0.plusSeconds(2)));
        merged(story, 1, "alice", sha("h1"), sha("m1"), T0.plusSeconds(3));
        story.send(ACME.deployed(1, sha("m1"), "production", T0.plusSeconds(10)));
        return story.advance(PAST_GRACE).build();
    }

    static Story accountsThePolicyNamesAsBotsDoNotCountEither() {
        Story.Builder story = scenario("accountsThePolicyNamesAsBotsDoNotCountEither");
        story.send(ACME.opened(2, "alice", sha("h2"), T0.plusSeconds(1)),
                ACME.approved(2, "alice", "release-robot", sha("h2"), T0.plusSeconds(2)));
        merged(story, 2, "alice", sha("h2"), sha("m2"), T0.plusSeconds(3));
        story.send(ACME.deployed(2, sha("m2"), "production", T0.plusSeconds(10)));
        return story.advance(PAST_GRACE).build();
    }

    static Story aBotAuthoredChangeNeedsAHumanApproval() {
        Story.Builder story = scenario("aBotAuthoredChangeNeedsAHumanApproval");
        story.send(ACME.opened(3, "dependabot[bot]", sha("h3"), T0.plusSeconds(1)));
        merged(story, 3, "dependabot[bot]", sha("h3"), sha("m3"), T0.plusSeconds(3));
        story.send(ACME.deployed(3, sha("m3"), "production", T0.plusSeconds(10)));
        story.advance(PAST_GRACE).checkpoint("unapproved deploy decided");

        story.send(ACME.opened(4, "dependabot[bot]", sha("h4"), T0.plusSeconds(100)),
                ACME.approved(4, "dependabot[bot]", "bob", sha("h4"), T0.plusSeconds(101)));
        merged(story, 4, "dependabot[bot]", sha("h4"), sha("m4"), T0.plusSeconds(102));
        story.send(ACME.deployed(4, sha("m4"), "production", T0.plusSeconds(110)));
        return story.build();
    }

    static Story aDismissedApprovalIsGone() {
        Story.Builder story = scenario("aDismissedApprovalIsGone");
        story.send(ACME.opened(5, "alice", sha("h5"), T0.plusSeconds(1)),
                ACME.review(5, "alice", Actor.human("bob"), ReviewState.APPROVED, sha("h5"), T0.plusSeconds(2), "77"),
                ACME.review(5, "alice", Actor.human("bob"), ReviewState.DISMISSED, null, T0.plusSeconds(3), "77"));
        merged(story, 5, "alice", sha("h5"), sha("m5"), T0.plusSeconds(4));
        story.send(ACME.deployed(5, sha("m5"), "production", T0.plusSeconds(10)));
        return story.advance(PAST_GRACE).build();
    }

    static Story aWithdrawnApprovalIsGoneButACommentLeavesOneStanding() {
        Story.Builder story = scenario("aWithdrawnApprovalIsGoneButACommentLeavesOneStanding");
        story.send(ACME.opened(6, "alice", sha("h6"), T0.plusSeconds(1)),
                ACME.approved(6, "alice", "carol", sha("h6"), T0.plusSeconds(2)),
                ACME.review(6, "alice", "carol", ReviewState.APPROVAL_WITHDRAWN, null, T0.plusSeconds(3)),
                ACME.approved(6, "alice", "bob", sha("h6"), T0.plusSeconds(4)),
                ACME.review(6, "alice", "bob", ReviewState.COMMENTED, sha("h6"), T0.plusSeconds(5)));
        merged(story, 6, "alice", sha("h6"), sha("m6"), T0.plusSeconds(6));
        story.send(ACME.deployed(6, sha("m6"), "production", T0.plusSeconds(10)));
        return story.build();
    }

    static Story anApprovalBeforeTheLastCommitIsStale() {
        Story.Builder story = scenario("anApprovalBeforeTheLastCommitIsStale");
        story.send(ACME.opened(7, "alice", sha("h7a"), T0.plusSeconds(1)),
                ACME.approved(7, "alice", "bob", sha("h7a"), T0.plusSeconds(2)),
                ACME.updated(7, "alice", sha("h7b"), T0.plusSeconds(3)));
        merged(story, 7, "alice", sha("h7b"), sha("m7"), T0.plusSeconds(4));
        story.send(ACME.deployed(7, sha("m7"), "production", T0.plusSeconds(10)));
        return story.advance(PAST_GRACE).build();
    }

    static Story anApprovalAfterTheMergeRemediatesButNeverMakesCompliant() {
        Story.Builder story = scenario("anApprovalAfterTheMergeRemediatesButNeverMakesCompliant");
        merged(story, 8, "alice", sha("h8"), sha("m8"), T0.plusSeconds(3));
        story.send(ACME.approved(8, "alice", "bob", sha("h8"), T0.plusSeconds(5)),
                ACME.deployed(8, sha("m8"), "production", T0.plusSeconds(10)));
        return story.advance(PAST_GRACE).build();
    }

    // ---- evidence the source no longer has (read from history by a backfill) ---------------------------------

    static Story anApprovalOnACommitTheSourceNoLongerHasIsUnavailableNeverAPass() {
        Story.Builder story = scenario("anApprovalOnACommitTheSourceNoLongerHasIsUnavailableNeverAPass");
        // GitHub answers the review's commit_id as null once a force push removed the commit it was given on.
        story.send(ACME.opened(10, "alice", sha("h10a"), T0.plusSeconds(1)),
                ACME.approved(10, "alice", "bob", null, T0.plusSeconds(2)).withCommitUnavailable(),
                ACME.updated(10, "alice", sha("h10b"), T0.plusSeconds(3)));
        merged(story, 10, "alice", sha("h10b"), sha("m10"), T0.plusSeconds(4));
        story.send(ACME.deployed(10, sha("m10"), "production", T0.plusSeconds(10)));
        story.advance(PAST_GRACE).checkpoint("decided");
        story.send(ACME.approved(10, "alice", "carol", sha("h10b"), T0.plusSeconds(200)));
        return story.advance(PAST_GRACE).build();
    }

    static Story checksTheSourceNoLongerKeepsAreUnavailableNeverAPass() {
        Story.Builder story = scenario("checksTheSourceNoLongerKeepsAreUnavailableNeverAPass");
        // All reported (acme/payments): no check at all is known, and none can be.
        story.send(ACME.opened(11, "alice", sha("h11"), T0.plusSeconds(1)),
                ACME.approved(11, "alice", "bob", sha("h11"), T0.plusSeconds(2)),
                ACME.merged(11, "alice", sha("h11"), sha("m11"), T0.plusSeconds(3)),
                ACME.checksUnavailable(sha("m11"), T0.plusSeconds(10)),
                ACME.deployed(11, sha("m11"), "production", T0.plusSeconds(10)));
        // Checks named by policy (acme/strict: build and test).
        story.send(STRICT.opened(12, "alice", sha("sh12"), T0.plusSeconds(1)),
                STRICT.approved(12, "alice", "lead", sha("sh12"), T0.plusSeconds(2)),
                STRICT.merged(12, "alice", sha("sh12"), sha("sm12"), T0.plusSeconds(3)),
                STRICT.checksUnavailable(sha("sm12"), T0.plusSeconds(10)),
                STRICT.deployed(12, sha("sm12"), "production", T0.plusSeconds(10)));
        return story.advance(PAST_GRACE).build();
    }

    // ---- owners (acme/strict) ---------------------------------------------------------------------------------

    /** Change n: opened, its branch pushed with the files, approved by each approver, merged, build and test green. */
    private static void change(Story.Builder story, long n, String author, List<String> approvers, List<String> files,
                               Instant at) {
        String head = sha("sh" + n);
        story.send(STRICT.opened(n, author, head, at),
                STRICT.push("change-" + n, sha("base" + n), head, author, at.plusSeconds(1), List.of(head), files));
        int i = 2;
        for (String approver : approvers) {
            story.send(STRICT.approved(n, author, approver, head, at.plusSeconds(i++)));
        }
        story.send(STRICT.merged(n, author, head, sha("sm" + n), at.plusSeconds(10)),
                STRICT.check(sha("sm" + n), "build", CiConclusion.SUCCESS, at.plusSeconds(11)),
                STRICT.check(sha("sm" + n), "test", CiConclusion.SUCCESS, at.plusSeconds(12)));
    }

    static Story requiredGroupAndCodeOwnersOfTouchedPaths() {
        Story.Builder story = scenario("requiredGroupAndCodeOwnersOfTouchedPaths");
        change(story, 1, "alice", List.of("lead"), List.of("src/App.java"), T0);
        story.send(STRICT.deployed(1, sha("sm1"), "production", T0.plusSeconds(20)));
        story.checkpoint("lead approved").endPhase();

        change(story, 2, "alice", List.of("lead"), List.of("db/migrations/0042_drop_column.sql"), T0.plusSeconds(100));
        story.send(STRICT.deployed(2, sha("sm2"), "production", T0.plusSeconds(120)));
        story.advance(PAST_GRACE).checkpoint("migration decided");

        change(story, 3, "alice", List.of("bob"), List.of("README.md"), T0.plusSeconds(300));
        story.send(STRICT.deployed(3, sha("sm3"), "production", T0.plusSeconds(320)));
        return story.advance(PAST_GRACE).build();
    }

    static Story approvalsFromCommittersDoNotCountWherePolicySaysSo() {
        Story.Builder story = scenario("approvalsFromCommittersDoNotCountWherePolicySaysSo");
        String head = sha("c-head");
        story.send(STRICT.opened(9, "alice", sha("c-first"), T0),
                STRICT.push("change-9", sha("c-first"), head, "lead", T0.plusSeconds(1), List.of(head),
                        List.of("src/A.java")),
                STRICT.updated(9, "alice", head, T0.plusSeconds(1)),
                STRICT.approved(9, "alice", "lead", head, T0.plusSeconds(2)),
                STRICT.merged(9, "alice", head, sha("c-merge"), T0.plusSeconds(3)),
                STRICT.check(sha("c-merge"), "build", CiConclusion.SUCCESS, T0.plusSeconds(4)),
                STRICT.check(sha("c-merge"), "test", CiConclusion.SUCCESS, T0.plusSeconds(4)),
                STRICT.deployed(9, sha("c-merge"), "production", T0.plusSeconds(10)));
        return story.advance(PAST_GRACE).build();
    }

    static Story requiredChecksByName() {
        Story.Builder story = scenario("requiredChecksByName");
        change(story, 4, "alice", List.of("lead"), List.of("src/B.java"), T0);
        // Only "build" reported on this commit; "test" is required too. A check policy does not ask for is ignored.
        story.send(STRICT.opened(5, "alice", sha("sh5"), T0.plusSeconds(30)),
                STRICT.approved(5, "alice", "lead", sha("sh5"), T0.plusSeconds(31)),
                STRICT.merged(5, "alice", sha("sh5"), sha("sm5"), T0.plusSeconds(32)),
                STRICT.check(sha("sm5"), "build", CiConclusion.SUCCESS, T0.plusSeconds(33)),
                STRICT.check(sha("sm5"), "lint", CiConclusion.FAILURE, T0.plusSeconds(33)),
                STRICT.deployed(5, sha("sm5"), "production", T0.plusSeconds(40)));
        return story.advance(PAST_GRACE).build();
    }

    // ---- change sets (acme/payments) --------------------------------------------------------------------------

    /**
     * Opens, reviews (or not) and merges change n, and pushes its landing to main.
     *
     * @return the merge commit
     */
    private static String land(Story.Builder story, long n, String before, String reviewer, Instant at,
                               String mergeKind) {
        String head = sha("head" + n);
        String merge = sha("merge" + n);
        story.send(ACME.opened(n, "dev" + n, head, at));
        if (reviewer != null) {
            story.send(ACME.approved(n, "dev" + n, reviewer, head, at.plusSeconds(1)));
        }
        List<String> pushed = switch (mergeKind) {
            case "squash" -> List.of(merge);
            case "rebase" -> List.of(sha("rebased-a" + n), merge);
            default -> List.of(head, merge);
        };
        story.send(ACME.merged(n, "dev" + n, head, merge, at.plusSeconds(2)),
                ACME.push("main", before, merge, "dev" + n, at.plusSeconds(2), pushed, List.of("src/F" + n + ".java")));
        return merge;
    }

    static Story mergeSquashAndRebaseAllTieTheDeployedCommitToItsChange() {
        Story.Builder story = scenario("mergeSquashAndRebaseAllTieTheDeployedCommitToItsChange");
        String m1 = land(story, 1, sha("root"), "bob", T0, "merge");
        String m2 = land(story, 2, m1, "bob", T0.plusSeconds(10), "squash");
        String m3 = land(story, 3, m2, "bob", T0.plusSeconds(20), "rebase");
        int id = 1;
        for (String merge : List.of(m1, m2, m3)) {
            story.send(ACME.check(merge, "build", CiConclusion.SUCCESS, story.now().plusSeconds(1)),
                    ACME.deployed(id, merge, "production", story.now().plusSeconds(2)));
            story.checkpoint("deploy " + id);
            id++;
        }
        return story.build();
    }

    static Story theMergeCommitShaOfAnUnmergedChangeNeverTies() {
        Story.Builder story = scenario("theMergeCommitShaOfAnUnmergedChangeNeverTies");
        // GitHub fills merge_commit_sha on open pull requests (a test merge); ingest drops it, and a deploy of
        // that commit is of nothing Oversight can tie. (After a first deploy: that one is the baseline.)
        story.send(ACME.deployed(39, sha("base40"), "production", T0),
                ACME.opened(40, "alice", sha("h40"), T0),
                ACME.approved(40, "alice", "bob", sha("h40"), T0.plusSeconds(1)),
                ACME.check(sha("test-merge-40"), "build", CiConclusion.SUCCESS, T0.plusSeconds(2)),
                ACME.deployed(40, sha("test-merge-40"), "production", T0.plusSeconds(3)));
        return story.advance(PAST_GRACE).build();
    }

    static Story aBatchedDeployOfFiveChangesWithOneUnreviewed() {
        Story.Builder story = scenario("aBatchedDeployOfFiveChangesWithOneUnreviewed");
        String previous = land(story, 10, sha("root"), "bob", T0, "merge");
        story.send(ACME.check(previous, "build", CiConclusion.SUCCESS, T0.plusSeconds(5)),
                ACME.deployed(100, previous, "production", T0.plusSeconds(6)));
        story.checkpoint("previous deploy").endPhase();

        // The five changes land minutes later, over 42 s; the batch is deployed two and a half minutes after that.
        String cursor = previous;
        for (long n = 11; n <= 15; n++) {
            cursor = land(story, n, cursor, n == 13 ? null : "bob", T0.plusSeconds(100 + n * 10),
                    n % 2 == 0 ? "squash" : "merge");
        }
        story.endPhase();
        story.send(ACME.check(cursor, "build", CiConclusion.SUCCESS, T0.plusSeconds(400)),
                ACME.deployed(101, cursor, "production", T0.plusSeconds(401)));
        return story.advance(PAST_GRACE).build();
    }

    static Story aPushStraightToTheDeployedBranchIsADirectPush() {
        Story.Builder story = scenario("aPushStraightToTheDeployedBranchIsADirectPush");
        String m1 = land(story, 20, sha("root"), "bob", T0, "merge");
        story.send(ACME.check(m1, "build", CiConclusion.SUCCESS, T0.plusSeconds(5)),
                ACME.deployed(200, m1, "production", T0.plusSeconds(6)));
        String hotfix = sha("hotfix");
        story.send(ACME.push("main", m1, hotfix, "mallory", T0.plusSeconds(30), List.of(hotfix),
                        List.of("src/Billing.java")),
                ACME.check(hotfix, "build", CiConclusion.SUCCESS, T0.plusSeconds(31)),
                ACME.deployed(201, hotfix, "production", T0.plusSeconds(32)));
        return story.advance(PAST_GRACE).build();
    }

    static Story aGapInThePushHistoryIsAnUnknownChange() {
        Story.Builder story = scenario("aGapInThePushHistoryIsAnUnknownChange");
        String m1 = land(story, 30, sha("root"), "bob", T0, "merge");
        story.send(ACME.check(m1, "build", CiConclusion.SUCCESS, T0.plusSeconds(5)),
                ACME.deployed(300, m1, "production", T0.plusSeconds(6)));
        // The push that brought main from m1 to "unseen" never arrived; change 31 landed after it.
        String m2 = land(story, 31, sha("unseen"), "bob", T0.plusSeconds(20), "merge");
        story.send(ACME.check(m2, "build", CiConclusion.SUCCESS, T0.plusSeconds(25)),
                ACME.deployed(301, m2, "production", T0.plusSeconds(26)));
        return story.advance(PAST_GRACE).build();
    }

    static Story aRedeployOfAnEarlierCommitCoversOnlyThatCommitsChange() {
        Story.Builder story = scenario("aRedeployOfAnEarlierCommitCoversOnlyThatCommitsChange");
        String m1 = land(story, 50, sha("root"), "bob", T0, "merge");
        String m2 = land(story, 51, m1, null, T0.plusSeconds(10), "merge");
        story.send(ACME.check(m1, "build", CiConclusion.SUCCESS, T0.plusSeconds(20)),
                ACME.check(m2, "build", CiConclusion.SUCCESS, T0.plusSeconds(20)),
                ACME.deployed(500, m1, "production", T0.plusSeconds(21)),
                ACME.deployed(501, m2, "production", T0.plusSeconds(22)));
        story.advance(PAST_GRACE).checkpoint("unreviewed deploy decided");
        // Rolling back to m1: previous deploy is m2, which is newer; the walk must not wander off.
        story.send(ACME.deployed(502, m1, "production", story.now().plusSeconds(5)));
        return story.build();
    }

    static Story aDeployOfAnOpenChangesBranchIsJudgedOnThatChange() {
        Story.Builder story = scenario("aDeployOfAnOpenChangesBranchIsJudgedOnThatChange");
        String head = sha("open-head");
        story.send(ACME.opened(60, "alice", head, T0),
                ACME.push("change-60", sha("main"), head, "alice", T0.plusSeconds(1), List.of(head), List.of("a.txt")),
                ACME.approved(60, "alice", "bob", head, T0.plusSeconds(2)),
                ACME.check(head, "build", CiConclusion.SUCCESS, T0.plusSeconds(3)),
                ACME.deployed(600, head, "production", T0.plusSeconds(4)));
        return story.build();
    }

    // ---- continuous integration (acme/payments) ---------------------------------------------------------------

    /** Change n opened, approved by bob and merged as {@code merge}, at T0. */
    private static void reviewed(Story.Builder story, long n, String merge) {
        story.send(ACME.opened(n, "alice", sha("ch" + n), T0),
                ACME.approved(n, "alice", "bob", sha("ch" + n), T0.plusSeconds(1)),
                ACME.merged(n, "alice", sha("ch" + n), merge, T0.plusSeconds(2)));
    }

    static Story failedThenReRunPassedIsCompliant() {
        Story.Builder story = scenario("failedThenReRunPassedIsCompliant");
        reviewed(story, 1, sha("cm1"));
        story.send(ACME.check(sha("cm1"), "build", CiConclusion.FAILURE, 1, T0.plusSeconds(5)),
                ACME.check(sha("cm1"), "build", CiConclusion.SUCCESS, 2, T0.plusSeconds(9)),
                ACME.deployed(1, sha("cm1"), "production", T0.plusSeconds(10)));
        return story.build();
    }

    static Story passedThenFailedIsAViolation() {
        Story.Builder story = scenario("passedThenFailedIsAViolation");
        reviewed(story, 2, sha("cm2"));
        story.send(ACME.check(sha("cm2"), "build", CiConclusion.SUCCESS, 1, T0.plusSeconds(5)),
                ACME.check(sha("cm2"), "build", CiConclusion.FAILURE, 2, T0.plusSeconds(9)),
                ACME.deployed(2, sha("cm2"), "production", T0.plusSeconds(10)));
        return story.advance(PAST_GRACE).build();
    }

    static Story aReRunWithTheSameTimestampsIsDecidedByTheLaterDelivery() {
        Story.Builder story = scenario("aReRunWithTheSameTimestampsIsDecidedByTheLaterDelivery");
        reviewed(story, 3, sha("cm3"));
        // The corpus note: a check run with the same id can arrive failed and then passed, timestamps equal.
        story.send(ACME.check(sha("cm3"), "build", CiConclusion.FAILURE, T0.plusSeconds(5)),
                ACME.check(sha("cm3"), "build", CiConclusion.SUCCESS, T0.plusSeconds(5)),
                ACME.deployed(3, sha("cm3"), "production", T0.plusSeconds(10)));
        return story.build();
    }

    static Story aReRunPassingWithinTheGraceClearsAPendingFailure() {
        Story.Builder story = scenario("aReRunPassingWithinTheGraceClearsAPendingFailure");
        reviewed(story, 4, sha("cm4"));
        story.send(ACME.check(sha("cm4"), "build", CiConclusion.FAILURE, 1, T0.plusSeconds(5)),
                ACME.deployed(4, sha("cm4"), "production", T0.plusSeconds(10)));
        story.advance(Duration.ofSeconds(30));
        story.send(ACME.check(sha("cm4"), "build", CiConclusion.SUCCESS, 2, story.now()));
        return story.advance(Duration.ofSeconds(60)).build();
    }

    static Story aCheckStillRunningWhenTheGraceEndsIsMissing() {
        Story.Builder story = scenario("aCheckStillRunningWhenTheGraceEndsIsMissing");
        reviewed(story, 5, sha("cm5"));
        story.send(ACME.running(sha("cm5"), "build", T0.plusSeconds(5)),
                ACME.deployed(5, sha("cm5"), "production", T0.plusSeconds(10)));
        return story.advance(PAST_GRACE).build();
    }

    // ---- break-glass and freezes (acme/hotfix) ----------------------------------------------------------------

    /** An unreviewed change, merged and deployed with the given flags. */
    private static void emergency(Story.Builder story, long n, Instant at, String... flags) {
        story.send(HOTFIX.opened(n, "oncall", sha("bh" + n), at),
                HOTFIX.merged(n, "oncall", sha("bh" + n), sha("bm" + n), at.plusSeconds(1)),
                HOTFIX.check(sha("bm" + n), "build", CiConclusion.SUCCESS, at.plusSeconds(2)),
                HOTFIX.deployed(n, sha("bm" + n), "production", at.plusSeconds(3), flags));
    }

    static Story breakGlassIsAnExceptionRemediatedByAReviewInTime() {
        Story.Builder story = scenario("breakGlassIsAnExceptionRemediatedByAReviewInTime");
        emergency(story, 1, T0, "emergency");
        story.advance(PAST_GRACE).checkpoint("grace over");
        story.advance(Duration.ofHours(3));
        story.send(HOTFIX.approved(1, "oncall", "lead", sha("bh1"), story.now()));
        return story.build();
    }

    static Story breakGlassWithoutAReviewByTheDeadlineExpiresAndAlerts() {
        Story.Builder story = scenario("breakGlassWithoutAReviewByTheDeadlineExpiresAndAlerts");
        emergency(story, 2, T0, "emergency");
        story.advance(Duration.ofHours(24).plusMinutes(2)).checkpoint("deadline passed");
        // A review that comes late still remediates; the expiry stays on the record.
        story.send(HOTFIX.approved(2, "oncall", "lead", sha("bh2"), story.now()));
        return story.build();
    }

    static Story breakGlassByALabelOnTheChange() {
        Story.Builder story = scenario("breakGlassByALabelOnTheChange");
        story.send(HOTFIX.opened(3, "oncall", sha("bh3"), T0, "break-glass"),
                HOTFIX.merged(3, "oncall", sha("bh3"), sha("bm3"), T0.plusSeconds(1), "break-glass"),
                HOTFIX.check(sha("bm3"), "build", CiConclusion.SUCCESS, T0.plusSeconds(2)),
                HOTFIX.deployed(3, sha("bm3"), "production", T0.plusSeconds(3)));
        return story.advance(PAST_GRACE).build();
    }

    static Story aDeployInsideTheWeekendFreezeIsFlagged() {
        Story.Builder story = scenario("aDeployInsideTheWeekendFreezeIsFlagged");
        // Friday 16:00 in Copenhagen is 15:00 UTC in November; 17:30 UTC is inside the freeze.
        Instant friday = Instant.parse("2026-11-20T17:30:00Z");
        story.advanceTo(friday);
        story.send(HOTFIX.opened(4, "alice", sha("fh4"), friday),
                HOTFIX.approved(4, "alice", "bob", sha("fh4"), friday.plusSeconds(1)),
                HOTFIX.merged(4, "alice", sha("fh4"), sha("fm4"), friday.plusSeconds(2)),
                HOTFIX.check(sha("fm4"), "build", CiConclusion.SUCCESS, friday.plusSeconds(3)),
                HOTFIX.deployed(4, sha("fm4"), "production", friday.plusSeconds(4)));
        story.advance(PAST_GRACE).checkpoint("friday decided");
        // Monday 08:00 UTC is after the 64 h window (ends Monday 07:00 UTC): not flagged.
        Instant monday = Instant.parse("2026-11-23T08:00:00Z");
        story.advanceTo(monday);
        story.send(HOTFIX.opened(5, "alice", sha("fh5"), monday),
                HOTFIX.approved(5, "alice", "bob", sha("fh5"), monday.plusSeconds(1)),
                HOTFIX.merged(5, "alice", sha("fh5"), sha("fm5"), monday.plusSeconds(2)),
                HOTFIX.check(sha("fm5"), "build", CiConclusion.SUCCESS, monday.plusSeconds(3)),
                HOTFIX.deployed(5, sha("fm5"), "production", monday.plusSeconds(4)));
        return story.build();
    }

    static Story anAllowedPusherMayPushStraightToTheBranch() {
        Story.Builder story = scenario("anAllowedPusherMayPushStraightToTheBranch");
        String release = sha("release");
        story.send(HOTFIX.push("main", sha("before-release"), release, "release-bot", T0, List.of(release),
                        List.of("VERSION")),
                HOTFIX.check(release, "build", CiConclusion.SUCCESS, T0.plusSeconds(1)),
                HOTFIX.deployed(6, release, "production", T0.plusSeconds(2)));
        return story.build();
    }

    // ---- services and environments (acme/monorepo) ------------------------------------------------------------

    /**
     * Opens, reviews (or not) and merges change n touching one file, pushes it to main, and CI passes on the merge.
     *
     * @return the merge commit
     */
    private static String landMono(Story.Builder story, long n, String before, String reviewer, String file, Instant at) {
        String head = sha("mh" + n);
        String merge = sha("mm" + n);
        story.send(MONO.opened(n, "dev", head, at));
        if (reviewer != null) {
            story.send(MONO.approved(n, "dev", reviewer, head, at.plusSeconds(1)));
        }
        story.send(MONO.merged(n, "dev", head, merge, at.plusSeconds(2)),
                MONO.push("main", before, merge, "dev", at.plusSeconds(2), List.of(head, merge), List.of(file)),
                MONO.check(merge, "build", CiConclusion.SUCCESS, at.plusSeconds(3)));
        return merge;
    }

    private static DeployEvent succeeded(long id, String sha, String environment, String service, Instant at) {
        return MONO.deploy(id, sha, environment, service, DeployEvent.DeployState.SUCCEEDED, at);
    }

    static Story twoServicesInOneRepositoryAreJudgedOnTheirOwnPaths() {
        Story.Builder story = scenario("twoServicesInOneRepositoryAreJudgedOnTheirOwnPaths");
        String base = landMono(story, 1, sha("mroot"), "bob", "web/index.html", T0);
        story.send(succeeded(10, base, "production", "web", T0.plusSeconds(5)),
                succeeded(20, base, "production", "api", T0.plusSeconds(5)));
        String afterApi = landMono(story, 2, base, null, "api/Orders.java", T0.plusSeconds(10));
        String afterWeb = landMono(story, 3, afterApi, "bob", "web/app.js", T0.plusSeconds(20));
        story.send(succeeded(11, afterWeb, "production", "web", T0.plusSeconds(30)),
                succeeded(21, afterWeb, "production", "api", T0.plusSeconds(30)));
        return story.advance(PAST_GRACE).build();
    }

    static Story oneServiceInTwoEnvironmentsKeepsThemApart() {
        Story.Builder story = scenario("oneServiceInTwoEnvironmentsKeepsThemApart");
        String m1 = landMono(story, 5, sha("eroot"), "bob", "web/a.html", T0);
        story.send(succeeded(50, m1, "staging", "web", T0.plusSeconds(5)));
        String m2 = landMono(story, 6, m1, null, "web/b.html", T0.plusSeconds(10));
        story.send(succeeded(51, m2, "staging", "web", T0.plusSeconds(20)),
                succeeded(52, m2, "prod-eu", "web", T0.plusSeconds(21)));
        return story.advance(PAST_GRACE).build();
    }

    static Story lastGoodIsTheNewestCompliantDeployWhateverOrderVerdictsCome() {
        Story.Builder story = scenario("lastGoodIsTheNewestCompliantDeployWhateverOrderVerdictsCome");
        String m1 = landMono(story, 7, sha("lroot"), "bob", "web/x.html", T0);
        String m2 = landMono(story, 8, m1, "bob", "web/y.html", T0.plusSeconds(10));
        // The newer deploy's verdict is decided first (the older one waits for its CI).
        story.send(succeeded(70, m2, "production", "web", T0.plusSeconds(30)));
        story.checkpoint("newer deploy decided");
        story.send(succeeded(69, m1, "production", "web", T0.plusSeconds(20)));
        return story.build();
    }

    // ---- the walking skeleton, under the built-in default policy (acme/payments) ------------------------------

    private static Story.Builder skeleton(String name) {
        return Story.named(name, DEFAULT_POLICY, SKELETON_T0);
    }

    /** A pull request reviewed by someone else and merged, with green CI on the merge commit. */
    private static void reviewedAndMerged(Story.Builder story, long number, String author, String reviewer,
                                          String head, String merge) {
        story.send(ACME.opened(number, author, head, SKELETON_T0.plusSeconds(1)),
                ACME.approved(number, author, reviewer, head, SKELETON_T0.plusSeconds(2)),
                ACME.merged(number, author, head, merge, SKELETON_T0.plusSeconds(3)),
                ACME.check(merge, "build", CiConclusion.SUCCESS, SKELETON_T0.plusSeconds(4)));
    }

    static Story compliantWhenApprovedByAnotherHumanAndCiIsGreen() {
        Story.Builder story = skeleton("compliantWhenApprovedByAnotherHumanAndCiIsGreen");
        reviewedAndMerged(story, 42, "alice", "bob", sha("head42"), sha("merge42"));
        story.send(ACME.deployed(1, sha("merge42"), "production", SKELETON_T0.plusSeconds(10)));
        return story.build();
    }

    static Story flagsDeployWhenOnlyApprovalIsByAuthor() {
        Story.Builder story = skeleton("flagsDeployWhenOnlyApprovalIsByAuthor");
        reviewedAndMerged(story, 7, "carol", "carol", sha("head7"), sha("merge7"));
        story.send(ACME.deployed(2, sha("merge7"), "production", SKELETON_T0.plusSeconds(10)));
        story.checkpoint("deployed");
        story.advance(Duration.ofSeconds(59)).checkpoint("still within the grace");
        return story.advance(Duration.ofSeconds(2)).build();
    }

    static Story flagsAMergedChangeNobodyApproved() {
        Story.Builder story = skeleton("flagsAMergedChangeNobodyApproved");
        story.send(ACME.opened(8, "dan", sha("head8"), SKELETON_T0.plusSeconds(1)),
                ACME.review(8, "dan", "erin", ReviewState.COMMENTED, sha("head8"), SKELETON_T0.plusSeconds(2)),
                ACME.merged(8, "dan", sha("head8"), sha("merge8"), SKELETON_T0.plusSeconds(3)),
                ACME.check(sha("merge8"), "build", CiConclusion.SUCCESS, SKELETON_T0.plusSeconds(4)),
                ACME.deployed(3, sha("merge8"), "production", SKELETON_T0.plusSeconds(5)));
        return story.advance(PAST_GRACE).build();
    }

    static Story flagsFailedAndMissingCi() {
        Story.Builder story = skeleton("flagsFailedAndMissingCi");
        reviewedAndMerged(story, 9, "alice", "bob", sha("head9"), sha("merge9"));
        story.send(ACME.check(sha("merge9"), "test", CiConclusion.FAILURE, SKELETON_T0.plusSeconds(5)),
                ACME.deployed(4, sha("merge9"), "production", SKELETON_T0.plusSeconds(6)));
        reviewedAndMerged(story, 10, "alice", "bob", sha("head10"), sha("merge10-no-ci"));
        story.send(ACME.deployed(5, sha("merge10-no-ci-other"), "production", SKELETON_T0.plusSeconds(7)));
        return story.advance(Duration.ofSeconds(70)).build();
    }

    static Story flagsADeployOfACommitNoChangeContains() {
        Story.Builder story = skeleton("flagsADeployOfACommitNoChangeContains");
        // A reviewed deploy first: an unknown commit after it is a violation (the first one would be the baseline).
        reviewedAndMerged(story, 5, "alice", "bob", sha("head5"), sha("merge5"));
        story.send(ACME.deployed(5, sha("merge5"), "production", SKELETON_T0.plusSeconds(5)),
                ACME.check(sha("stray"), "build", CiConclusion.SUCCESS, SKELETON_T0.plusSeconds(6)),
                ACME.deployed(6, sha("stray"), "production", SKELETON_T0.plusSeconds(7)));
        return story.advance(PAST_GRACE).build();
    }

    static Story reviewArrivingFiveSecondsAfterTheDeployIsNoViolation() {
        Story.Builder story = skeleton("reviewArrivingFiveSecondsAfterTheDeployIsNoViolation");
        // The review was given before the merge; its webhook arrives after the deploy's.
        story.send(ACME.opened(11, "alice", sha("head11"), SKELETON_T0.plusSeconds(1)),
                ACME.merged(11, "alice", sha("head11"), sha("merge11"), SKELETON_T0.plusSeconds(20)),
                ACME.check(sha("merge11"), "build", CiConclusion.SUCCESS, SKELETON_T0.plusSeconds(21)),
                ACME.deployed(7, sha("merge11"), "production", SKELETON_T0.plusSeconds(30)));
        story.advance(Duration.ofSeconds(5));
        story.send(ACME.approved(11, "alice", "bob", sha("head11"), SKELETON_T0.plusSeconds(10)));
        return story.advance(Duration.ofSeconds(120)).build();
    }

    static Story approvalAfterTheFactRemediatesAndTheViolationStaysOnRecord() {
        Story.Builder story = skeleton("approvalAfterTheFactRemediatesAndTheViolationStaysOnRecord");
        story.send(ACME.opened(12, "alice", sha("head12"), SKELETON_T0.plusSeconds(1)),
                ACME.merged(12, "alice", sha("head12"), sha("merge12"), SKELETON_T0.plusSeconds(2)),
                ACME.check(sha("merge12"), "build", CiConclusion.SUCCESS, SKELETON_T0.plusSeconds(3)),
                ACME.deployed(8, sha("merge12"), "production", SKELETON_T0.plusSeconds(4)));
        story.advance(PAST_GRACE);
        story.send(ACME.approved(12, "alice", "bob", sha("head12"), story.now().plusSeconds(600)));
        return story.build();
    }

    static Story deploysToUnprotectedEnvironmentsAreRecordedNeverFlagged() {
        Story.Builder story = skeleton("deploysToUnprotectedEnvironmentsAreRecordedNeverFlagged");
        story.send(ACME.check(sha("anything"), "build", CiConclusion.FAILURE, SKELETON_T0.plusSeconds(1)),
                ACME.deployed(9, sha("anything"), "staging", SKELETON_T0.plusSeconds(2)));
        return story.advance(Duration.ofSeconds(120)).build();
    }

    static Story countsVerdictsAndReasonsWithBoundedTags() {
        Story.Builder story = skeleton("countsVerdictsAndReasonsWithBoundedTags");
        reviewedAndMerged(story, 14, "carol", "carol", sha("head14"), sha("merge14"));
        story.send(ACME.deployed(11, sha("merge14"), "production", SKELETON_T0.plusSeconds(10)));
        return story.advance(PAST_GRACE).build();
    }

    static Story lastGoodIsPerServiceAndEnvironment() {
        Story.Builder story = skeleton("lastGoodIsPerServiceAndEnvironment");
        reviewedAndMerged(story, 15, "alice", "bob", sha("head15"), sha("merge15"));
        story.send(ACME.deployed(12, sha("merge15"), "production", SKELETON_T0.plusSeconds(10)),
                ACME.deployed(13, sha("merge15"), "prod", SKELETON_T0.plusSeconds(11)));
        return story.build();
    }

    static Story theFirstDeployOfACommitOlderThanAnythingSeenIsTheBaseline() {
        Story.Builder story = skeleton("theFirstDeployOfACommitOlderThanAnythingSeenIsTheBaseline");
        // Oversight starts watching: the service's first deploy carries history it never saw.
        story.send(ACME.check(sha("old"), "build", CiConclusion.SUCCESS, SKELETON_T0.plusSeconds(1)),
                ACME.deployed(30, sha("old"), "production", SKELETON_T0.plusSeconds(2)));
        story.advance(PAST_GRACE).checkpoint("baseline");
        // The next deploy is judged from it: the change since the baseline, reviewed, compliant.
        Instant later = SKELETON_T0.plusSeconds(65);
        story.send(ACME.opened(31, "alice", sha("head31"), later),
                ACME.approved(31, "alice", "bob", sha("head31"), later.plusSeconds(1)),
                ACME.merged(31, "alice", sha("head31"), sha("merge31"), later.plusSeconds(2)),
                ACME.check(sha("merge31"), "build", CiConclusion.SUCCESS, later.plusSeconds(3)));
        story.send(ACME.push("main", sha("old"), sha("merge31"), "merger", SKELETON_T0.plusSeconds(70),
                        List.of(sha("merge31")), List.of("src/a.java")),
                ACME.deployed(31, sha("merge31"), "production", SKELETON_T0.plusSeconds(80)));
        return story.advance(PAST_GRACE).build();
    }

    static Story aBaselineIsStillJudgedOnTheEvidenceOversightHas() {
        Story.Builder story = skeleton("aBaselineIsStillJudgedOnTheEvidenceOversightHas");
        // A failed check on the deployed commit is evidence Oversight saw: the first deploy is flagged for it.
        story.send(ACME.check(sha("old2"), "build", CiConclusion.FAILURE, SKELETON_T0.plusSeconds(1)),
                ACME.deployed(32, sha("old2"), "production", SKELETON_T0.plusSeconds(2)));
        return story.advance(PAST_GRACE).build();
    }

    static Story aDeployOfAnArtifactIsTiedToItsChangeWhateverOrderTheirEventsCome() {
        Story.Builder story = skeleton("aDeployOfAnArtifactIsTiedToItsChangeWhateverOrderTheirEventsCome");
        reviewedAndMerged(story, 21, "alice", "bob", sha("head21"), sha("merge21"));
        String artifact = "pkg:oci/payments@sha256:0a1b2c?repository_url=registry.example/acme/payments";
        // CDEvents: service.deployed names only the artifact; artifact.packaged (on the CI topic) ties it.
        story.send(new DeployEvent(Evidence.SCHEMA, Source.CDEVENTS, ACME.repository, "cd-deploy-21",
                        SKELETON_T0.plusSeconds(10), ACME.deployId(21), "production", "payments", null, null, artifact,
                        DeployEvent.DeployState.SUCCEEDED, Actor.human("argocd"), null, null, List.of(), null),
                new ArtifactEvent(Evidence.SCHEMA, Source.CDEVENTS, ACME.repository, "cd-artifact-21",
                        SKELETON_T0.plusSeconds(5), artifact, sha("merge21"), ACME.changeId(21)));
        return story.advance(PAST_GRACE).build();
    }

    private static String resource(String name) {
        try (InputStream in = PolicyFile.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
