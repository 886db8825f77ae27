package dev.oversight.policy.topology;

import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * {@link EvidenceView} over the processor's state stores, and the stores themselves for {@link EvidenceWriter}.
 * The stores that are mostly missed on a first write (changes, checks) have a {@link PresenceFilter} in front.
 */
final class StoreView implements EvidenceView {

    final KeyValueStore<String, ChangeState> changes;
    final KeyValueStore<String, CommitLink> commits;
    final KeyValueStore<String, CheckSet> checks;
    final KeyValueStore<String, PushState> pushes;
    final KeyValueStore<String, Stores.ArtifactLink> artifacts;
    final KeyValueStore<String, DeployHistory> latest;
    final KeyValueStore<String, DeployedCommit> deployed;
    final PresenceFilter knownChanges;
    final PresenceFilter knownChecks;

    StoreView(ProcessorContext<?, ?> context) {
        changes = Stores.get(context, Stores.CHANGES);
        commits = Stores.get(context, Stores.COMMITS);
        checks = Stores.get(context, Stores.CHECKS);
        pushes = Stores.get(context, Stores.PUSHES);
        artifacts = Stores.get(context, Stores.ARTIFACTS);
        latest = Stores.get(context, Stores.LATEST);
        deployed = Stores.get(context, Stores.DEPLOYED);
        knownChanges = new PresenceFilter(changes);
        knownChecks = new PresenceFilter(checks);
    }

    @Override
    public ChangeState change(String changeId) {
        return changeId != null && knownChanges.mayContain(changeId) ? changes.get(changeId) : null;
    }

    @Override
    public CommitLink commit(String repository, String sha) {
        return sha == null ? null : commits.get(StoreKeys.of(repository, sha));
    }

    @Override
    public PushState push(String repository, String sha) {
        return sha == null ? null : pushes.get(StoreKeys.of(repository, sha));
    }

    @Override
    public CheckSet checks(String repository, String sha) {
        if (sha == null) {
            return null;
        }
        String key = StoreKeys.of(repository, sha);
        return knownChecks.mayContain(key) ? checks.get(key) : null;
    }

    @Override
    public Stores.ArtifactLink artifact(String repository, String artifactId) {
        return artifactId == null ? null : artifacts.get(StoreKeys.of(repository, artifactId));
    }

    @Override
    public DeployedCommit deployed(String repository, String service, String environment, String sha) {
        return sha == null ? null : deployed.get(StoreKeys.of(repository, service, environment, sha));
    }

    @Override
    public DeployHistory history(String repository, String service, String environment) {
        return latest.get(StoreKeys.of(repository, service, environment));
    }
}
