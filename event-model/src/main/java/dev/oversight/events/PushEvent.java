package dev.oversight.events;

import java.time.Instant;
import java.util.List;

/**
 * Commits reached a branch.
 *
 * @param before  the branch's head before the push (all zeros when the branch was created)
 * @param after   the branch's head after the push (all zeros when the branch was deleted)
 * @param forced  history was rewritten
 * @param commits the commits the push brought, oldest first, each with the files it touched
 */
public record PushEvent(
        int schema,
        Source source,
        String repository,
        String deliveryId,
        Instant occurredAt,
        String branch,
        String before,
        String after,
        boolean forced,
        boolean created,
        boolean deleted,
        Actor pusher,
        List<PushedCommit> commits) implements Evidence {

    public PushEvent {
        commits = commits == null ? List.of() : List.copyOf(commits);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.push(this);
    }

    /** One commit of a push, with the paths it added, modified and removed. */
    public record PushedCommit(
            String sha,
            String author,
            String message,
            List<String> added,
            List<String> modified,
            List<String> removed) {

        public PushedCommit {
            added = added == null ? List.of() : List.copyOf(added);
            modified = modified == null ? List.of() : List.copyOf(modified);
            removed = removed == null ? List.of() : List.copyOf(removed);
        }
    }
}
