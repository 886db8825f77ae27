package dev.oversight.events;

/** The state a review leaves a change in, whatever the source's spelling. */
public enum ReviewState {
    APPROVED,
    CHANGES_REQUESTED,
    COMMENTED,
    /** A review was dismissed by someone (GitHub {@code dismissed}). */
    DISMISSED,
    /** The reviewer withdrew their approval (GitLab {@code unapproval} / {@code unapproved}). */
    APPROVAL_WITHDRAWN
}
