package dev.oversight.policy.topology;

import static dev.oversight.policy.topology.EvidenceScript.sha;
import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.events.CiResult.CiConclusion;
import dev.oversight.policy.file.PolicyFile;
import dev.oversight.policy.rules.DeployFacts;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The change-set walk over plain maps: what a deploy's facts are made of, with no Kafka Streams at all. */
class ChangeSetWalkTest {

    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

    /** The stores as maps. */
    static final class MapView implements EvidenceView {
        final Map<String, ChangeState> changes = new HashMap<>();
        final Map<String, CommitLink> commits = new HashMap<>();
        final Map<String, PushState> pushes = new HashMap<>();
        final Map<String, CheckSet> checks = new HashMap<>();
        final Map<String, Stores.ArtifactLink> artifacts = new HashMap<>();
        final Map<String, DeployedCommit> deployed = new HashMap<>();
        final Map<String, DeployHistory> history = new HashMap<>();

        public ChangeState change(String id) { return id == null ? null : changes.get(id); }

        public CommitLink commit(String repository, String sha) { return commits.get(StoreKeys.of(repository, sha)); }

        public PushState push(String repository, String sha) { return pushes.get(StoreKeys.of(repository, sha)); }

        public CheckSet checks(String repository, String sha) { return checks.get(StoreKeys.of(repository, sha)); }

        public Stores.ArtifactLink artifact(String repository, String id) {
            return id == null ? null : artifacts.get(StoreKeys.of(repository, id));
        }

        public DeployedCommit deployed(String repository, String service, String environment, String sha) {
            return deployed.get(StoreKeys.of(repository, service, environment, sha));
        }

        public DeployHistory history(String repository, String service, String environment) {
            return history.get(StoreKeys.of(repository, service, environment));
        }
    }

    private final EvidenceScript acme = new EvidenceScript("acme/payments");
    private final MapView view = new MapView();
    private final ChangeSetWalk walk = new ChangeSetWalk(view, PolicyFile.defaultPolicy());

    /** Change {@code n} by alice, approved by bob, merged as {@code merge} and pushed to main after {@code before}. */
    private void landed(long n, String before, String merge, Instant at) {
        ChangeState change = ChangeState.empty(acme.changeId(n), acme.repository);
        change.apply(acme.opened(n, "alice", sha("h" + n), at));
        change.apply(acme.approved(n, "alice", "bob", sha("h" + n), at.plusSeconds(1)));
        change.apply(acme.merged(n, "alice", sha("h" + n), merge, at.plusSeconds(2)));
        view.changes.put(change.changeId, change);
        view.commits.put(StoreKeys.of(acme.repository, merge), new CommitLink(change.changeId, at, CommitLink.Kind.MERGE));
        view.pushes.put(StoreKeys.of(acme.repository, merge), PushState.of(acme.push("main", before, merge, "merger",
                at.plusSeconds(3), List.of(merge), List.of("src/" + n + ".java"))));
        // The change's own branch: pushed by carol, who thereby committed to it.
        view.pushes.put(StoreKeys.of(acme.repository, sha("h" + n)), PushState.of(acme.push("change-" + n,
                sha("base" + n), sha("h" + n), "carol", at, List.of(sha("h" + n)), List.of("src/" + n + ".java"))));
    }

    private DeployState deploy(long id, String sha, Instant at) {
        DeployState deploy = new DeployState();
        deploy.deployId = acme.deployId(id);
        deploy.repository = acme.repository;
        deploy.service = "payments";
        deploy.environment = "production";
        deploy.sha = sha;
        deploy.deployedAt = at;
        deploy.graceEndsAt = at.plusSeconds(60);
        return deploy;
    }

    private void deployedBefore(DeployState deploy) {
        DeployHistory history = view.history.computeIfAbsent(StoreKeys.of(acme.repository, "payments", "production"),
                k -> new DeployHistory());
        history.add(new DeployHistory.Entry(deploy.deployId, deploy.sha, deploy.deployedAt, deploy.artifactId));
        if (deploy.sha != null) {
            view.deployed.put(StoreKeys.of(acme.repository, "payments", "production", deploy.sha),
                    new DeployedCommit(deploy.deployId, deploy.deployedAt));
        }
    }

    @Test
    void theChangeSetIsEveryChangeBetweenThePreviousDeployAndThisOne() {
        landed(1, sha("root"), sha("m1"), T0);
        deployedBefore(deploy(1, sha("m1"), T0.plusSeconds(10)));
        landed(2, sha("m1"), sha("m2"), T0.plusSeconds(20));
        landed(3, sha("m2"), sha("m3"), T0.plusSeconds(30));
        CheckSet checks = new CheckSet();
        checks.apply(acme.check(sha("m3"), "build", CiConclusion.SUCCESS, T0.plusSeconds(40)));
        view.checks.put(StoreKeys.of(acme.repository, sha("m3")), checks);
        DeployState second = deploy(2, sha("m3"), T0.plusSeconds(50));
        deployedBefore(second);

        ChangeSetWalk.Assembled assembled = walk.assemble(second, T0.plusSeconds(51));
        DeployFacts facts = assembled.facts();
        assertThat(facts.previousSha()).isEqualTo(sha("m1"));
        assertThat(facts.branch()).isEqualTo("main");
        assertThat(facts.changes()).extracting(DeployFacts.ChangeFacts::changeId)
                .containsExactly(acme.changeId(3), acme.changeId(2));
        assertThat(facts.commitExplained()).isTrue();
        assertThat(facts.unseenHistory()).isEmpty();
        assertThat(facts.checks()).extracting(DeployFacts.CheckFacts::name).containsExactly("build");
        assertThat(facts.changes().get(0).committers()).as("who pushed to the change's branch").contains("carol");
        assertThat(facts.changes().get(0).files()).contains("src/3.java");
        assertThat(assembled.evidence()).containsAll(view.changes.get(acme.changeId(2)).evidence)
                .containsAll(checks.evidence);
        assertThat(view.changes.get(acme.changeId(3)).committers).as("assembling changes nothing stored")
                .doesNotContain("carol");
    }

    @Test
    void aStretchOfHistoryNoPushExplainsIsSaid() {
        landed(1, sha("root"), sha("m1"), T0);
        deployedBefore(deploy(1, sha("m1"), T0.plusSeconds(10)));
        landed(3, sha("m2-unseen"), sha("m3"), T0.plusSeconds(30));
        DeployState second = deploy(2, sha("m3"), T0.plusSeconds(50));

        DeployFacts facts = walk.assemble(second, T0.plusSeconds(51)).facts();
        assertThat(facts.changes()).extracting(DeployFacts.ChangeFacts::changeId).containsExactly(acme.changeId(3));
        assertThat(facts.unseenHistory()).singleElement().asString().contains("pushes Oversight has not seen");
    }

    @Test
    void aDeployThatNamesOnlyItsArtifactIsOfTheArtifactsCommitOnceThatIsKnown() {
        landed(1, sha("root"), sha("m1"), T0);
        DeployState deploy = deploy(1, null, T0.plusSeconds(10));
        deploy.artifactId = "pkg:oci/payments@sha256:aa";
        DeployFacts before = walk.assemble(deploy, T0.plusSeconds(11)).facts();
        assertThat(before.sha()).isNull();
        assertThat(before.commitExplained()).isFalse();

        view.artifacts.put(StoreKeys.of(acme.repository, deploy.artifactId),
                new Stores.ArtifactLink(sha("m1"), acme.changeId(1), T0.plusSeconds(5)));
        DeployFacts after = walk.assemble(deploy, T0.plusSeconds(12)).facts();
        assertThat(after.sha()).isEqualTo(sha("m1"));
        assertThat(after.changes()).extracting(DeployFacts.ChangeFacts::changeId).containsExactly(acme.changeId(1));
    }

    @Test
    void thePreviousDeployIsTheOneBeforeInDeployTimeEvenWhenOnlyItsArtifactWasKnown() {
        DeployState first = deploy(1, null, T0.plusSeconds(10));
        first.artifactId = "pkg:oci/payments@sha256:bb";
        deployedBefore(first);
        view.artifacts.put(StoreKeys.of(acme.repository, first.artifactId),
                new Stores.ArtifactLink(sha("m1"), null, T0));
        DeployState second = deploy(2, sha("m2"), T0.plusSeconds(20));
        assertThat(walk.previousSha(second)).isEqualTo(sha("m1"));
        DeployState earlier = deploy(0, sha("m0"), T0.plusSeconds(5));
        assertThat(walk.previousSha(earlier)).as("nothing before it in deploy time").isNull();
    }
}
