package dev.oversight.policy.topology;

import java.time.Instant;

/** The first deploy that brought a commit to a service's environment (store {@code deployed-commits}). */
record DeployedCommit(String deployId, Instant at, Instant storedAt) {

    DeployedCommit(String deployId, Instant at) {
        this(deployId, at, null);
    }
}
