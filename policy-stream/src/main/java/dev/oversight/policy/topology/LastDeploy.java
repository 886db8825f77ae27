package dev.oversight.policy.topology;

import java.time.Instant;

/** The latest successful deploy of a service to an environment (store {@code latest-deploys}), for previousSha. */
record LastDeploy(String deployId, String sha, Instant at) {}
