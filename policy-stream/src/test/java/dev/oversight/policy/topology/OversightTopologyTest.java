package dev.oversight.policy.topology;

import static dev.oversight.policy.topology.EvidenceScript.sha;
import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.events.CiResult.CiConclusion;
import dev.oversight.events.DeadLetter;
import dev.oversight.events.LastGood;
import dev.oversight.events.ReasonCode;
import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import dev.oversight.policy.PolicyMeters;
import dev.oversight.policy.file.PolicyFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verdict rules of the walking skeleton, through the production topology, under the built-in default policy.
 * The stories are in {@link ScenarioStories}, where {@link OrderIndependenceTest} delivers them in other orders too;
 * here each is run as written. Two tests drive the harness themselves: what they look at is not a story of evidence.
 */
class OversightTopologyTest {

    private static final Instant T0 = ScenarioStories.SKELETON_T0;

    @TempDir
    Path stateDir;
    private TopologyHarness topology;
    private final EvidenceScript acme = ScenarioStories.ACME;

    private StoryRun run(Story story) {
        return StoryRunner.asWritten(story, stateDir);
    }

    private void start() {
        topology = new TopologyHarness(PolicyFile.defaultPolicy(), T0, stateDir);
    }

    @AfterEach
    void stop() {
        if (topology != null) {
            topology.close();
        }
    }

    /** A pull request reviewed by someone else and merged, with green CI on the merge commit. */
    private void reviewedAndMerged(long number, String author, String reviewer, String head, String merge) {
        topology.send(
                acme.opened(number, author, head, T0.plusSeconds(1)),
                acme.approved(number, author, reviewer, head, T0.plusSeconds(2)),
                acme.merged(number, author, head, merge, T0.plusSeconds(3)),
                acme.check(merge, "build", CiConclusion.SUCCESS, T0.plusSeconds(4)));
    }

    @Test
    void compliantWhenApprovedByAnotherHumanAndCiIsGreen() {
        StoryRun.Observation end = run(ScenarioStories.compliantWhenApprovedByAnotherHumanAndCiIsGreen()).end();

        assertThat(end.verdicts()).singleElement().satisfies(v -> {
            assertThat(v.status()).isEqualTo(VerdictStatus.COMPLIANT);
            assertThat(v.reasons()).isEmpty();
            assertThat(v.deployId()).isEqualTo(acme.deployId(1));
            assertThat(v.verdictId()).isEqualTo(acme.deployId(1) + "@1");
            assertThat(v.repository()).isEqualTo("github:acme/payments");
            assertThat(v.service()).isEqualTo("payments");
            assertThat(v.environment()).isEqualTo("production");
            assertThat(v.sha()).isEqualTo(sha("merge42"));
            assertThat(v.changes()).singleElement().satisfies(c -> {
                assertThat(c.id()).isEqualTo(acme.changeId(42));
                assertThat(c.author()).isEqualTo("alice");
                assertThat(c.approvers()).containsExactly("bob");
                assertThat(c.mergeSha()).isEqualTo(sha("merge42"));
            });
            assertThat(v.ci()).singleElement().satisfies(c -> assertThat(c.conclusion()).isEqualTo("success"));
            assertThat(v.policy().name()).isEqualTo("oversight-default");
            assertThat(v.policy().version()).startsWith("sha256:");
            assertThat(v.evidence()).hasSize(5);
        });
        assertThat(end.lastGood()).singleElement().satisfies(g -> {
            assertThat(g.service()).isEqualTo("payments");
            assertThat(g.environment()).isEqualTo("production");
            assertThat(g.sha()).isEqualTo(sha("merge42"));
        });
    }

    @Test
    void flagsDeployWhenOnlyApprovalIsByAuthor() {
        StoryRun run = run(ScenarioStories.flagsDeployWhenOnlyApprovalIsByAuthor());

        StoryRun.Observation deployed = run.at("deployed");
        assertThat(deployed.verdicts()).singleElement().satisfies(v -> {
            assertThat(v.status()).isEqualTo(VerdictStatus.PENDING);
            assertThat(v.reasons()).extracting(Verdict.Reason::code).containsExactly(ReasonCode.SELF_APPROVAL);
        });
        StoryRun.Observation inGrace = run.at("still within the grace");
        assertThat(inGrace.verdictsSince(deployed)).as("still within the 60 s grace").isEmpty();
        assertThat(run.end().verdictsSince(inGrace)).singleElement().satisfies(v -> {
            assertThat(v.status()).isEqualTo(VerdictStatus.VIOLATION);
            assertThat(v.revision()).isEqualTo(2);
            assertThat(v.verdictId()).isEqualTo(acme.deployId(2) + "@2");
            assertThat(v.reasons()).singleElement().satisfies(r -> {
                assertThat(r.code()).isEqualTo(ReasonCode.SELF_APPROVAL);
                assertThat(r.detail()).isEqualTo("change #7 was approved only by its author carol");
            });
        });
        assertThat(run.end().lastGood()).isEmpty();
    }

    @Test
    void flagsAMergedChangeNobodyApproved() {
        StoryRun.Observation end = run(ScenarioStories.flagsAMergedChangeNobodyApproved()).end();
        assertThat(end.verdicts()).last().satisfies(v -> {
            assertThat(v.status()).isEqualTo(VerdictStatus.VIOLATION);
            assertThat(v.reasons()).extracting(Verdict.Reason::code).containsExactly(ReasonCode.NO_APPROVAL);
        });
    }

    @Test
    void flagsFailedAndMissingCi() {
        StoryRun.Observation end = run(ScenarioStories.flagsFailedAndMissingCi()).end();

        List<Verdict> finals = end.verdicts().stream().filter(v -> v.status().isFinal()).toList();
        assertThat(finals).filteredOn(v -> v.deployId().equals(acme.deployId(4))).singleElement().satisfies(v -> {
            assertThat(v.status()).isEqualTo(VerdictStatus.VIOLATION);
            assertThat(v.reasons()).extracting(Verdict.Reason::code).containsExactly(ReasonCode.CI_FAILED);
            assertThat(v.reasons().get(0).detail()).contains("check test ended failure");
        });
        assertThat(finals).filteredOn(v -> v.deployId().equals(acme.deployId(5))).singleElement().satisfies(v ->
                assertThat(v.reasons()).extracting(Verdict.Reason::code)
                        .containsExactlyInAnyOrder(ReasonCode.UNKNOWN_CHANGE, ReasonCode.CI_MISSING));
    }

    @Test
    void flagsADeployOfACommitNoChangeContains() {
        StoryRun.Observation end = run(ScenarioStories.flagsADeployOfACommitNoChangeContains()).end();
        assertThat(end.verdicts()).last().satisfies(v -> {
            assertThat(v.deployId()).isEqualTo(acme.deployId(6));
            assertThat(v.status()).isEqualTo(VerdictStatus.VIOLATION);
            assertThat(v.reasons()).extracting(Verdict.Reason::code).containsExactly(ReasonCode.UNKNOWN_CHANGE);
            assertThat(v.changes()).isEmpty();
        });
    }

    @Test
    void theFirstDeployOfACommitOlderThanAnythingSeenIsTheBaselineNotAViolation() {
        StoryRun run = run(ScenarioStories.theFirstDeployOfACommitOlderThanAnythingSeenIsTheBaseline());
        StoryRun.Observation baseline = run.at("baseline");
        assertThat(baseline.verdicts()).extracting(Verdict::status)
                .containsExactly(VerdictStatus.PENDING, VerdictStatus.BASELINE);
        assertThat(baseline.verdicts().get(1).reasons()).extracting(Verdict.Reason::code)
                .containsExactly(ReasonCode.BASELINE);
        assertThat(baseline.lastGood()).as("a baseline is no rollback target: nobody judged it").isEmpty();
        assertThat(run.end().verdictsSince(baseline)).singleElement().satisfies(v -> {
            assertThat(v.status()).isEqualTo(VerdictStatus.COMPLIANT);
            assertThat(v.previousSha()).isEqualTo(sha("old"));
            assertThat(v.changes()).extracting(Verdict.ChangeSummary::id).containsExactly(acme.changeId(31));
        });
    }

    @Test
    void aBaselineIsStillJudgedOnTheEvidenceOversightHas() {
        assertThat(run(ScenarioStories.aBaselineIsStillJudgedOnTheEvidenceOversightHas()).end().verdicts()).last()
                .satisfies(v -> {
                    assertThat(v.status()).isEqualTo(VerdictStatus.VIOLATION);
                    assertThat(v.reasons()).extracting(Verdict.Reason::code).containsExactly(ReasonCode.CI_FAILED);
                });
    }

    @Test
    void reviewArrivingFiveSecondsAfterTheDeployIsNoViolation() {
        // The review was given before the merge; its webhook arrives after the deploy's.
        StoryRun.Observation end = run(ScenarioStories.reviewArrivingFiveSecondsAfterTheDeployIsNoViolation()).end();

        assertThat(end.verdicts()).extracting(Verdict::status)
                .containsExactly(VerdictStatus.PENDING, VerdictStatus.COMPLIANT);
    }

    @Test
    void approvalAfterTheFactRemediatesAndTheViolationStaysOnRecord() {
        StoryRun.Observation end = run(ScenarioStories.approvalAfterTheFactRemediatesAndTheViolationStaysOnRecord()).end();

        List<Verdict> verdicts = end.verdicts();
        assertThat(verdicts).extracting(Verdict::status)
                .containsExactly(VerdictStatus.PENDING, VerdictStatus.VIOLATION, VerdictStatus.REMEDIATED);
        assertThat(verdicts.get(2).reasons()).extracting(Verdict.Reason::code).containsExactly(ReasonCode.NO_APPROVAL);
        assertThat(verdicts.get(2).deployId()).isEqualTo(verdicts.get(1).deployId());
        assertThat(verdicts.get(2).changes().get(0).approvers()).containsExactly("bob");
        assertThat(end.lastGood()).as("a remediated deploy is not a rollback target").isEmpty();
    }

    @Test
    void deploysToUnprotectedEnvironmentsAreRecordedNeverFlagged() {
        StoryRun run = run(ScenarioStories.deploysToUnprotectedEnvironmentsAreRecordedNeverFlagged());
        assertThat(run.end().verdicts()).isEmpty();
        assertThat(run.meters().get(PolicyMeters.DEPLOYS).tag("environment", "staging")
                .tag("protected", "false").counter().count()).isEqualTo(1.0);
    }

    @Test
    void anUnreadableRecordGoesToTheDeadLetterTopicAndProcessingGoesOn() {
        start();
        topology.rawDeploys.pipeInput("github:acme/payments", "{\"kind\":\"deploy\",\"garbage".getBytes(
                StandardCharsets.UTF_8), T0.plusSeconds(1));
        reviewedAndMerged(13, "alice", "bob", sha("head13"), sha("merge13"));
        topology.send(acme.deployed(10, sha("merge13"), "production", T0.plusSeconds(10)));

        List<DeadLetter> dead = topology.deadLetters();
        assertThat(dead).singleElement().satisfies(d -> {
            assertThat(d.key()).isEqualTo("github:acme/payments");
            assertThat(d.value()).startsWith("{\"kind\":\"deploy\"");
            assertThat(d.error()).contains("cannot read Evidence");
            assertThat(d.topic()).isEqualTo("oversight.deploys");
        });
        assertThat(topology.verdicts()).extracting(Verdict::status).containsExactly(VerdictStatus.COMPLIANT);
    }

    @Test
    void countsVerdictsAndReasonsWithBoundedTags() {
        StoryRun run = run(ScenarioStories.countsVerdictsAndReasonsWithBoundedTags());
        assertThat(run.meters().get(PolicyMeters.VERDICTS).tag("status", "violation").counter().count())
                .isEqualTo(1.0);
        assertThat(run.meters().get(PolicyMeters.REASONS).tag("reason", "SELF_APPROVAL")
                .tag("environment", "production").tag("service", "payments").counter().count()).isEqualTo(1.0);
        assertThat(run.meters().get(PolicyMeters.LATENCY).tag("status", "violation").timer().count()).isEqualTo(1);
    }

    @Test
    void stateIsBoundedByTheRetention() {
        start();
        // Change 16 merged long ago, and is told only now (a backfill, a late delivery): its retention counts from now.
        Instant old = T0.minus(Duration.ofDays(40));
        topology.send(acme.opened(16, "alice", sha("head16"), old),
                acme.approved(16, "alice", "bob", sha("head16"), old.plusSeconds(1)),
                acme.merged(16, "alice", sha("head16"), sha("merge16"), old.plusSeconds(2)),
                acme.check(sha("merge16"), "build", CiConclusion.SUCCESS, old.plusSeconds(3)));
        // A violation decided now stays open to remediation until the retention has passed. (The deploy before it,
        // of a commit older than anything seen, is the baseline: the stray commit after it is a violation.)
        topology.send(acme.deployed(15, sha("base16"), "production", T0));
        topology.send(acme.check(sha("stray16"), "build", CiConclusion.SUCCESS, T0.plusSeconds(1)),
                acme.deployed(16, sha("stray16"), "production", T0.plusSeconds(2)));
        topology.advance(Duration.ofMinutes(2));
        assertThat(topology.verdicts()).extracting(Verdict::status).endsWith(VerdictStatus.VIOLATION);
        assertThat(store("changes").get(acme.changeId(16))).as("closed 40 days ago, stored 2 minutes ago").isNotNull();
        assertThat(count("commits")).as("its head and its merge").isEqualTo(2);
        assertThat(store("deploys").get(acme.deployId(16))).as("decided 2 minutes ago").isNotNull();

        topology.advance(Duration.ofDays(31));
        assertThat(store("deploys").get(acme.deployId(16))).as("settled more than 30 days ago").isNull();
        assertThat(count("open-deploys")).isZero();
        topology.advance(Duration.ofMinutes(2));
        assertThat(store("changes").get(acme.changeId(16))).as("stored 31 days ago, no deploy open").isNull();
        assertThat(count("commits")).isZero();
        assertThat(count("checks")).isZero();
        // The deployed commit's change is gone: a late approval can no longer remediate it, and nothing breaks.
        topology.send(acme.approved(16, "alice", "bob", sha("head16"), topology.now()));
        assertThat(topology.verdicts()).isEmpty();
    }

    /**
     * A quarter imported at once: evidence whose own time is months ago is kept from its arrival, so the deploys
     * imported after it are judged on it (before, the first sweep threw it away and the deploy was UNKNOWN_CHANGE).
     */
    @Test
    void historyImportedTodayIsKeptFromItsArrivalNotItsOwnTime() {
        start();
        Instant quarter = T0.minus(Duration.ofDays(90));
        topology.send(acme.deployed(30, sha("base30"), "production", quarter));
        topology.send(acme.opened(31, "alice", sha("head31"), quarter.plusSeconds(10)),
                acme.approved(31, "alice", "bob", sha("head31"), quarter.plusSeconds(20)),
                acme.merged(31, "alice", sha("head31"), sha("merge31"), quarter.plusSeconds(30)),
                acme.push("main", sha("base30"), sha("merge31"), "alice", quarter.plusSeconds(31),
                        List.of(sha("merge31")), List.of("ledger.txt")),
                acme.check(sha("merge31"), "build", CiConclusion.SUCCESS, quarter.plusSeconds(40)));
        topology.advance(Duration.ofMinutes(5)); // several sweeps run while the import goes on
        topology.send(acme.deployed(31, sha("merge31"), "production", quarter.plusSeconds(50)));
        topology.advance(Duration.ofMinutes(2));

        assertThat(topology.verdicts()).filteredOn(v -> v.deployId().equals(acme.deployId(31))).last()
                .satisfies(v -> {
                    assertThat(v.status()).isEqualTo(VerdictStatus.COMPLIANT);
                    assertThat(v.previousSha()).isEqualTo(sha("base30"));
                    assertThat(v.changes()).singleElement().satisfies(c -> assertThat(c.approvers())
                            .containsExactly("bob"));
                });
    }

    /**
     * Evidence is kept while a deploy that uses it is open: a violation decided 29 days after its change arrived is
     * still remediated by a review a week later, though the change was stored 36 days before.
     */
    @Test
    void evidenceIsKeptWhileADeployThatUsesItIsOpen() {
        start();
        topology.send(acme.deployed(40, sha("base40"), "production", T0));
        topology.send(acme.opened(41, "carol", sha("head41"), T0.plusSeconds(10)),
                acme.merged(41, "carol", sha("head41"), sha("merge41"), T0.plusSeconds(20)),
                acme.push("main", sha("base40"), sha("merge41"), "carol", T0.plusSeconds(21),
                        List.of(sha("merge41")), List.of("ledger.txt")),
                acme.check(sha("merge41"), "build", CiConclusion.SUCCESS, T0.plusSeconds(30)));
        topology.advance(Duration.ofDays(29));
        topology.send(acme.deployed(41, sha("merge41"), "production", topology.now()));
        topology.advance(Duration.ofMinutes(2));
        assertThat(topology.verdicts()).filteredOn(v -> v.deployId().equals(acme.deployId(41))).last()
                .satisfies(v -> assertThat(v.reasons()).extracting(Verdict.Reason::code)
                        .containsExactly(ReasonCode.NO_APPROVAL));

        topology.advance(Duration.ofDays(7));
        topology.send(acme.approved(41, "carol", "dave", sha("head41"), topology.now()));
        assertThat(topology.verdicts()).filteredOn(v -> v.deployId().equals(acme.deployId(41))).last()
                .satisfies(v -> assertThat(v.status()).isEqualTo(VerdictStatus.REMEDIATED));
    }

    private org.apache.kafka.streams.state.KeyValueStore<String, Object> store(String name) {
        return topology.driver.getKeyValueStore(name);
    }

    private long count(String name) {
        try (var all = store(name).all()) {
            long n = 0;
            while (all.hasNext()) {
                all.next();
                n++;
            }
            return n;
        }
    }

    @Test
    void lastGoodIsPerServiceAndEnvironment() {
        StoryRun.Observation end = run(ScenarioStories.lastGoodIsPerServiceAndEnvironment()).end();
        assertThat(end.lastGood()).extracting(LastGood::environment).containsExactly("production", "prod");
    }
}
