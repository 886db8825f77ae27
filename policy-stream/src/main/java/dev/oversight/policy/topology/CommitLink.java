package dev.oversight.policy.topology;

import java.time.Instant;

/**
 * Ties a commit to a change (store {@code commits}, key: repository + sha). A MERGE link is the commit a merged
 * change landed as: its merge commit, squash commit or last rebased commit. A HEAD link is a commit that was an
 * open change's head — a deploy of it, or a push of it, is of that unmerged change. A merge link is never
 * replaced by a head link. {@code storedAt}: when it was stored (stream time), what its retention counts from.
 */
record CommitLink(String changeId, Instant at, Kind kind, Instant storedAt) {

    enum Kind { MERGE, HEAD }

    /** A link whose time of storing is not known (one stored before it was recorded). */
    CommitLink(String changeId, Instant at, Kind kind) {
        this(changeId, at, kind, null);
    }

    boolean merge() {
        return kind != Kind.HEAD;
    }
}
