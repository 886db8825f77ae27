package dev.oversight.events;

import java.time.Instant;
import java.util.List;

/**
 * A change (GitHub pull request, GitLab merge request, CDEvents change) was opened, updated, merged or closed.
 *
 * @param changeId         {@code github:owner/name#42}, {@code gitlab:group/project!7}
 * @param headSha          the change's last commit at the time of the event
 * @param previousHeadSha  the head before this update, where the source says (GitHub {@code before}, GitLab {@code oldrev})
 * @param mergeSha         the commit the change landed as: merge, squash or last rebased commit; null unless merged
 * @param labels           the change's labels after the event
 */
public record ChangeEvent(
        int schema,
        Source source,
        String repository,
        String deliveryId,
        Instant occurredAt,
        ChangeAction action,
        String changeId,
        long number,
        String title,
        String url,
        Actor author,
        Actor actor,
        String headSha,
        String previousHeadSha,
        String headBranch,
        String baseBranch,
        String mergeSha,
        Actor mergedBy,
        List<String> labels) implements Evidence {

    public ChangeEvent {
        labels = labels == null ? List.of() : List.copyOf(labels);
    }

    public boolean merged() {
        return action == ChangeAction.MERGED;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.change(this);
    }
}
