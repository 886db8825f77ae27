package dev.oversight.events;

/** What happened to a change. */
public enum ChangeAction {
    OPENED,
    REOPENED,
    /** New commits on the change (GitHub {@code synchronize}, GitLab {@code update} with {@code oldrev}). */
    UPDATED,
    /** Title, description or base branch edited; no new commits. */
    EDITED,
    LABELED,
    UNLABELED,
    MERGED,
    /** Closed without being merged. */
    CLOSED
}
