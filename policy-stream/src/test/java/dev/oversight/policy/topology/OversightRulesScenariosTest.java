package dev.oversight.policy.topology;

import static dev.oversight.policy.topology.EvidenceScript.sha;
import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.events.Actor;
import dev.oversight.events.CiResult.CiConclusion;
import dev.oversight.events.DeployEvent;
import dev.oversight.events.LastGood;
import dev.oversight.events.ReasonCode;
import dev.oversight.events.ReviewState;
import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import dev.oversight.policy.file.PolicyFile;
import dev.oversight.policy.rules.Policy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The oversight rules, complete: every reason code and the semantics of policy-stream/README.md ("How a verdict is
 * reached", "Reason codes"), through the production topology, each under the policy that asks for it.
 */
class OversightRulesScenariosTest {

    /** Friday 2026-11-20, 10:00 UTC. */
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    private static final String POLICY = """
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

    @TempDir
    Path stateDir;
    private TopologyHarness topology;

    private TopologyHarness start() {
        Policy policy = PolicyFile.parse(POLICY, "scenarios.yaml");
        topology = new TopologyHarness(policy, T0, stateDir);
        return topology;
    }

    @AfterEach
    void stop() {
        if (topology != null) {
            topology.close();
        }
    }

    private static List<ReasonCode> codes(Verdict verdict) {
        return verdict.reasons().stream().map(Verdict.Reason::code).toList();
    }

    /** The last verdict of each deploy, after the grace period. */
    private Verdict finalVerdict(String deployId) {
        topology.advance(Duration.ofSeconds(61));
        return lastOf(deployId);
    }

    private final List<Verdict> seen = new java.util.ArrayList<>();

    private Verdict lastOf(String deployId) {
        seen.addAll(topology.verdicts());
        return seen.stream().filter(v -> v.deployId().equals(deployId)).reduce((a, b) -> b).orElseThrow();
    }

    private List<VerdictStatus> history(String deployId) {
        seen.addAll(topology.verdicts());
        return seen.stream().filter(v -> v.deployId().equals(deployId)).map(Verdict::status).toList();
    }

    @Nested
    class Approvals {

        private final EvidenceScript acme = new EvidenceScript("acme/payments");

        private void merged(long n, String author, String head, String merge, Instant at) {
            topology.send(acme.opened(n, author, head, at.minusSeconds(30)),
                    acme.merged(n, author, head, merge, at),
                    acme.check(merge, "build", CiConclusion.SUCCESS, at.plusSeconds(1)));
        }

        @Test
        void botApprovalDoesNotCount() {
            start();
            topology.send(acme.opened(1, "alice", sha("h1"), T0.plusSeconds(1)),
                    acme.approved(1, "alice", "renovate[bot]", sha("h1"), T0.plusSeconds(2)));
            merged(1, "alice", sha("h1"), sha("m1"), T0.plusSeconds(3));
            topology.send(acme.deployed(1, sha("m1"), "production", T0.plusSeconds(10)));
            Verdict v = finalVerdict(acme.deployId(1));
            assertThat(v.status()).isEqualTo(VerdictStatus.VIOLATION);
            assertThat(codes(v)).containsExactly(ReasonCode.BOT_APPROVAL);
        }

        @Test
        void accountsThePolicyNamesAsBotsDoNotCountEither() {
            start();
            topology.send(acme.opened(2, "alice", sha("h2"), T0.plusSeconds(1)),
                    acme.approved(2, "alice", "release-robot", sha("h2"), T0.plusSeconds(2)));
            merged(2, "alice", sha("h2"), sha("m2"), T0.plusSeconds(3));
            topology.send(acme.deployed(2, sha("m2"), "production", T0.plusSeconds(10)));
            assertThat(codes(finalVerdict(acme.deployId(2)))).containsExactly(ReasonCode.BOT_APPROVAL);
        }

        @Test
        void aBotAuthoredChangeNeedsAHumanApproval() {
            start();
            topology.send(acme.opened(3, "dependabot[bot]", sha("h3"), T0.plusSeconds(1)));
            merged(3, "dependabot[bot]", sha("h3"), sha("m3"), T0.plusSeconds(3));
            topology.send(acme.deployed(3, sha("m3"), "production", T0.plusSeconds(10)));
            assertThat(codes(finalVerdict(acme.deployId(3)))).containsExactly(ReasonCode.NO_APPROVAL);

            topology.send(acme.opened(4, "dependabot[bot]", sha("h4"), T0.plusSeconds(100)),
                    acme.approved(4, "dependabot[bot]", "bob", sha("h4"), T0.plusSeconds(101)));
            merged(4, "dependabot[bot]", sha("h4"), sha("m4"), T0.plusSeconds(102));
            topology.send(acme.deployed(4, sha("m4"), "production", T0.plusSeconds(110)));
            assertThat(lastOf(acme.deployId(4)).status()).isEqualTo(VerdictStatus.COMPLIANT);
        }

        @Test
        void aDismissedApprovalIsGone() {
            start();
            topology.send(acme.opened(5, "alice", sha("h5"), T0.plusSeconds(1)),
                    acme.review(5, "alice", Actor.human("bob"), ReviewState.APPROVED, sha("h5"), T0.plusSeconds(2), "77"),
                    acme.review(5, "alice", Actor.human("bob"), ReviewState.DISMISSED, null, T0.plusSeconds(3), "77"));
            merged(5, "alice", sha("h5"), sha("m5"), T0.plusSeconds(4));
            topology.send(acme.deployed(5, sha("m5"), "production", T0.plusSeconds(10)));
            Verdict v = finalVerdict(acme.deployId(5));
            assertThat(codes(v)).containsExactly(ReasonCode.APPROVAL_DISMISSED);
            assertThat(v.reasons().get(0).detail()).contains("bob");
        }

        @Test
        void aWithdrawnApprovalIsGoneButACommentLeavesOneStanding() {
            start();
            topology.send(acme.opened(6, "alice", sha("h6"), T0.plusSeconds(1)),
                    acme.approved(6, "alice", "carol", sha("h6"), T0.plusSeconds(2)),
                    acme.review(6, "alice", "carol", ReviewState.APPROVAL_WITHDRAWN, null, T0.plusSeconds(3)),
                    acme.approved(6, "alice", "bob", sha("h6"), T0.plusSeconds(4)),
                    acme.review(6, "alice", "bob", ReviewState.COMMENTED, sha("h6"), T0.plusSeconds(5)));
            merged(6, "alice", sha("h6"), sha("m6"), T0.plusSeconds(6));
            topology.send(acme.deployed(6, sha("m6"), "production", T0.plusSeconds(10)));
            Verdict v = lastOf(acme.deployId(6));
            assertThat(v.status()).isEqualTo(VerdictStatus.COMPLIANT);
            assertThat(v.changes().get(0).approvers()).containsExactly("bob");
        }

        @Test
        void anApprovalBeforeTheLastCommitIsStale() {
            start();
            topology.send(acme.opened(7, "alice", sha("h7a"), T0.plusSeconds(1)),
                    acme.approved(7, "alice", "bob", sha("h7a"), T0.plusSeconds(2)),
                    acme.updated(7, "alice", sha("h7b"), T0.plusSeconds(3)));
            merged(7, "alice", sha("h7b"), sha("m7"), T0.plusSeconds(4));
            topology.send(acme.deployed(7, sha("m7"), "production", T0.plusSeconds(10)));
            Verdict v = finalVerdict(acme.deployId(7));
            assertThat(codes(v)).containsExactly(ReasonCode.STALE_APPROVAL);
            assertThat(v.reasons().get(0).detail()).contains("bob").contains(sha("h7b").substring(0, 7));
        }

        @Test
        void anApprovalAfterTheMergeRemediatesButNeverMakesCompliant() {
            start();
            merged(8, "alice", sha("h8"), sha("m8"), T0.plusSeconds(3));
            topology.send(acme.approved(8, "alice", "bob", sha("h8"), T0.plusSeconds(5)),
                    acme.deployed(8, sha("m8"), "production", T0.plusSeconds(10)));
            // The approval came after the merge: the deploy was a violation, made good after the fact. Both are
            // on the record, decided when the grace ends.
            assertThat(finalVerdict(acme.deployId(8)).status()).isEqualTo(VerdictStatus.REMEDIATED);
            assertThat(history(acme.deployId(8))).containsExactly(VerdictStatus.PENDING, VerdictStatus.VIOLATION,
                    VerdictStatus.REMEDIATED);
        }
    }

    @Nested
    class Owners {

        private final EvidenceScript strict = new EvidenceScript("acme/strict");

        private void change(long n, String author, List<String> approvers, List<String> files, Instant at) {
            String head = sha("sh" + n);
            topology.send(strict.opened(n, author, head, at),
                    strict.push("change-" + n, sha("base" + n), head, author, at.plusSeconds(1), List.of(head), files));
            int i = 2;
            for (String approver : approvers) {
                topology.send(strict.approved(n, author, approver, head, at.plusSeconds(i++)));
            }
            topology.send(strict.merged(n, author, head, sha("sm" + n), at.plusSeconds(10)),
                    strict.check(sha("sm" + n), "build", CiConclusion.SUCCESS, at.plusSeconds(11)),
                    strict.check(sha("sm" + n), "test", CiConclusion.SUCCESS, at.plusSeconds(12)));
        }

        @Test
        void requiredGroupAndCodeOwnersOfTouchedPaths() {
            start();
            change(1, "alice", List.of("lead"), List.of("src/App.java"), T0);
            topology.send(strict.deployed(1, sha("sm1"), "production", T0.plusSeconds(20)));
            assertThat(lastOf(strict.deployId(1)).status()).isEqualTo(VerdictStatus.COMPLIANT);

            change(2, "alice", List.of("lead"), List.of("db/migrations/0042_drop_column.sql"), T0.plusSeconds(100));
            topology.send(strict.deployed(2, sha("sm2"), "production", T0.plusSeconds(120)));
            Verdict v = finalVerdict(strict.deployId(2));
            assertThat(codes(v)).containsExactly(ReasonCode.MISSING_OWNER_APPROVAL);
            assertThat(v.reasons().get(0).detail()).contains("db/migrations/0042_drop_column.sql").contains("dbas");

            change(3, "alice", List.of("bob"), List.of("README.md"), T0.plusSeconds(300));
            topology.send(strict.deployed(3, sha("sm3"), "production", T0.plusSeconds(320)));
            Verdict noLead = finalVerdict(strict.deployId(3));
            assertThat(codes(noLead)).containsExactly(ReasonCode.MISSING_OWNER_APPROVAL);
            assertThat(noLead.reasons().get(0).detail()).contains("tech-leads");
        }

        @Test
        void approvalsFromCommittersDoNotCountWherePolicySaysSo() {
            start();
            String head = sha("c-head");
            topology.send(strict.opened(9, "alice", sha("c-first"), T0),
                    strict.push("change-9", sha("c-first"), head, "lead", T0.plusSeconds(1), List.of(head),
                            List.of("src/A.java")),
                    strict.updated(9, "alice", head, T0.plusSeconds(1)),
                    strict.approved(9, "alice", "lead", head, T0.plusSeconds(2)),
                    strict.merged(9, "alice", head, sha("c-merge"), T0.plusSeconds(3)),
                    strict.check(sha("c-merge"), "build", CiConclusion.SUCCESS, T0.plusSeconds(4)),
                    strict.check(sha("c-merge"), "test", CiConclusion.SUCCESS, T0.plusSeconds(4)),
                    strict.deployed(9, sha("c-merge"), "production", T0.plusSeconds(10)));
            Verdict v = finalVerdict(strict.deployId(9));
            assertThat(codes(v)).contains(ReasonCode.SELF_APPROVAL);
            assertThat(v.reasons().get(0).detail()).contains("committer lead");
        }

        @Test
        void requiredChecksByName() {
            start();
            change(4, "alice", List.of("lead"), List.of("src/B.java"), T0);
            // Only "build" reported on this commit; "test" is required too. A check policy does not ask for is ignored.
            topology.send(strict.opened(5, "alice", sha("sh5"), T0.plusSeconds(30)),
                    strict.approved(5, "alice", "lead", sha("sh5"), T0.plusSeconds(31)),
                    strict.merged(5, "alice", sha("sh5"), sha("sm5"), T0.plusSeconds(32)),
                    strict.check(sha("sm5"), "build", CiConclusion.SUCCESS, T0.plusSeconds(33)),
                    strict.check(sha("sm5"), "lint", CiConclusion.FAILURE, T0.plusSeconds(33)),
                    strict.deployed(5, sha("sm5"), "production", T0.plusSeconds(40)));
            Verdict v = finalVerdict(strict.deployId(5));
            assertThat(codes(v)).containsExactly(ReasonCode.CI_MISSING);
            assertThat(v.reasons().get(0).detail()).contains("required check test never reported");
        }
    }

    @Nested
    class ChangeSets {

        private final EvidenceScript acme = new EvidenceScript("acme/payments");

        /** Opens, reviews (or not) and merges change n, and pushes its landing to main. */
        private String land(long n, String before, String reviewer, Instant at, String mergeKind) {
            String head = sha("head" + n);
            String merge = sha("merge" + n);
            topology.send(acme.opened(n, "dev" + n, head, at));
            if (reviewer != null) {
                topology.send(acme.approved(n, "dev" + n, reviewer, head, at.plusSeconds(1)));
            }
            List<String> pushed = switch (mergeKind) {
                case "squash" -> List.of(merge);
                case "rebase" -> List.of(sha("rebased-a" + n), merge);
                default -> List.of(head, merge);
            };
            topology.send(acme.merged(n, "dev" + n, head, merge, at.plusSeconds(2)),
                    acme.push("main", before, merge, "dev" + n, at.plusSeconds(2), pushed, List.of("src/F" + n + ".java")));
            return merge;
        }

        @Test
        void mergeSquashAndRebaseAllTieTheDeployedCommitToItsChange() {
            start();
            String m1 = land(1, sha("root"), "bob", T0, "merge");
            String m2 = land(2, m1, "bob", T0.plusSeconds(10), "squash");
            String m3 = land(3, m2, "bob", T0.plusSeconds(20), "rebase");
            int id = 1;
            for (String merge : List.of(m1, m2, m3)) {
                topology.send(acme.check(merge, "build", CiConclusion.SUCCESS, topology.now().plusSeconds(1)),
                        acme.deployed(id, merge, "production", topology.now().plusSeconds(2)));
                Verdict v = lastOf(acme.deployId(id));
                assertThat(v.status()).as("deploy " + id).isEqualTo(VerdictStatus.COMPLIANT);
                assertThat(v.changes()).extracting(Verdict.ChangeSummary::id).containsExactly(acme.changeId(id));
                id++;
            }
        }

        @Test
        void theMergeCommitShaOfAnUnmergedChangeNeverTies() {
            start();
            // GitHub fills merge_commit_sha on open pull requests (a test merge); ingest drops it, and a deploy of
            // that commit is of nothing Oversight can tie.
            topology.send(acme.opened(40, "alice", sha("h40"), T0),
                    acme.approved(40, "alice", "bob", sha("h40"), T0.plusSeconds(1)),
                    acme.check(sha("test-merge-40"), "build", CiConclusion.SUCCESS, T0.plusSeconds(2)),
                    acme.deployed(40, sha("test-merge-40"), "production", T0.plusSeconds(3)));
            assertThat(codes(finalVerdict(acme.deployId(40)))).containsExactly(ReasonCode.UNKNOWN_CHANGE);
        }

        @Test
        void aBatchedDeployOfFiveChangesWithOneUnreviewed() {
            start();
            String previous = land(10, sha("root"), "bob", T0, "merge");
            topology.send(acme.check(previous, "build", CiConclusion.SUCCESS, T0.plusSeconds(5)),
                    acme.deployed(100, previous, "production", T0.plusSeconds(6)));
            assertThat(lastOf(acme.deployId(100)).status()).isEqualTo(VerdictStatus.COMPLIANT);

            String cursor = previous;
            for (long n = 11; n <= 15; n++) {
                cursor = land(n, cursor, n == 13 ? null : "bob", T0.plusSeconds(100 + n * 10), n % 2 == 0 ? "squash" : "merge");
            }
            topology.send(acme.check(cursor, "build", CiConclusion.SUCCESS, T0.plusSeconds(400)),
                    acme.deployed(101, cursor, "production", T0.plusSeconds(401)));
            Verdict v = finalVerdict(acme.deployId(101));
            assertThat(v.status()).isEqualTo(VerdictStatus.VIOLATION);
            assertThat(v.previousSha()).isEqualTo(previous);
            assertThat(v.changes()).extracting(Verdict.ChangeSummary::id).containsExactlyInAnyOrder(
                    acme.changeId(11), acme.changeId(12), acme.changeId(13), acme.changeId(14), acme.changeId(15));
            assertThat(v.reasons()).singleElement().satisfies(r -> {
                assertThat(r.code()).isEqualTo(ReasonCode.NO_APPROVAL);
                assertThat(r.detail()).startsWith("change #13 ");
            });
        }

        @Test
        void aPushStraightToTheDeployedBranchIsADirectPush() {
            start();
            String m1 = land(20, sha("root"), "bob", T0, "merge");
            topology.send(acme.check(m1, "build", CiConclusion.SUCCESS, T0.plusSeconds(5)),
                    acme.deployed(200, m1, "production", T0.plusSeconds(6)));
            String hotfix = sha("hotfix");
            topology.send(acme.push("main", m1, hotfix, "mallory", T0.plusSeconds(30), List.of(hotfix),
                            List.of("src/Billing.java")),
                    acme.check(hotfix, "build", CiConclusion.SUCCESS, T0.plusSeconds(31)),
                    acme.deployed(201, hotfix, "production", T0.plusSeconds(32)));
            Verdict v = finalVerdict(acme.deployId(201));
            assertThat(codes(v)).containsExactly(ReasonCode.DIRECT_PUSH);
            assertThat(v.reasons().get(0).detail()).contains("mallory").contains("main");
        }

        @Test
        void aGapInThePushHistoryIsAnUnknownChange() {
            start();
            String m1 = land(30, sha("root"), "bob", T0, "merge");
            topology.send(acme.check(m1, "build", CiConclusion.SUCCESS, T0.plusSeconds(5)),
                    acme.deployed(300, m1, "production", T0.plusSeconds(6)));
            // The push that brought main from m1 to "unseen" never arrived; change 31 landed after it.
            String m2 = land(31, sha("unseen"), "bob", T0.plusSeconds(20), "merge");
            topology.send(acme.check(m2, "build", CiConclusion.SUCCESS, T0.plusSeconds(25)),
                    acme.deployed(301, m2, "production", T0.plusSeconds(26)));
            Verdict v = finalVerdict(acme.deployId(301));
            assertThat(codes(v)).containsExactly(ReasonCode.UNKNOWN_CHANGE);
            assertThat(v.reasons().get(0).detail()).contains("pushes Oversight has not seen");
            assertThat(v.changes()).extracting(Verdict.ChangeSummary::id).containsExactly(acme.changeId(31));
        }

        @Test
        void aRedeployOfAnEarlierCommitCoversOnlyThatCommitsChange() {
            start();
            String m1 = land(50, sha("root"), "bob", T0, "merge");
            String m2 = land(51, m1, null, T0.plusSeconds(10), "merge");
            topology.send(acme.check(m1, "build", CiConclusion.SUCCESS, T0.plusSeconds(20)),
                    acme.check(m2, "build", CiConclusion.SUCCESS, T0.plusSeconds(20)),
                    acme.deployed(500, m1, "production", T0.plusSeconds(21)),
                    acme.deployed(501, m2, "production", T0.plusSeconds(22)));
            assertThat(finalVerdict(acme.deployId(501)).status()).isEqualTo(VerdictStatus.VIOLATION);
            // Rolling back to m1: previous deploy is m2, which is newer; the walk must not wander off.
            topology.send(acme.deployed(502, m1, "production", topology.now().plusSeconds(5)));
            Verdict back = lastOf(acme.deployId(502));
            assertThat(back.status()).isEqualTo(VerdictStatus.COMPLIANT);
            assertThat(back.previousSha()).isEqualTo(m2);
            assertThat(back.changes()).extracting(Verdict.ChangeSummary::id).containsExactly(acme.changeId(50));
        }

        @Test
        void aDeployOfAnOpenChangesBranchIsJudgedOnThatChange() {
            start();
            String head = sha("open-head");
            topology.send(acme.opened(60, "alice", head, T0),
                    acme.push("change-60", sha("main"), head, "alice", T0.plusSeconds(1), List.of(head), List.of("a.txt")),
                    acme.approved(60, "alice", "bob", head, T0.plusSeconds(2)),
                    acme.check(head, "build", CiConclusion.SUCCESS, T0.plusSeconds(3)),
                    acme.deployed(600, head, "production", T0.plusSeconds(4)));
            Verdict v = lastOf(acme.deployId(600));
            assertThat(v.status()).isEqualTo(VerdictStatus.COMPLIANT);
            assertThat(v.changes()).extracting(Verdict.ChangeSummary::id).containsExactly(acme.changeId(60));
        }
    }

    @Nested
    class ContinuousIntegration {

        private final EvidenceScript acme = new EvidenceScript("acme/payments");

        private void reviewed(long n, String merge) {
            topology.send(acme.opened(n, "alice", sha("ch" + n), T0),
                    acme.approved(n, "alice", "bob", sha("ch" + n), T0.plusSeconds(1)),
                    acme.merged(n, "alice", sha("ch" + n), merge, T0.plusSeconds(2)));
        }

        @Test
        void failedThenReRunPassedIsCompliant() {
            start();
            reviewed(1, sha("cm1"));
            topology.send(acme.check(sha("cm1"), "build", CiConclusion.FAILURE, 1, T0.plusSeconds(5)),
                    acme.check(sha("cm1"), "build", CiConclusion.SUCCESS, 2, T0.plusSeconds(9)),
                    acme.deployed(1, sha("cm1"), "production", T0.plusSeconds(10)));
            assertThat(history(acme.deployId(1))).containsExactly(VerdictStatus.COMPLIANT);
        }

        @Test
        void passedThenFailedIsAViolation() {
            start();
            reviewed(2, sha("cm2"));
            topology.send(acme.check(sha("cm2"), "build", CiConclusion.SUCCESS, 1, T0.plusSeconds(5)),
                    acme.check(sha("cm2"), "build", CiConclusion.FAILURE, 2, T0.plusSeconds(9)),
                    acme.deployed(2, sha("cm2"), "production", T0.plusSeconds(10)));
            Verdict v = finalVerdict(acme.deployId(2));
            assertThat(codes(v)).containsExactly(ReasonCode.CI_FAILED);
            assertThat(v.reasons().get(0).detail()).contains("attempt 2");
        }

        @Test
        void aReRunWithTheSameTimestampsIsDecidedByTheLaterDelivery() {
            start();
            reviewed(3, sha("cm3"));
            // The corpus note: a check run with the same id can arrive failed and then passed, timestamps equal.
            topology.send(acme.check(sha("cm3"), "build", CiConclusion.FAILURE, T0.plusSeconds(5)),
                    acme.check(sha("cm3"), "build", CiConclusion.SUCCESS, T0.plusSeconds(5)),
                    acme.deployed(3, sha("cm3"), "production", T0.plusSeconds(10)));
            assertThat(history(acme.deployId(3))).containsExactly(VerdictStatus.COMPLIANT);
        }

        @Test
        void aReRunPassingWithinTheGraceClearsAPendingFailure() {
            start();
            reviewed(4, sha("cm4"));
            topology.send(acme.check(sha("cm4"), "build", CiConclusion.FAILURE, 1, T0.plusSeconds(5)),
                    acme.deployed(4, sha("cm4"), "production", T0.plusSeconds(10)));
            topology.advance(Duration.ofSeconds(30));
            topology.send(acme.check(sha("cm4"), "build", CiConclusion.SUCCESS, 2, topology.now()));
            topology.advance(Duration.ofSeconds(60));
            assertThat(history(acme.deployId(4))).containsExactly(VerdictStatus.PENDING, VerdictStatus.COMPLIANT);
        }

        @Test
        void aCheckStillRunningWhenTheGraceEndsIsMissing() {
            start();
            reviewed(5, sha("cm5"));
            topology.send(acme.running(sha("cm5"), "build", T0.plusSeconds(5)),
                    acme.deployed(5, sha("cm5"), "production", T0.plusSeconds(10)));
            Verdict v = finalVerdict(acme.deployId(5));
            assertThat(codes(v)).containsExactly(ReasonCode.CI_MISSING);
            assertThat(v.reasons().get(0).detail()).contains("has not finished");
        }
    }

    @Nested
    class BreakGlassAndFreezes {

        private final EvidenceScript hotfix = new EvidenceScript("acme/hotfix");

        /** An unreviewed change, merged and deployed with the emergency flag. */
        private void emergency(long n, Instant at, String... flags) {
            topology.send(hotfix.opened(n, "oncall", sha("bh" + n), at),
                    hotfix.merged(n, "oncall", sha("bh" + n), sha("bm" + n), at.plusSeconds(1)),
                    hotfix.check(sha("bm" + n), "build", CiConclusion.SUCCESS, at.plusSeconds(2)),
                    hotfix.deployed(n, sha("bm" + n), "production", at.plusSeconds(3), flags));
        }

        @Test
        void breakGlassIsAnExceptionRemediatedByAReviewInTime() {
            start();
            emergency(1, T0, "emergency");
            topology.advance(Duration.ofSeconds(61));
            Verdict exception = lastOf(hotfix.deployId(1));
            assertThat(exception.status()).isEqualTo(VerdictStatus.EXCEPTION);
            assertThat(codes(exception)).containsExactly(ReasonCode.BREAK_GLASS, ReasonCode.NO_APPROVAL);
            assertThat(exception.deadline()).isEqualTo(T0.plusSeconds(3).plus(Duration.ofHours(24)));

            topology.advance(Duration.ofHours(3));
            topology.send(hotfix.approved(1, "oncall", "lead", sha("bh1"), topology.now()));
            assertThat(history(hotfix.deployId(1))).containsExactly(VerdictStatus.PENDING, VerdictStatus.EXCEPTION,
                    VerdictStatus.REMEDIATED);
            assertThat(topology.registry.get(dev.oversight.policy.PolicyMeters.BREAK_GLASS_REVIEWS)
                    .tag("outcome", "in_time").counter().count()).isEqualTo(1.0);
        }

        @Test
        void breakGlassWithoutAReviewByTheDeadlineExpiresAndAlerts() {
            start();
            emergency(2, T0, "emergency");
            topology.advance(Duration.ofHours(24).plusMinutes(2));
            Verdict expired = lastOf(hotfix.deployId(2));
            assertThat(expired.status()).isEqualTo(VerdictStatus.VIOLATION);
            assertThat(codes(expired)).startsWith(ReasonCode.BREAK_GLASS_EXPIRED).contains(ReasonCode.NO_APPROVAL);
            assertThat(history(hotfix.deployId(2))).containsExactly(VerdictStatus.PENDING, VerdictStatus.EXCEPTION,
                    VerdictStatus.VIOLATION);
            // A review that comes late still remediates; the expiry stays on the record.
            topology.send(hotfix.approved(2, "oncall", "lead", sha("bh2"), topology.now()));
            assertThat(history(hotfix.deployId(2))).endsWith(VerdictStatus.VIOLATION, VerdictStatus.REMEDIATED);
            assertThat(topology.registry.get(dev.oversight.policy.PolicyMeters.BREAK_GLASS_REVIEWS)
                    .tag("outcome", "expired").counter().count()).isEqualTo(1.0);
            assertThat(topology.registry.get(dev.oversight.policy.PolicyMeters.BREAK_GLASS_REVIEWS)
                    .tag("outcome", "late").counter().count()).isEqualTo(1.0);
        }

        @Test
        void breakGlassByALabelOnTheChange() {
            start();
            topology.send(hotfix.opened(3, "oncall", sha("bh3"), T0, "break-glass"),
                    hotfix.merged(3, "oncall", sha("bh3"), sha("bm3"), T0.plusSeconds(1), "break-glass"),
                    hotfix.check(sha("bm3"), "build", CiConclusion.SUCCESS, T0.plusSeconds(2)),
                    hotfix.deployed(3, sha("bm3"), "production", T0.plusSeconds(3)));
            Verdict v = finalVerdict(hotfix.deployId(3));
            assertThat(v.status()).isEqualTo(VerdictStatus.EXCEPTION);
            assertThat(v.reasons().get(0).detail()).contains("label 'break-glass'");
        }

        @Test
        void aDeployInsideTheWeekendFreezeIsFlagged() {
            start();
            // Friday 16:00 in Copenhagen is 15:00 UTC in November; 17:30 UTC is inside the freeze.
            Instant friday = Instant.parse("2026-11-20T17:30:00Z");
            topology.advanceTo(friday);
            topology.send(hotfix.opened(4, "alice", sha("fh4"), friday),
                    hotfix.approved(4, "alice", "bob", sha("fh4"), friday.plusSeconds(1)),
                    hotfix.merged(4, "alice", sha("fh4"), sha("fm4"), friday.plusSeconds(2)),
                    hotfix.check(sha("fm4"), "build", CiConclusion.SUCCESS, friday.plusSeconds(3)),
                    hotfix.deployed(4, sha("fm4"), "production", friday.plusSeconds(4)));
            Verdict v = finalVerdict(hotfix.deployId(4));
            assertThat(codes(v)).containsExactly(ReasonCode.FREEZE_WINDOW);
            assertThat(v.reasons().get(0).detail()).contains("'weekend'");
            // Monday 08:00 UTC is after the 64 h window (ends Monday 07:00 UTC): not flagged.
            Instant monday = Instant.parse("2026-11-23T08:00:00Z");
            topology.advanceTo(monday);
            topology.send(hotfix.opened(5, "alice", sha("fh5"), monday),
                    hotfix.approved(5, "alice", "bob", sha("fh5"), monday.plusSeconds(1)),
                    hotfix.merged(5, "alice", sha("fh5"), sha("fm5"), monday.plusSeconds(2)),
                    hotfix.check(sha("fm5"), "build", CiConclusion.SUCCESS, monday.plusSeconds(3)),
                    hotfix.deployed(5, sha("fm5"), "production", monday.plusSeconds(4)));
            assertThat(lastOf(hotfix.deployId(5)).status()).isEqualTo(VerdictStatus.COMPLIANT);
        }

        @Test
        void anAllowedPusherMayPushStraightToTheBranch() {
            start();
            String release = sha("release");
            topology.send(hotfix.push("main", sha("before-release"), release, "release-bot", T0, List.of(release),
                            List.of("VERSION")),
                    hotfix.check(release, "build", CiConclusion.SUCCESS, T0.plusSeconds(1)),
                    hotfix.deployed(6, release, "production", T0.plusSeconds(2)));
            assertThat(lastOf(hotfix.deployId(6)).status()).isEqualTo(VerdictStatus.COMPLIANT);
        }
    }

    @Nested
    class ServicesAndEnvironments {

        private final EvidenceScript mono = new EvidenceScript("acme/monorepo");

        private String land(long n, String before, String reviewer, String file, Instant at) {
            String head = sha("mh" + n);
            String merge = sha("mm" + n);
            topology.send(mono.opened(n, "dev", head, at));
            if (reviewer != null) {
                topology.send(mono.approved(n, "dev", reviewer, head, at.plusSeconds(1)));
            }
            topology.send(mono.merged(n, "dev", head, merge, at.plusSeconds(2)),
                    mono.push("main", before, merge, "dev", at.plusSeconds(2), List.of(head, merge), List.of(file)),
                    mono.check(merge, "build", CiConclusion.SUCCESS, at.plusSeconds(3)));
            return merge;
        }

        @Test
        void twoServicesInOneRepositoryAreJudgedOnTheirOwnPaths() {
            start();
            String base = land(1, sha("mroot"), "bob", "web/index.html", T0);
            topology.send(mono.deploy(10, base, "production", "web", DeployEvent.DeployState.SUCCEEDED, T0.plusSeconds(5)),
                    mono.deploy(20, base, "production", "api", DeployEvent.DeployState.SUCCEEDED, T0.plusSeconds(5)));
            String afterApi = land(2, base, null, "api/Orders.java", T0.plusSeconds(10));
            String afterWeb = land(3, afterApi, "bob", "web/app.js", T0.plusSeconds(20));
            topology.send(mono.deploy(11, afterWeb, "production", "web", DeployEvent.DeployState.SUCCEEDED, T0.plusSeconds(30)),
                    mono.deploy(21, afterWeb, "production", "api", DeployEvent.DeployState.SUCCEEDED, T0.plusSeconds(30)));
            topology.advance(Duration.ofSeconds(61));

            Verdict web = lastOf(mono.deployId(11));
            assertThat(web.service()).isEqualTo("web");
            assertThat(web.team()).isEqualTo("web");
            assertThat(web.status()).isEqualTo(VerdictStatus.COMPLIANT);
            assertThat(web.changes()).extracting(Verdict.ChangeSummary::id).containsExactly(mono.changeId(3));
            Verdict api = lastOf(mono.deployId(21));
            assertThat(api.service()).isEqualTo("api");
            assertThat(api.status()).isEqualTo(VerdictStatus.VIOLATION);
            assertThat(api.changes()).extracting(Verdict.ChangeSummary::id).containsExactly(mono.changeId(2));
            assertThat(codes(api)).containsExactly(ReasonCode.NO_APPROVAL);
            List<LastGood> good = topology.lastGood();
            assertThat(good).extracting(LastGood::service).contains("web", "api");
            assertThat(good).filteredOn(g -> g.service().equals("web")).last()
                    .satisfies(g -> assertThat(g.sha()).isEqualTo(afterWeb));
            assertThat(good).filteredOn(g -> g.service().equals("api")).last()
                    .satisfies(g -> assertThat(g.sha()).isEqualTo(base));
        }

        @Test
        void oneServiceInTwoEnvironmentsKeepsThemApart() {
            start();
            String m1 = land(5, sha("eroot"), "bob", "web/a.html", T0);
            topology.send(mono.deploy(50, m1, "staging", "web", DeployEvent.DeployState.SUCCEEDED, T0.plusSeconds(5)));
            String m2 = land(6, m1, null, "web/b.html", T0.plusSeconds(10));
            topology.send(mono.deploy(51, m2, "staging", "web", DeployEvent.DeployState.SUCCEEDED, T0.plusSeconds(20)),
                    mono.deploy(52, m2, "prod-eu", "web", DeployEvent.DeployState.SUCCEEDED, T0.plusSeconds(21)));
            topology.advance(Duration.ofSeconds(61));
            seen.addAll(topology.verdicts());
            assertThat(seen).as("staging is recorded, never flagged")
                    .noneMatch(v -> v.environment().equals("staging"));
            Verdict prod = lastOf(mono.deployId(52));
            assertThat(prod.environment()).isEqualTo("prod-eu");
            assertThat(prod.previousSha()).as("first deploy to prod-eu").isNull();
            assertThat(prod.changes()).extracting(Verdict.ChangeSummary::id).containsExactly(mono.changeId(6));
            assertThat(codes(prod)).containsExactly(ReasonCode.NO_APPROVAL);
        }

        @Test
        void lastGoodIsTheNewestCompliantDeployWhateverOrderVerdictsCome() {
            start();
            String m1 = land(7, sha("lroot"), "bob", "web/x.html", T0);
            String m2 = land(8, m1, "bob", "web/y.html", T0.plusSeconds(10));
            // The newer deploy's verdict is decided first (the older one waits for its CI).
            topology.send(mono.deploy(70, m2, "production", "web", DeployEvent.DeployState.SUCCEEDED, T0.plusSeconds(30)));
            List<LastGood> first = topology.lastGood();
            assertThat(first).singleElement().satisfies(g -> assertThat(g.sha()).isEqualTo(m2));
            topology.send(mono.deploy(69, m1, "production", "web", DeployEvent.DeployState.SUCCEEDED, T0.plusSeconds(20)));
            assertThat(lastOf(mono.deployId(69)).status()).isEqualTo(VerdictStatus.COMPLIANT);
            assertThat(topology.lastGood()).as("an older compliant deploy does not replace the newer target").isEmpty();
        }
    }
}
