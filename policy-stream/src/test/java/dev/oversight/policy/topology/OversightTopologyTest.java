package dev.oversight.policy.topology;

import static dev.oversight.policy.topology.EvidenceScript.sha;
import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.events.CiResult.CiConclusion;
import dev.oversight.events.DeadLetter;
import dev.oversight.events.LastGood;
import dev.oversight.events.ReasonCode;
import dev.oversight.events.ReviewState;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verdict rules of the walking skeleton, through the production topology, under the built-in default policy. */
class OversightTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

    @TempDir
    Path stateDir;
    private TopologyHarness topology;
    private final EvidenceScript acme = new EvidenceScript("acme/payments");

    @BeforeEach
    void start() {
        topology = new TopologyHarness(PolicyFile.defaultPolicy(), T0, stateDir);
    }

    @AfterEach
    void stop() {
        topology.close();
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
        reviewedAndMerged(42, "alice", "bob", sha("head42"), sha("merge42"));
        topology.send(acme.deployed(1, sha("merge42"), "production", T0.plusSeconds(10)));

        List<Verdict> verdicts = topology.verdicts();
        assertThat(verdicts).singleElement().satisfies(v -> {
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
        assertThat(topology.lastGood()).singleElement().satisfies(g -> {
            assertThat(g.service()).isEqualTo("payments");
            assertThat(g.environment()).isEqualTo("production");
            assertThat(g.sha()).isEqualTo(sha("merge42"));
        });
    }

    @Test
    void flagsDeployWhenOnlyApprovalIsByAuthor() {
        reviewedAndMerged(7, "carol", "carol", sha("head7"), sha("merge7"));
        topology.send(acme.deployed(2, sha("merge7"), "production", T0.plusSeconds(10)));

        assertThat(topology.verdicts()).singleElement().satisfies(v -> {
            assertThat(v.status()).isEqualTo(VerdictStatus.PENDING);
            assertThat(v.reasons()).extracting(Verdict.Reason::code).containsExactly(ReasonCode.SELF_APPROVAL);
        });
        topology.advance(Duration.ofSeconds(59));
        assertThat(topology.verdicts()).as("still within the 60 s grace").isEmpty();
        topology.advance(Duration.ofSeconds(2));
        assertThat(topology.verdicts()).singleElement().satisfies(v -> {
            assertThat(v.status()).isEqualTo(VerdictStatus.VIOLATION);
            assertThat(v.revision()).isEqualTo(2);
            assertThat(v.verdictId()).isEqualTo(acme.deployId(2) + "@2");
            assertThat(v.reasons()).singleElement().satisfies(r -> {
                assertThat(r.code()).isEqualTo(ReasonCode.SELF_APPROVAL);
                assertThat(r.detail()).isEqualTo("change #7 was approved only by its author carol");
            });
        });
        assertThat(topology.lastGood()).isEmpty();
    }

    @Test
    void flagsAMergedChangeNobodyApproved() {
        topology.send(acme.opened(8, "dan", sha("head8"), T0.plusSeconds(1)),
                acme.review(8, "dan", "erin", ReviewState.COMMENTED, sha("head8"), T0.plusSeconds(2)),
                acme.merged(8, "dan", sha("head8"), sha("merge8"), T0.plusSeconds(3)),
                acme.check(sha("merge8"), "build", CiConclusion.SUCCESS, T0.plusSeconds(4)),
                acme.deployed(3, sha("merge8"), "production", T0.plusSeconds(5)));
        topology.advance(Duration.ofSeconds(61));
        assertThat(topology.verdicts()).last().satisfies(v -> {
            assertThat(v.status()).isEqualTo(VerdictStatus.VIOLATION);
            assertThat(v.reasons()).extracting(Verdict.Reason::code).containsExactly(ReasonCode.NO_APPROVAL);
        });
    }

    @Test
    void flagsFailedAndMissingCi() {
        reviewedAndMerged(9, "alice", "bob", sha("head9"), sha("merge9"));
        topology.send(acme.check(sha("merge9"), "test", CiConclusion.FAILURE, T0.plusSeconds(5)),
                acme.deployed(4, sha("merge9"), "production", T0.plusSeconds(6)));
        reviewedAndMerged(10, "alice", "bob", sha("head10"), sha("merge10-no-ci"));
        topology.send(acme.deployed(5, sha("merge10-no-ci-other"), "production", T0.plusSeconds(7)));
        topology.advance(Duration.ofSeconds(70));

        List<Verdict> finals = topology.verdicts().stream().filter(v -> v.status().isFinal()).toList();
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
        reviewedAndMerged(5, "alice", "bob", sha("head5"), sha("merge5"));
        topology.send(acme.deployed(5, sha("merge5"), "production", T0.plusSeconds(5)));
        topology.send(acme.check(sha("stray"), "build", CiConclusion.SUCCESS, T0.plusSeconds(6)),
                acme.deployed(6, sha("stray"), "production", T0.plusSeconds(7)));
        topology.advance(Duration.ofSeconds(61));
        assertThat(topology.verdicts()).last().satisfies(v -> {
            assertThat(v.deployId()).isEqualTo(acme.deployId(6));
            assertThat(v.status()).isEqualTo(VerdictStatus.VIOLATION);
            assertThat(v.reasons()).extracting(Verdict.Reason::code).containsExactly(ReasonCode.UNKNOWN_CHANGE);
            assertThat(v.changes()).isEmpty();
        });
    }

    @Test
    void theFirstDeployOfACommitOlderThanAnythingSeenIsTheBaselineNotAViolation() {
        // Oversight starts watching: the service's first deploy carries history it never saw.
        topology.send(acme.check(sha("old"), "build", CiConclusion.SUCCESS, T0.plusSeconds(1)),
                acme.deployed(30, sha("old"), "production", T0.plusSeconds(2)));
        topology.advance(Duration.ofSeconds(61));
        List<Verdict> first = topology.verdicts();
        assertThat(first).extracting(Verdict::status).containsExactly(VerdictStatus.PENDING, VerdictStatus.BASELINE);
        assertThat(first.get(1).reasons()).extracting(Verdict.Reason::code).containsExactly(ReasonCode.BASELINE);
        assertThat(topology.lastGood()).as("a baseline is no rollback target: nobody judged it").isEmpty();

        // The next deploy is judged from it: the change since the baseline, reviewed, compliant.
        reviewedAndMerged(31, "alice", "bob", sha("head31"), sha("merge31"));
        topology.send(acme.push("main", sha("old"), sha("merge31"), "merger", T0.plusSeconds(70),
                List.of(sha("merge31")), List.of("src/a.java")));
        topology.send(acme.deployed(31, sha("merge31"), "production", T0.plusSeconds(80)));
        assertThat(topology.verdicts()).singleElement().satisfies(v -> {
            assertThat(v.status()).isEqualTo(VerdictStatus.COMPLIANT);
            assertThat(v.previousSha()).isEqualTo(sha("old"));
            assertThat(v.changes()).extracting(Verdict.ChangeSummary::id).containsExactly(acme.changeId(31));
        });
    }

    @Test
    void aBaselineIsStillJudgedOnTheEvidenceOversightHas() {
        // A failed check on the deployed commit is evidence Oversight saw: the first deploy is flagged for it.
        topology.send(acme.check(sha("old2"), "build", CiConclusion.FAILURE, T0.plusSeconds(1)),
                acme.deployed(32, sha("old2"), "production", T0.plusSeconds(2)));
        topology.advance(Duration.ofSeconds(61));
        assertThat(topology.verdicts()).last().satisfies(v -> {
            assertThat(v.status()).isEqualTo(VerdictStatus.VIOLATION);
            assertThat(v.reasons()).extracting(Verdict.Reason::code).containsExactly(ReasonCode.CI_FAILED);
        });
    }

    @Test
    void reviewArrivingFiveSecondsAfterTheDeployIsNoViolation() {
        // The review was given before the merge; its webhook arrives after the deploy's.
        topology.send(acme.opened(11, "alice", sha("head11"), T0.plusSeconds(1)),
                acme.merged(11, "alice", sha("head11"), sha("merge11"), T0.plusSeconds(20)),
                acme.check(sha("merge11"), "build", CiConclusion.SUCCESS, T0.plusSeconds(21)),
                acme.deployed(7, sha("merge11"), "production", T0.plusSeconds(30)));
        topology.advance(Duration.ofSeconds(5));
        topology.send(acme.approved(11, "alice", "bob", sha("head11"), T0.plusSeconds(10)));
        topology.advance(Duration.ofSeconds(120));

        assertThat(topology.verdicts()).extracting(Verdict::status)
                .containsExactly(VerdictStatus.PENDING, VerdictStatus.COMPLIANT);
    }

    @Test
    void approvalAfterTheFactRemediatesAndTheViolationStaysOnRecord() {
        topology.send(acme.opened(12, "alice", sha("head12"), T0.plusSeconds(1)),
                acme.merged(12, "alice", sha("head12"), sha("merge12"), T0.plusSeconds(2)),
                acme.check(sha("merge12"), "build", CiConclusion.SUCCESS, T0.plusSeconds(3)),
                acme.deployed(8, sha("merge12"), "production", T0.plusSeconds(4)));
        topology.advance(Duration.ofSeconds(61));
        topology.send(acme.approved(12, "alice", "bob", sha("head12"), topology.now().plusSeconds(600)));

        List<Verdict> verdicts = topology.verdicts();
        assertThat(verdicts).extracting(Verdict::status)
                .containsExactly(VerdictStatus.PENDING, VerdictStatus.VIOLATION, VerdictStatus.REMEDIATED);
        assertThat(verdicts.get(2).reasons()).extracting(Verdict.Reason::code).containsExactly(ReasonCode.NO_APPROVAL);
        assertThat(verdicts.get(2).deployId()).isEqualTo(verdicts.get(1).deployId());
        assertThat(verdicts.get(2).changes().get(0).approvers()).containsExactly("bob");
        assertThat(topology.lastGood()).as("a remediated deploy is not a rollback target").isEmpty();
    }

    @Test
    void deploysToUnprotectedEnvironmentsAreRecordedNeverFlagged() {
        topology.send(acme.check(sha("anything"), "build", CiConclusion.FAILURE, T0.plusSeconds(1)),
                acme.deployed(9, sha("anything"), "staging", T0.plusSeconds(2)));
        topology.advance(Duration.ofSeconds(120));
        assertThat(topology.verdicts()).isEmpty();
        assertThat(topology.registry.get(PolicyMeters.DEPLOYS).tag("environment", "staging")
                .tag("protected", "false").counter().count()).isEqualTo(1.0);
    }

    @Test
    void anUnreadableRecordGoesToTheDeadLetterTopicAndProcessingGoesOn() {
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
        reviewedAndMerged(14, "carol", "carol", sha("head14"), sha("merge14"));
        topology.send(acme.deployed(11, sha("merge14"), "production", T0.plusSeconds(10)));
        topology.advance(Duration.ofSeconds(61));
        assertThat(topology.registry.get(PolicyMeters.VERDICTS).tag("status", "violation").counter().count())
                .isEqualTo(1.0);
        assertThat(topology.registry.get(PolicyMeters.REASONS).tag("reason", "SELF_APPROVAL")
                .tag("environment", "production").tag("service", "payments").counter().count()).isEqualTo(1.0);
        assertThat(topology.registry.get(PolicyMeters.LATENCY).tag("status", "violation").timer().count()).isEqualTo(1);
    }

    @Test
    void stateIsBoundedByTheRetention() {
        // Change 16 merged long ago; its evidence is older than the 30-day retention when the sweep runs.
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
        assertThat(store("changes").get(acme.changeId(16))).as("closed 40 days ago").isNull();
        assertThat(count("commits")).isZero();
        assertThat(store("deploys").get(acme.deployId(16))).as("decided 2 minutes ago").isNotNull();

        topology.advance(Duration.ofDays(31));
        assertThat(store("deploys").get(acme.deployId(16))).as("settled more than 30 days ago").isNull();
        assertThat(count("open-deploys")).isZero();
        // The deployed commit's change is gone: a late approval can no longer remediate it, and nothing breaks.
        topology.send(acme.approved(16, "alice", "bob", sha("head16"), topology.now()));
        assertThat(topology.verdicts()).isEmpty();
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
        reviewedAndMerged(15, "alice", "bob", sha("head15"), sha("merge15"));
        topology.send(acme.deployed(12, sha("merge15"), "production", T0.plusSeconds(10)),
                acme.deployed(13, sha("merge15"), "prod", T0.plusSeconds(11)));
        assertThat(topology.lastGood()).extracting(LastGood::environment).containsExactly("production", "prod");
    }
}
