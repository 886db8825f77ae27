package dev.oversight.policy.topology;

import static dev.oversight.policy.topology.EvidenceScript.sha;
import static dev.oversight.policy.topology.ScenarioStories.ACME;
import static dev.oversight.policy.topology.ScenarioStories.HOTFIX;
import static dev.oversight.policy.topology.ScenarioStories.MONO;
import static dev.oversight.policy.topology.ScenarioStories.STRICT;
import static dev.oversight.policy.topology.ScenarioStories.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.events.LastGood;
import dev.oversight.events.ReasonCode;
import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import dev.oversight.policy.PolicyMeters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The oversight rules, complete: every reason code and the semantics of policy-stream/README.md ("How a verdict is
 * reached", "Reason codes"), through the production topology, each under the policy that asks for it. The stories
 * are in {@link ScenarioStories}, where {@link OrderIndependenceTest} delivers them in other orders too; here each
 * is run as written.
 */
class OversightRulesScenariosTest {

    @TempDir
    Path stateDir;

    private StoryRun run(Story story) {
        return StoryRunner.asWritten(story, stateDir);
    }

    private static List<ReasonCode> codes(Verdict verdict) {
        return verdict.reasons().stream().map(Verdict.Reason::code).toList();
    }

    @Nested
    class Approvals {

        @Test
        void botApprovalDoesNotCount() {
            Verdict v = run(ScenarioStories.botApprovalDoesNotCount()).end().lastOf(ACME.deployId(1));
            assertThat(v.status()).isEqualTo(VerdictStatus.VIOLATION);
            assertThat(codes(v)).containsExactly(ReasonCode.BOT_APPROVAL);
        }

        @Test
        void accountsThePolicyNamesAsBotsDoNotCountEither() {
            StoryRun run = run(ScenarioStories.accountsThePolicyNamesAsBotsDoNotCountEither());
            assertThat(codes(run.end().lastOf(ACME.deployId(2)))).containsExactly(ReasonCode.BOT_APPROVAL);
        }

        @Test
        void aBotAuthoredChangeNeedsAHumanApproval() {
            StoryRun run = run(ScenarioStories.aBotAuthoredChangeNeedsAHumanApproval());
            assertThat(codes(run.at("unapproved deploy decided").lastOf(ACME.deployId(3))))
                    .containsExactly(ReasonCode.NO_APPROVAL);
            assertThat(run.end().lastOf(ACME.deployId(4)).status()).isEqualTo(VerdictStatus.COMPLIANT);
        }

        @Test
        void aDismissedApprovalIsGone() {
            Verdict v = run(ScenarioStories.aDismissedApprovalIsGone()).end().lastOf(ACME.deployId(5));
            assertThat(codes(v)).containsExactly(ReasonCode.APPROVAL_DISMISSED);
            assertThat(v.reasons().get(0).detail()).contains("bob");
        }

        @Test
        void aWithdrawnApprovalIsGoneButACommentLeavesOneStanding() {
            Verdict v = run(ScenarioStories.aWithdrawnApprovalIsGoneButACommentLeavesOneStanding()).end()
                    .lastOf(ACME.deployId(6));
            assertThat(v.status()).isEqualTo(VerdictStatus.COMPLIANT);
            assertThat(v.changes().get(0).approvers()).containsExactly("bob");
        }

        @Test
        void anApprovalBeforeTheLastCommitIsStale() {
            Verdict v = run(ScenarioStories.anApprovalBeforeTheLastCommitIsStale()).end().lastOf(ACME.deployId(7));
            assertThat(codes(v)).containsExactly(ReasonCode.STALE_APPROVAL);
            assertThat(v.reasons().get(0).detail()).contains("bob").contains(sha("h7b").substring(0, 7));
        }

        @Test
        void anApprovalAfterTheMergeRemediatesButNeverMakesCompliant() {
            StoryRun.Observation end = run(ScenarioStories.anApprovalAfterTheMergeRemediatesButNeverMakesCompliant())
                    .end();
            // The approval came after the merge: the deploy was a violation, made good after the fact. Both are
            // on the record, decided when the grace ends.
            assertThat(end.lastOf(ACME.deployId(8)).status()).isEqualTo(VerdictStatus.REMEDIATED);
            assertThat(end.history(ACME.deployId(8))).containsExactly(VerdictStatus.PENDING, VerdictStatus.VIOLATION,
                    VerdictStatus.REMEDIATED);
        }
    }

    @Nested
    class Unavailable {

        @Test
        void anApprovalOnACommitTheSourceNoLongerHasIsUnavailableNeverAPass() {
            StoryRun run = run(ScenarioStories.anApprovalOnACommitTheSourceNoLongerHasIsUnavailableNeverAPass());
            Verdict v = run.at("decided").lastOf(ACME.deployId(10));
            assertThat(v.status()).isEqualTo(VerdictStatus.VIOLATION);
            assertThat(codes(v)).containsExactly(ReasonCode.EVIDENCE_UNAVAILABLE);
            assertThat(v.reasons().get(0).detail()).contains("bob").contains("no longer has")
                    .contains(sha("h10b").substring(0, 7));
            assertThat(v.changes().get(0).approvers()).isEmpty();
            // An approval of the final head after the fact makes it good, as for any approval that did not count.
            assertThat(run.end().history(ACME.deployId(10))).containsExactly(VerdictStatus.PENDING,
                    VerdictStatus.VIOLATION, VerdictStatus.REMEDIATED);
        }

        @Test
        void checksTheSourceNoLongerKeepsAreUnavailableNeverAPass() {
            StoryRun.Observation end = run(ScenarioStories.checksTheSourceNoLongerKeepsAreUnavailableNeverAPass()).end();
            Verdict allReported = end.lastOf(ACME.deployId(11));
            assertThat(allReported.status()).isEqualTo(VerdictStatus.VIOLATION);
            assertThat(codes(allReported)).containsExactly(ReasonCode.EVIDENCE_UNAVAILABLE);
            assertThat(allReported.ci()).extracting(Verdict.CheckSummary::name, Verdict.CheckSummary::conclusion)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("*", "unavailable"));

            Verdict named = end.lastOf(STRICT.deployId(12));
            assertThat(named.status()).isEqualTo(VerdictStatus.VIOLATION);
            assertThat(codes(named)).containsExactly(ReasonCode.EVIDENCE_UNAVAILABLE, ReasonCode.EVIDENCE_UNAVAILABLE);
            assertThat(named.reasons()).extracting(Verdict.Reason::detail)
                    .anySatisfy(d -> assertThat(d).contains("required check build"))
                    .anySatisfy(d -> assertThat(d).contains("required check test"));
        }
    }

    @Nested
    class Owners {

        @Test
        void requiredGroupAndCodeOwnersOfTouchedPaths() {
            StoryRun run = run(ScenarioStories.requiredGroupAndCodeOwnersOfTouchedPaths());
            assertThat(run.at("lead approved").lastOf(STRICT.deployId(1)).status()).isEqualTo(VerdictStatus.COMPLIANT);

            Verdict v = run.at("migration decided").lastOf(STRICT.deployId(2));
            assertThat(codes(v)).containsExactly(ReasonCode.MISSING_OWNER_APPROVAL);
            assertThat(v.reasons().get(0).detail()).contains("db/migrations/0042_drop_column.sql").contains("dbas");

            Verdict noLead = run.end().lastOf(STRICT.deployId(3));
            assertThat(codes(noLead)).containsExactly(ReasonCode.MISSING_OWNER_APPROVAL);
            assertThat(noLead.reasons().get(0).detail()).contains("tech-leads");
        }

        @Test
        void approvalsFromCommittersDoNotCountWherePolicySaysSo() {
            Verdict v = run(ScenarioStories.approvalsFromCommittersDoNotCountWherePolicySaysSo()).end()
                    .lastOf(STRICT.deployId(9));
            assertThat(codes(v)).contains(ReasonCode.SELF_APPROVAL);
            assertThat(v.reasons().get(0).detail()).contains("committer lead");
        }

        @Test
        void requiredChecksByName() {
            Verdict v = run(ScenarioStories.requiredChecksByName()).end().lastOf(STRICT.deployId(5));
            assertThat(codes(v)).containsExactly(ReasonCode.CI_MISSING);
            assertThat(v.reasons().get(0).detail()).contains("required check test never reported");
        }
    }

    @Nested
    class ChangeSets {

        @Test
        void mergeSquashAndRebaseAllTieTheDeployedCommitToItsChange() {
            StoryRun run = run(ScenarioStories.mergeSquashAndRebaseAllTieTheDeployedCommitToItsChange());
            for (int id = 1; id <= 3; id++) {
                Verdict v = run.at("deploy " + id).lastOf(ACME.deployId(id));
                assertThat(v.status()).as("deploy " + id).isEqualTo(VerdictStatus.COMPLIANT);
                assertThat(v.changes()).extracting(Verdict.ChangeSummary::id).containsExactly(ACME.changeId(id));
            }
        }

        @Test
        void theMergeCommitShaOfAnUnmergedChangeNeverTies() {
            StoryRun run = run(ScenarioStories.theMergeCommitShaOfAnUnmergedChangeNeverTies());
            assertThat(codes(run.end().lastOf(ACME.deployId(40)))).containsExactly(ReasonCode.UNKNOWN_CHANGE);
        }

        @Test
        void aBatchedDeployOfFiveChangesWithOneUnreviewed() {
            StoryRun run = run(ScenarioStories.aBatchedDeployOfFiveChangesWithOneUnreviewed());
            assertThat(run.at("previous deploy").lastOf(ACME.deployId(100)).status())
                    .isEqualTo(VerdictStatus.COMPLIANT);

            Verdict v = run.end().lastOf(ACME.deployId(101));
            assertThat(v.status()).isEqualTo(VerdictStatus.VIOLATION);
            assertThat(v.previousSha()).isEqualTo(sha("merge10"));
            assertThat(v.changes()).extracting(Verdict.ChangeSummary::id).containsExactlyInAnyOrder(
                    ACME.changeId(11), ACME.changeId(12), ACME.changeId(13), ACME.changeId(14), ACME.changeId(15));
            assertThat(v.reasons()).singleElement().satisfies(r -> {
                assertThat(r.code()).isEqualTo(ReasonCode.NO_APPROVAL);
                assertThat(r.detail()).startsWith("change #13 ");
            });
        }

        @Test
        void aPushStraightToTheDeployedBranchIsADirectPush() {
            Verdict v = run(ScenarioStories.aPushStraightToTheDeployedBranchIsADirectPush()).end()
                    .lastOf(ACME.deployId(201));
            assertThat(codes(v)).containsExactly(ReasonCode.DIRECT_PUSH);
            assertThat(v.reasons().get(0).detail()).contains("mallory").contains("main");
        }

        @Test
        void aGapInThePushHistoryIsAnUnknownChange() {
            Verdict v = run(ScenarioStories.aGapInThePushHistoryIsAnUnknownChange()).end().lastOf(ACME.deployId(301));
            assertThat(codes(v)).containsExactly(ReasonCode.UNKNOWN_CHANGE);
            assertThat(v.reasons().get(0).detail()).contains("pushes Oversight has not seen");
            assertThat(v.changes()).extracting(Verdict.ChangeSummary::id).containsExactly(ACME.changeId(31));
        }

        @Test
        void aRedeployOfAnEarlierCommitCoversOnlyThatCommitsChange() {
            StoryRun run = run(ScenarioStories.aRedeployOfAnEarlierCommitCoversOnlyThatCommitsChange());
            assertThat(run.at("unreviewed deploy decided").lastOf(ACME.deployId(501)).status())
                    .isEqualTo(VerdictStatus.VIOLATION);
            // Rolling back to m1: previous deploy is m2, which is newer; the walk must not wander off.
            Verdict back = run.end().lastOf(ACME.deployId(502));
            assertThat(back.status()).isEqualTo(VerdictStatus.COMPLIANT);
            assertThat(back.previousSha()).isEqualTo(sha("merge51"));
            assertThat(back.changes()).extracting(Verdict.ChangeSummary::id).containsExactly(ACME.changeId(50));
        }

        @Test
        void aDeployOfAnOpenChangesBranchIsJudgedOnThatChange() {
            Verdict v = run(ScenarioStories.aDeployOfAnOpenChangesBranchIsJudgedOnThatChange()).end()
                    .lastOf(ACME.deployId(600));
            assertThat(v.status()).isEqualTo(VerdictStatus.COMPLIANT);
            assertThat(v.changes()).extracting(Verdict.ChangeSummary::id).containsExactly(ACME.changeId(60));
        }
    }

    @Nested
    class ContinuousIntegration {

        @Test
        void failedThenReRunPassedIsCompliant() {
            StoryRun run = run(ScenarioStories.failedThenReRunPassedIsCompliant());
            assertThat(run.end().history(ACME.deployId(1))).containsExactly(VerdictStatus.COMPLIANT);
        }

        @Test
        void passedThenFailedIsAViolation() {
            Verdict v = run(ScenarioStories.passedThenFailedIsAViolation()).end().lastOf(ACME.deployId(2));
            assertThat(codes(v)).containsExactly(ReasonCode.CI_FAILED);
            assertThat(v.reasons().get(0).detail()).contains("attempt 2");
        }

        @Test
        void aReRunWithTheSameTimestampsIsDecidedByTheLaterDelivery() {
            // The corpus note: a check run with the same id can arrive failed and then passed, timestamps equal.
            StoryRun run = run(ScenarioStories.aReRunWithTheSameTimestampsIsDecidedByTheLaterDelivery());
            assertThat(run.end().history(ACME.deployId(3))).containsExactly(VerdictStatus.COMPLIANT);
        }

        @Test
        void aReRunPassingWithinTheGraceClearsAPendingFailure() {
            StoryRun run = run(ScenarioStories.aReRunPassingWithinTheGraceClearsAPendingFailure());
            assertThat(run.end().history(ACME.deployId(4)))
                    .containsExactly(VerdictStatus.PENDING, VerdictStatus.COMPLIANT);
        }

        @Test
        void aCheckStillRunningWhenTheGraceEndsIsMissing() {
            Verdict v = run(ScenarioStories.aCheckStillRunningWhenTheGraceEndsIsMissing()).end()
                    .lastOf(ACME.deployId(5));
            assertThat(codes(v)).containsExactly(ReasonCode.CI_MISSING);
            assertThat(v.reasons().get(0).detail()).contains("has not finished");
        }
    }

    @Nested
    class BreakGlassAndFreezes {

        @Test
        void breakGlassIsAnExceptionRemediatedByAReviewInTime() {
            StoryRun run = run(ScenarioStories.breakGlassIsAnExceptionRemediatedByAReviewInTime());
            Verdict exception = run.at("grace over").lastOf(HOTFIX.deployId(1));
            assertThat(exception.status()).isEqualTo(VerdictStatus.EXCEPTION);
            assertThat(codes(exception)).containsExactly(ReasonCode.BREAK_GLASS, ReasonCode.NO_APPROVAL);
            assertThat(exception.deadline()).isEqualTo(T0.plusSeconds(3).plus(Duration.ofHours(24)));

            assertThat(run.end().history(HOTFIX.deployId(1))).containsExactly(VerdictStatus.PENDING,
                    VerdictStatus.EXCEPTION, VerdictStatus.REMEDIATED);
            assertThat(run.meters().get(PolicyMeters.BREAK_GLASS_REVIEWS)
                    .tag("outcome", "in_time").counter().count()).isEqualTo(1.0);
        }

        @Test
        void breakGlassWithoutAReviewByTheDeadlineExpiresAndAlerts() {
            StoryRun run = run(ScenarioStories.breakGlassWithoutAReviewByTheDeadlineExpiresAndAlerts());
            StoryRun.Observation expiry = run.at("deadline passed");
            Verdict expired = expiry.lastOf(HOTFIX.deployId(2));
            assertThat(expired.status()).isEqualTo(VerdictStatus.VIOLATION);
            assertThat(codes(expired)).startsWith(ReasonCode.BREAK_GLASS_EXPIRED).contains(ReasonCode.NO_APPROVAL);
            assertThat(expiry.history(HOTFIX.deployId(2))).containsExactly(VerdictStatus.PENDING,
                    VerdictStatus.EXCEPTION, VerdictStatus.VIOLATION);
            // A review that comes late still remediates; the expiry stays on the record.
            assertThat(run.end().history(HOTFIX.deployId(2))).endsWith(VerdictStatus.VIOLATION,
                    VerdictStatus.REMEDIATED);
            assertThat(run.meters().get(PolicyMeters.BREAK_GLASS_REVIEWS)
                    .tag("outcome", "expired").counter().count()).isEqualTo(1.0);
            assertThat(run.meters().get(PolicyMeters.BREAK_GLASS_REVIEWS)
                    .tag("outcome", "late").counter().count()).isEqualTo(1.0);
        }

        @Test
        void breakGlassByALabelOnTheChange() {
            Verdict v = run(ScenarioStories.breakGlassByALabelOnTheChange()).end().lastOf(HOTFIX.deployId(3));
            assertThat(v.status()).isEqualTo(VerdictStatus.EXCEPTION);
            assertThat(v.reasons().get(0).detail()).contains("label 'break-glass'");
        }

        @Test
        void aDeployInsideTheWeekendFreezeIsFlagged() {
            StoryRun run = run(ScenarioStories.aDeployInsideTheWeekendFreezeIsFlagged());
            Verdict v = run.at("friday decided").lastOf(HOTFIX.deployId(4));
            assertThat(codes(v)).containsExactly(ReasonCode.FREEZE_WINDOW);
            assertThat(v.reasons().get(0).detail()).contains("'weekend'");
            // Monday 08:00 UTC is after the 64 h window (ends Monday 07:00 UTC): not flagged.
            assertThat(run.end().lastOf(HOTFIX.deployId(5)).status()).isEqualTo(VerdictStatus.COMPLIANT);
        }

        @Test
        void anAllowedPusherMayPushStraightToTheBranch() {
            StoryRun run = run(ScenarioStories.anAllowedPusherMayPushStraightToTheBranch());
            assertThat(run.end().lastOf(HOTFIX.deployId(6)).status()).isEqualTo(VerdictStatus.COMPLIANT);
        }
    }

    @Nested
    class ServicesAndEnvironments {

        @Test
        void twoServicesInOneRepositoryAreJudgedOnTheirOwnPaths() {
            StoryRun.Observation end = run(ScenarioStories.twoServicesInOneRepositoryAreJudgedOnTheirOwnPaths()).end();
            String base = sha("mm1");
            String afterWeb = sha("mm3");

            Verdict web = end.lastOf(MONO.deployId(11));
            assertThat(web.service()).isEqualTo("web");
            assertThat(web.team()).isEqualTo("web");
            assertThat(web.status()).isEqualTo(VerdictStatus.COMPLIANT);
            assertThat(web.changes()).extracting(Verdict.ChangeSummary::id).containsExactly(MONO.changeId(3));
            Verdict api = end.lastOf(MONO.deployId(21));
            assertThat(api.service()).isEqualTo("api");
            assertThat(api.status()).isEqualTo(VerdictStatus.VIOLATION);
            assertThat(api.changes()).extracting(Verdict.ChangeSummary::id).containsExactly(MONO.changeId(2));
            assertThat(codes(api)).containsExactly(ReasonCode.NO_APPROVAL);
            List<LastGood> good = end.lastGood();
            assertThat(good).extracting(LastGood::service).contains("web", "api");
            assertThat(good).filteredOn(g -> g.service().equals("web")).last()
                    .satisfies(g -> assertThat(g.sha()).isEqualTo(afterWeb));
            assertThat(good).filteredOn(g -> g.service().equals("api")).last()
                    .satisfies(g -> assertThat(g.sha()).isEqualTo(base));
        }

        @Test
        void oneServiceInTwoEnvironmentsKeepsThemApart() {
            StoryRun.Observation end = run(ScenarioStories.oneServiceInTwoEnvironmentsKeepsThemApart()).end();
            assertThat(end.verdicts()).as("staging is recorded, never flagged")
                    .noneMatch(v -> v.environment().equals("staging"));
            Verdict prod = end.lastOf(MONO.deployId(52));
            assertThat(prod.environment()).isEqualTo("prod-eu");
            assertThat(prod.previousSha()).as("first deploy to prod-eu").isNull();
            assertThat(prod.changes()).extracting(Verdict.ChangeSummary::id).containsExactly(MONO.changeId(6));
            assertThat(codes(prod)).containsExactly(ReasonCode.NO_APPROVAL);
        }

        @Test
        void lastGoodIsTheNewestCompliantDeployWhateverOrderVerdictsCome() {
            StoryRun run = run(ScenarioStories.lastGoodIsTheNewestCompliantDeployWhateverOrderVerdictsCome());
            // The newer deploy's verdict is decided first (the older one waits for its CI).
            StoryRun.Observation first = run.at("newer deploy decided");
            assertThat(first.lastGood()).singleElement().satisfies(g -> assertThat(g.sha()).isEqualTo(sha("mm8")));
            assertThat(run.end().lastOf(MONO.deployId(69)).status()).isEqualTo(VerdictStatus.COMPLIANT);
            assertThat(run.end().lastGoodSince(first)).as("an older compliant deploy does not replace the newer target")
                    .isEmpty();
        }
    }
}
