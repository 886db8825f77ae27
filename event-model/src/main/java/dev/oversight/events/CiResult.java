package dev.oversight.events;

import java.time.Instant;

/**
 * A CI system reported on a commit: a check, a status, a workflow or pipeline run, a job, a test suite.
 *
 * @param name       the check's name as policy refers to it (check run name, status context, workflow name)
 * @param system     what kind of report it is
 * @param runId      the source's id of the run; together with {@code attempt} it orders re-runs
 * @param attempt    1 for the first run, higher for re-runs (GitHub {@code run_attempt})
 * @param conclusion null while the run has not completed
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
        SUCCESS, FAILURE, CANCELLED, TIMED_OUT, ACTION_REQUIRED, NEUTRAL, SKIPPED, STALE, ERROR;

        /** Whether this conclusion lets a deploy through. Only success does; neutral and skipped do not pass a required check. */
        public boolean passed() {
            return this == SUCCESS;
        }
    }
}
