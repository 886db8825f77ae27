package dev.oversight.events;

import java.time.Instant;

/**
 * A review or approval of a change was given, dismissed or withdrawn.
 *
 * @param reviewId     the source's id of the review; a dismissal carries the id of the review it dismisses
 * @param commitSha    the change's head the review was given on, where the source says (GitHub {@code commit_id})
 * @param changeAuthor the change's author as the review payload names it, so a review that arrives before its
 *                     change still knows whose change it is
 * @param changeMerged whether the change was already merged when this review event happened, as the payload tells
 *                     (GitHub's {@code pull_request.merged_at}, GitLab's merge request {@code state}); null where it
 *                     does not. It places a dismissal before or after the merge whatever time it is received.
 * @param commitUnavailable the source no longer has the commit the review was given on (GitHub answers a review's
 *                     {@code commit_id} as null once a force push removed it): a backfill of history says so, and
 *                     whether the review covered the change's final head cannot be known. False for live events.
 */
public record ReviewEvent(
        int schema,
        Source source,
        String repository,
        String deliveryId,
        Instant occurredAt,
        String changeId,
        long number,
        String reviewId,
        Actor reviewer,
        ReviewState state,
        String commitSha,
        Actor changeAuthor,
        String url,
        Boolean changeMerged,
        boolean commitUnavailable) implements Evidence {

    /** A review event whose commit the source still has (every live event). */
    public ReviewEvent(int schema, Source source, String repository, String deliveryId, Instant occurredAt,
                       String changeId, long number, String reviewId, Actor reviewer, ReviewState state,
                       String commitSha, Actor changeAuthor, String url, Boolean changeMerged) {
        this(schema, source, repository, deliveryId, occurredAt, changeId, number, reviewId, reviewer, state,
                commitSha, changeAuthor, url, changeMerged, false);
    }

    /** A review event whose payload does not tell whether the change was merged yet. */
    public ReviewEvent(int schema, Source source, String repository, String deliveryId, Instant occurredAt,
                       String changeId, long number, String reviewId, Actor reviewer, ReviewState state,
                       String commitSha, Actor changeAuthor, String url) {
        this(schema, source, repository, deliveryId, occurredAt, changeId, number, reviewId, reviewer, state,
                commitSha, changeAuthor, url, null, false);
    }

    /** The same review, its commit said to be gone from the source. */
    public ReviewEvent withCommitUnavailable() {
        return new ReviewEvent(schema, source, repository, deliveryId, occurredAt, changeId, number, reviewId, reviewer,
                state, commitSha, changeAuthor, url, changeMerged, true);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.review(this);
    }
}
