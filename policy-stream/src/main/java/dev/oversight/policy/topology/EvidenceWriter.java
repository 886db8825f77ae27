package dev.oversight.policy.topology;

import dev.oversight.events.ArtifactEvent;
import dev.oversight.events.ChangeEvent;
import dev.oversight.events.CiResult;
import dev.oversight.events.DeployEvent;
import dev.oversight.events.PushEvent;
import dev.oversight.events.ReviewEvent;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Where evidence is stored: each kind of evidence updates the one store that keeps what it says (two for a merged
 * change: the change and its commit link). Nothing here decides anything; it only keeps what was said, so that a
 * deploy's facts can be assembled from it later, whatever order it arrived in.
 */
final class EvidenceWriter {

    private final StoreView stores;
    private final Supplier<Instant> clock;

    /** @param clock the stream's time: each entry written records it as its {@code storedAt} (see StateSweeper) */
    EvidenceWriter(StoreView stores, Supplier<Instant> clock) {
        this.stores = stores;
        this.clock = clock;
    }

    void change(String repository, ChangeEvent e) {
        ChangeState change = existingOrNew(e.changeId(), repository);
        String headBefore = change.headSha;
        change.apply(e);
        change.storedAt = clock.get();
        stores.changes.put(e.changeId(), change);
        if (e.merged() && e.mergeSha() != null) {
            stores.commits.put(StoreKeys.of(repository, e.mergeSha()),
                    new CommitLink(e.changeId(), e.occurredAt(), CommitLink.Kind.MERGE, change.storedAt));
        } else if (change.mergedAt == null && change.headSha != null && !change.headSha.equals(headBefore)) {
            // A new head of an open change: a deploy or push of this commit is of this change.
            stores.commits.put(StoreKeys.of(repository, change.headSha),
                    new CommitLink(e.changeId(), e.occurredAt(), CommitLink.Kind.HEAD, change.storedAt));
        }
    }

    void review(ReviewEvent e) {
        ChangeState change = existingOrNew(e.changeId(), e.repository());
        change.apply(e);
        change.storedAt = clock.get();
        stores.changes.put(e.changeId(), change);
    }

    private ChangeState existingOrNew(String changeId, String repository) {
        ChangeState change = stores.change(changeId);
        if (change == null) {
            change = ChangeState.empty(changeId, repository);
            stores.knownChanges.add(changeId);
        }
        return change;
    }

    void push(String repository, PushEvent e) {
        if (!e.deleted()) {
            // Who pushed to a change's branch, and what files its pushes touched, is read from these when a verdict
            // needs it (ChangeSetWalk): evidence is frequent, verdicts are not.
            PushState push = PushState.of(e);
            push.storedAt = clock.get();
            stores.pushes.put(StoreKeys.of(repository, e.after()), push);
        }
    }

    void ci(String repository, CiResult e) {
        String key = StoreKeys.of(repository, e.sha());
        CheckSet set = stores.checks(repository, e.sha());
        if (set == null) {
            set = new CheckSet();
            stores.knownChecks.add(key);
        }
        set.apply(e);
        set.storedAt = clock.get();
        stores.checks.put(key, set);
    }

    void artifact(String repository, ArtifactEvent e) {
        stores.artifacts.put(StoreKeys.of(repository, e.artifactId()),
                new Stores.ArtifactLink(e.sha(), e.changeId(), e.occurredAt(), clock.get()));
    }

    /** A deploy event merged into what is known of the deploy (a new state when none is). */
    static DeployState merge(DeployState known, String repository, DeployEvent e) {
        DeployState deploy = known;
        if (deploy == null) {
            deploy = new DeployState();
            deploy.deployId = e.deployId();
            deploy.repository = repository;
        }
        if (e.environment() != null) {
            deploy.environment = e.environment();
        }
        if (e.sha() != null) {
            deploy.sha = e.sha();
        }
        if (e.ref() != null) {
            deploy.ref = e.ref();
        }
        if (e.artifactId() != null) {
            deploy.artifactId = e.artifactId();
        }
        if (e.deployer() != null) {
            deploy.deployer = e.deployer();
        }
        if (e.url() != null) {
            deploy.url = e.url();
        }
        if (e.service() != null) {
            deploy.service = e.service();
        }
        if (e.rollbackOf() != null) {
            deploy.rollbackOf = e.rollbackOf();
        }
        deploy.flags.addAll(e.flags());
        deploy.remember(e.deliveryId());
        if (e.state() == DeployEvent.DeployState.FAILED || e.state() == DeployEvent.DeployState.ROLLED_BACK) {
            deploy.failed = true;
        }
        return deploy;
    }

    /**
     * Records a successful deploy where the next deploys look for their previous one: in the service's deploy
     * history (in deploy time) and, once its commit is known, among the commits deployed there. Called again when
     * the commit becomes known later (an artifact read after the deploy).
     */
    void recordDeployed(DeployState deploy) {
        String historyKey = StoreKeys.of(deploy.repository, deploy.service, deploy.environment);
        DeployHistory history = stores.latest.get(historyKey);
        if (history == null) {
            history = new DeployHistory();
        }
        history.add(new DeployHistory.Entry(deploy.deployId, deploy.sha, deploy.deployedAt, deploy.artifactId));
        stores.latest.put(historyKey, history);
        if (deploy.sha != null) {
            String deployedKey = StoreKeys.of(deploy.repository, deploy.service, deploy.environment, deploy.sha);
            if (stores.deployed.get(deployedKey) == null) {
                stores.deployed.put(deployedKey, new DeployedCommit(deploy.deployId, deploy.deployedAt, clock.get()));
            }
        }
    }
}
