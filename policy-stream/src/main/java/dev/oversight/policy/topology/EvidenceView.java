package dev.oversight.policy.topology;

/**
 * What the stores hold, read-only: everything a deploy's facts are assembled from. The topology reads it from its
 * state stores ({@link StoreView}); tests give it maps. Every lookup answers null for what is not known.
 */
interface EvidenceView {

    ChangeState change(String changeId);

    /** The change a commit landed (merge) or headed (open change). */
    CommitLink commit(String repository, String sha);

    /** The push that brought a branch to this sha. */
    PushState push(String repository, String sha);

    /** The latest report of every check on a commit. */
    CheckSet checks(String repository, String sha);

    Stores.ArtifactLink artifact(String repository, String artifactId);

    /** The first deploy that brought a commit to a service's environment. */
    DeployedCommit deployed(String repository, String service, String environment, String sha);

    /** The latest successful deploys of a service to an environment, in deploy time. */
    DeployHistory history(String repository, String service, String environment);
}
