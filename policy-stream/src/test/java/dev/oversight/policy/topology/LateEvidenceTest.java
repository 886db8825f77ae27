package dev.oversight.policy.topology;

import static dev.oversight.policy.topology.EvidenceScript.sha;
import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.events.Actor;
import dev.oversight.events.ArtifactEvent;
import dev.oversight.events.CiResult.CiConclusion;
import dev.oversight.events.DeployEvent;
import dev.oversight.events.Evidence;
import dev.oversight.events.LastGood;
import dev.oversight.events.ReasonCode;
import dev.oversight.events.ReviewEvent;
import dev.oversight.events.ReviewState;
import dev.oversight.events.Source;
import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import dev.oversight.policy.file.PolicyFile;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evidence that reaches policy-stream later than the deploy it concerns, or later than it happened: the verdict is
 * what the evidence says, not when it was read.
 */
class LateEvidenceTest {

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

    private void reviewedAndMerged(long number, String head, String merge) {
        topology.send(acme.opened(number, "alice", head, T0.plusSeconds(1)),
                acme.approved(number, "alice", "bob", head, T0.plusSeconds(2)),
                acme.merged(number, "alice", head, merge, T0.plusSeconds(3)),
                acme.check(merge, "build", CiConclusion.SUCCESS, T0.plusSeconds(4)));
    }

    @Test
    void aCdEventsDeployOfAnArtifactIsTiedToItsChangeWhenTheArtifactEventArrivesAfterIt() {
        reviewedAndMerged(21, sha("head21"), sha("merge21"));
        String artifact = "pkg:oci/payments@sha256:0a1b2c?repository_url=registry.example/acme/payments";
        // service.deployed names only the artifact; artifact.packaged travels on another topic and is read later.
        topology.send(new DeployEvent(Evidence.SCHEMA, Source.CDEVENTS, acme.repository, "cd-deploy-1",
                T0.plusSeconds(10), acme.deployId(21), "production", "payments", null, null, artifact,
                DeployEvent.DeployState.SUCCEEDED, Actor.human("argocd"), null, null, List.of(), null));
        topology.advance(Duration.ofSeconds(1));
        topology.send(new ArtifactEvent(Evidence.SCHEMA, Source.CDEVENTS, acme.repository, "cd-artifact-1",
                T0.plusSeconds(5), artifact, sha("merge21"), acme.changeId(21)));
        topology.advance(Duration.ofSeconds(120));

        List<Verdict> verdicts = topology.verdicts();
        assertThat(verdicts).last().satisfies(v -> {
            assertThat(v.status()).isEqualTo(VerdictStatus.COMPLIANT);
            assertThat(v.reasons()).isEmpty();
            assertThat(v.sha()).isEqualTo(sha("merge21"));
            assertThat(v.changes()).extracting(Verdict.ChangeSummary::id).containsExactly(acme.changeId(21));
        });
        assertThat(verdicts).extracting(Verdict::status).doesNotContain(VerdictStatus.VIOLATION);
        assertThat(topology.lastGood()).extracting(LastGood::sha).containsExactly(sha("merge21"));
    }

    /** A dismissal of bob's approval, at {@code at}, whose payload says whether the pull request was merged then. */
    private ReviewEvent dismissal(long number, Instant at, Boolean changeMerged) {
        return new ReviewEvent(Evidence.SCHEMA, Source.GITHUB, acme.repository, "dismissal-" + number, at,
                acme.changeId(number), number, "r-bob-" + number, Actor.human("bob"), ReviewState.DISMISSED,
                sha("head" + number), Actor.human("alice"), null, changeMerged);
    }

    @Test
    void aDismissalDeliveredAfterTheMergeCountsWhenItsPayloadSaysThePullRequestWasOpen() {
        reviewedAndMerged(22, sha("head22"), sha("merge22"));
        // Redelivered after an outage: timed after the merge, but the pull request was still open when it happened.
        topology.send(dismissal(22, T0.plusSeconds(30), false),
                acme.deployed(22, sha("merge22"), "production", T0.plusSeconds(40)));
        topology.advance(Duration.ofSeconds(120));

        assertThat(topology.verdicts()).last().satisfies(v -> {
            assertThat(v.status()).isEqualTo(VerdictStatus.VIOLATION);
            assertThat(v.reasons()).extracting(Verdict.Reason::code).contains(ReasonCode.APPROVAL_DISMISSED);
        });
    }

    @Test
    void aDismissalAfterTheMergeLeavesTheApprovalStanding() {
        reviewedAndMerged(23, sha("head23"), sha("merge23"));
        topology.send(dismissal(23, T0.plusSeconds(30), true),
                acme.deployed(23, sha("merge23"), "production", T0.plusSeconds(40)));
        topology.advance(Duration.ofSeconds(120));

        assertThat(topology.verdicts()).extracting(Verdict::status).containsExactly(VerdictStatus.COMPLIANT);
    }

    @Test
    void aCompliantVerdictIsTakenBackWhenEvidenceInsideTheGraceShowsAReason() {
        reviewedAndMerged(24, sha("head24"), sha("merge24"));
        topology.send(acme.deployed(24, sha("merge24"), "production", T0.plusSeconds(40)));
        assertThat(topology.lastGood()).extracting(LastGood::deployId).containsExactly(acme.deployId(24));
        // Read 5 s later, inside the grace: the approval had been dismissed before the merge.
        topology.advance(Duration.ofSeconds(5));
        topology.send(dismissal(24, T0.plusSeconds(3).minusMillis(500), false));
        topology.advance(Duration.ofSeconds(120));

        List<Verdict> verdicts = topology.verdicts();
        assertThat(verdicts).extracting(Verdict::status)
                .containsExactly(VerdictStatus.COMPLIANT, VerdictStatus.PENDING, VerdictStatus.VIOLATION);
        assertThat(verdicts.get(2).reasons()).extracting(Verdict.Reason::code).contains(ReasonCode.APPROVAL_DISMISSED);
        assertThat(topology.lastGood()).as("the deploy is no rollback target any more: no other one is")
                .extracting(LastGood::deployId).containsExactly((String) null);
    }

    @Test
    void everyVerdictCarriesWhatIsToBeDoneUnderItsPolicy() {
        reviewedAndMerged(25, sha("head25"), sha("merge25"));
        // GitHub environment names are chosen by people: Production is the policy's production.
        topology.send(acme.deployed(25, sha("merge25"), "Production", T0.plusSeconds(10)));
        assertThat(topology.verdicts()).singleElement().satisfies(v -> {
            assertThat(v.schema()).isEqualTo(2);
            assertThat(v.environment()).isEqualTo("Production");
            assertThat(v.decision()).isEqualTo(new Verdict.Decision(true, "alert", false));
            assertThat(v.policy().name()).isEqualTo("oversight-default");
        });
    }
}
