package dev.oversight.events;

import java.time.Instant;

/**
 * A CI system reported on a commit: a check, a status, a workflow or pipeline run, a job, a test suite.
 *
 * @param name       the check's name as policy refers to it (check run name, status context, workflow name)
 * @param system     what kind of report it is
 * @param runId      the source's id of the run; together with {@code attempt} it orders re-runs
 * @param attempt    1 for the first run, higher for re-runs (GitHub {@code run_attempt})
 * @param conclusion null while the run has not completed; {@link CiConclusion#UNAVAILABLE} where the source no longer
 *                   keeps what the check reported (a backfill of history past the source's retention)
 */
public record CiResult(
        int schema,
        Source source,
        String repository,
        String deliveryId,
        Instant occurredAt,
        String sha,
        String name,
        CiSystem system,
        String runId,
        int attempt,
        CiStatus status,
        CiConclusion conclusion,
        String branch,
        String url) implements Evidence {

    /**
     * The name of a report that speaks of every check on its commit: with {@link CiConclusion#UNAVAILABLE}, the source
     * no longer keeps any check run or status of the commit, so whatever ran there cannot be known.
     */
    public static final String EVERY_CHECK = "*";

    public boolean completed() {
        return status == CiStatus.COMPLETED;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.ci(this);
    }

    public enum CiSystem { CHECK_RUN, CHECK_SUITE, STATUS, WORKFLOW_RUN, WORKFLOW_JOB, PIPELINE, JOB, BUILD, TEST_SUITE, TEST_CASE }

    public enum CiStatus { QUEUED, IN_PROGRESS, COMPLETED }

    public enum CiConclusion {
        SUCCESS, FAILURE, CANCELLED, TIMED_OUT, ACTION_REQUIRED, NEUTRAL, SKIPPED, STALE, ERROR,
        /** Not a result: the source no longer has the check's result (past its retention). Never a pass. */
        UNAVAILABLE;

        /** Whether this conclusion lets a deploy through. Only success does; neutral and skipped do not pass a required check. */
        public boolean passed() {
            return this == SUCCESS;
        }
    }
}
