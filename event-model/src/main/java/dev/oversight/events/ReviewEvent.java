package dev.oversight.events;

import java.time.Instant;

/**
 * A review or approval of a change was given, dismissed or withdrawn.
 *
 * @param reviewId     the source's id of the review; a dismissal carries the id of the review it dismisses
 * @param commitSha    the change's head the review was given on, where the source says (GitHub {@code commit_id})
 * @param changeAuthor the change's author as the review payload names it, so a review that arrives before its
 *                     change still knows whose change it is
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
        String url) implements Evidence {

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.review(this);
    }
}
