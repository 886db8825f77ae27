package dev.oversight.policy.topology;

import java.time.Instant;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * {@link EvidenceView} over the processor's state stores, and the stores themselves for {@link EvidenceWriter}.
 * The stores that are mostly missed on a first write (changes, checks) have a {@link PresenceFilter} in front.
 *
 * <p>While a deploy is assembled, the view sees only evidence stored within the retention before that deploy arrived,
 * or after ({@link #horizon}): what was already past its retention then is not used, whether or not the sweep has
 * reached it yet, so a verdict never depends on how far the sweep got (StateSweeper).
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
    /** Evidence stored before this is not seen; null: all is. Set around one deploy's assembly. */
    Instant horizon;

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
        ChangeState change = changeId != null && knownChanges.mayContain(changeId) ? changes.get(changeId) : null;
        return change != null && seen(change.storedAt) ? change : null;
    }

    @Override
    public CommitLink commit(String repository, String sha) {
        CommitLink link = sha == null ? null : commits.get(StoreKeys.of(repository, sha));
        return link != null && seen(link.storedAt()) ? link : null;
    }

    @Override
    public PushState push(String repository, String sha) {
        PushState push = sha == null ? null : pushes.get(StoreKeys.of(repository, sha));
        return push != null && seen(push.storedAt) ? push : null;
    }

    @Override
    public CheckSet checks(String repository, String sha) {
        if (sha == null) {
            return null;
        }
        String key = StoreKeys.of(repository, sha);
        CheckSet set = knownChecks.mayContain(key) ? checks.get(key) : null;
        return set != null && seen(set.storedAt) ? set : null;
    }

    @Override
    public Stores.ArtifactLink artifact(String repository, String artifactId) {
        Stores.ArtifactLink link = artifactId == null ? null : artifacts.get(StoreKeys.of(repository, artifactId));
        return link != null && seen(link.storedAt()) ? link : null;
    }

    @Override
    public DeployedCommit deployed(String repository, String service, String environment, String sha) {
        DeployedCommit by = sha == null ? null : deployed.get(StoreKeys.of(repository, service, environment, sha));
        return by != null && seen(by.storedAt()) ? by : null;
    }

    private boolean seen(Instant storedAt) {
        return horizon == null || storedAt == null || !storedAt.isBefore(horizon);
    }

    @Override
    public DeployHistory history(String repository, String service, String environment) {
        return latest.get(StoreKeys.of(repository, service, environment));
    }
}
