package dev.oversight.backfill;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One fact read from a source's API, as the webhook that would have told it: its event type ({@code X-GitHub-Event}, {@code X-Gitlab-Event}),
 * a delivery id that is the same every time the same fact is read (so a resumed or repeated backfill recognizes it),
 * when it happened, the webhook-shaped body, and the API address it was read from.
 */
public record Fact(String eventType, String deliveryId, Instant occurredAt, ObjectNode body, String readFrom) {

    /** Facts of a repository are written in the order they happened; at the same time, deploys last. */
    public static final java.util.Comparator<Fact> ORDER = java.util.Comparator.comparing(Fact::occurredAt)
            .thenComparing(f -> isDeploy(f) ? 1 : 0)
            .thenComparing(Fact::deliveryId);

    /** A deploy ({@code deployment}, {@code deployment_status}, GitLab's {@code Deployment Hook}), not its evidence. */
    public static boolean isDeploy(Fact fact) {
        return fact.eventType().regionMatches(true, 0, "deployment", 0, 10);
    }
}
