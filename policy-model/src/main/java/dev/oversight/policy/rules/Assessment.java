package dev.oversight.policy.rules;

import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import java.time.Instant;
import java.util.List;

/**
 * What the rules conclude about a deploy.
 *
 * @param deadline for EXCEPTION: when the review after the fact is due
 */
public record Assessment(
        VerdictStatus status,
        List<Verdict.Reason> reasons,
        List<Verdict.ChangeSummary> changes,
        List<Verdict.CheckSummary> checks,
        Instant deadline) {

    public Assessment {
        reasons = List.copyOf(reasons);
        changes = List.copyOf(changes);
        checks = List.copyOf(checks);
    }
}
