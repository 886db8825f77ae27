package dev.oversight.policy.topology;

import java.time.Instant;

/**
 * Ties a commit to a change (store {@code commits}, key: repository + sha). A MERGE link is the commit a merged
 * change landed as: its merge commit, squash commit or last rebased commit. A HEAD link is a commit that was an
 * open change's head — a deploy of it, or a push of it, is of that unmerged change. A merge link is never
 * replaced by a head link.
 */
record CommitLink(String changeId, Instant at, Kind kind) {

    enum Kind { MERGE, HEAD }

    boolean merge() {
        return kind != Kind.HEAD;
    }
}
