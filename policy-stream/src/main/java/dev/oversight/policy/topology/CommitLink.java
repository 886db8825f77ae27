package dev.oversight.policy.topology;

import java.time.Instant;

/**
 * Ties a commit to the change it landed as (store {@code commits}, key: repository + sha): the merge commit, the
 * squash commit, or the last commit of a rebase merge — only ever for a merged change.
 */
record CommitLink(String changeId, Instant at) {}
