package dev.oversight.policy.rules;

import dev.oversight.events.Actor;
import dev.oversight.events.CiResult;
import dev.oversight.events.ReviewState;
import dev.oversight.events.VerdictStatus;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Everything Oversight knows about one deploy at one moment: the deploy, the changes and pushes it carries, the
 * checks on its commit, and the time. The rules read only this; the topology assembles it from its stores.
 *
 * @param now          the time of this evaluation (wall clock of the processor, passed in as a value)
 * @param graceEndsAt  until then, a verdict that lacks evidence stays PENDING
 * @param priorStatus  the deploy's current status, null before its first verdict
 * @param exceptionDeadline for a deploy in EXCEPTION: when its review after the fact is due
 * @param commitExplained    the deployed commit is tied to a change or a push Oversight saw (even one that touches
 *                           none of the service's paths)
 * @param unseenHistory      stretches of the deployed branch's history that no push Oversight saw explains
 *                           (each one a sentence), between the previous deploy and this one
 * @param firstDeploy        no deploy of the service to the environment before this one is known: Oversight starts
 *                           watching here
 */
public record DeployFacts(
        String deployId,
        String repository,
        String service,
        String environment,
        String sha,
        String previousSha,
        String branch,
        Actor deployer,
        Instant deployedAt,
        List<String> deployFlags,
        Instant now,
        Instant graceEndsAt,
        VerdictStatus priorStatus,
        Instant exceptionDeadline,
        List<ChangeFacts> changes,
        List<DirectPushFacts> directPushes,
        boolean commitExplained,
        List<String> unseenHistory,
        List<CheckFacts> checks,
        boolean firstDeploy) {

    public DeployFacts {
        deployFlags = List.copyOf(deployFlags);
        changes = List.copyOf(changes);
        directPushes = List.copyOf(directPushes);
        unseenHistory = List.copyOf(unseenHistory);
        checks = List.copyOf(checks);
    }

    /**
     * A baseline: the first deploy Oversight saw of the service to the environment, of a commit that predates
     * everything Oversight saw (no change or push it knows explains it).
     */
    public boolean baseline() {
        return firstDeploy && !commitExplained;
    }

    public boolean graceOver() {
        return !now.isBefore(graceEndsAt);
    }

    /** The same facts at another step of one evaluation: the status and deadline the previous step reached. */
    public DeployFacts withStatus(VerdictStatus status, Instant deadline) {
        return new DeployFacts(deployId, repository, service, environment, sha, previousSha, branch, deployer,
                deployedAt, deployFlags, now, graceEndsAt, status, deadline, changes, directPushes, commitExplained,
                unseenHistory, checks, firstDeploy);
    }

    /**
     * A change in the deploy.
     *
     * @param headSha       the change's final head (its last commit)
     * @param headUpdatedAt when that head arrived (approvals before it are stale where the source gives no sha)
     * @param mergedAt      null for a change that is not merged (a deploy of an open change's head)
     * @param reviews       every review event of the change, in the order they happened
     * @param committers    who pushed commits to the change (for {@code excludeCommitters})
     * @param files         paths the change touched, where pushes told
     */
    public record ChangeFacts(
            String changeId,
            String title,
            String url,
            Actor author,
            String headSha,
            Instant headUpdatedAt,
            String mergeSha,
            Instant mergedAt,
            List<String> labels,
            List<ReviewFacts> reviews,
            Set<String> committers,
            Set<String> files) {

        public ChangeFacts {
            labels = List.copyOf(labels);
            reviews = List.copyOf(reviews);
            committers = Set.copyOf(committers);
            files = Set.copyOf(files);
        }
    }

    /**
     * One review event: an approval, a request for changes, a comment, a dismissal or a withdrawal.
     *
     * @param changeMerged whether the change was merged when this happened, as the event's payload said; null where
     *                     it did not (then its time decides)
     * @param commitUnavailable the source no longer has the commit the review was given on (read from history)
     */
    public record ReviewFacts(String reviewId, Actor reviewer, ReviewState state, String commitSha, Instant at,
                              Boolean changeMerged, boolean commitUnavailable) {

        public ReviewFacts(String reviewId, Actor reviewer, ReviewState state, String commitSha, Instant at) {
            this(reviewId, reviewer, state, commitSha, at, null, false);
        }
    }

    /** Commits that reached the deployed branch without a change. */
    public record DirectPushFacts(Actor pusher, String before, String after, List<String> commits, Set<String> files,
                                  Instant at) {
        public DirectPushFacts {
            commits = List.copyOf(commits);
            files = Set.copyOf(files);
        }
    }

    /** The latest report of one check on the deployed commit. */
    public record CheckFacts(String name, CiResult.CiSystem system, CiResult.CiStatus status,
                             CiResult.CiConclusion conclusion, int attempt, Instant at, String url) {

        public boolean finished() {
            return status == CiResult.CiStatus.COMPLETED && conclusion != null;
        }
    }
}
