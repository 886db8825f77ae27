package dev.oversight.policy.topology;

import dev.oversight.events.Actor;
import dev.oversight.events.VerdictStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** One deploy and where its verdict stands (store {@code deploys}, key: deploy id). */
final class DeployState {

    public String deployId;
    public String repository;
    public String environment;
    public String service;
    public String sha;
    public String ref;
    public String artifactId;
    public Actor deployer;
    public String url;
    public Set<String> flags = new LinkedHashSet<>();
    public String rollbackOf;
    public boolean succeeded;
    public boolean failed;
    public Instant deployedAt;
    public String previousSha;
    /** Processing time when the deploy's success arrived: the grace period and verdict latency count from it. */
    public Instant receivedAt;
    public Instant graceEndsAt;
    public Instant exceptionDeadline;
    /** Processing time of the latest verdict: a settled deploy is dropped a retention period after it. */
    public Instant decidedAt;
    public VerdictStatus status;
    /** What the latest verdict said beside its status (see {@link VerdictRecords#summary}). */
    public String summary;
    public int revision;
    public List<String> evidence = new ArrayList<>();

    void remember(String deliveryId) {
        if (deliveryId != null && !evidence.contains(deliveryId) && evidence.size() < ChangeState.MAX_EVIDENCE) {
            evidence.add(deliveryId);
        }
    }
}
