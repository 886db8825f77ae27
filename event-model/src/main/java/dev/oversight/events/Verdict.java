package dev.oversight.events;

import java.time.Instant;
import java.util.List;

/**
 * The answer for one deploy, on {@code oversight.verdicts}, keyed by repository id. A deploy's verdict is
 * re-emitted when its status changes (PENDING → COMPLIANT/VIOLATION → REMEDIATED); every emission has its own
 * {@code verdictId} and the same {@code deployId}.
 *
 * @param verdictId  {@code <deployId>@<revision>}: deterministic, so reprocessing never invents a new one
 * @param revision   1 for the first verdict of a deploy, one more on every change of status
 * @param deployer   who deployed (not in metrics; in alerts and reports)
 * @param team       the service's team from policy, null where policy names none
 * @param deadline   for an EXCEPTION (break-glass): when the review after the fact is due
 * @param evidence   ids of the deliveries on {@code oversight.raw} this verdict rests on
 */
public record Verdict(
        int schema,
        String verdictId,
        int revision,
        String deployId,
        String repository,
        String service,
        String environment,
        String sha,
        String previousSha,
        VerdictStatus status,
        List<Reason> reasons,
        List<ChangeSummary> changes,
        List<CheckSummary> ci,
        PolicyRef policy,
        Instant decidedAt,
        Instant deployedAt,
        String deployer,
        String team,
        String url,
        Instant deadline,
        List<String> evidence) {

    public static final int SCHEMA = 1;

    public Verdict {
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
        changes = changes == null ? List.of() : List.copyOf(changes);
        ci = ci == null ? List.of() : List.copyOf(ci);
        evidence = evidence == null ? List.of() : List.copyOf(evidence);
    }

    public static String verdictId(String deployId, int revision) {
        return deployId + "@" + revision;
    }

    public boolean hasReason(ReasonCode code) {
        return reasons.stream().anyMatch(r -> r.code() == code);
    }

    /** A reason: a code of the table in policy-stream/README.md ("Reason codes") and a sentence for humans. */
    public record Reason(ReasonCode code, String detail) {}

    /** One change in the deploy. */
    public record ChangeSummary(
            String id,
            String title,
            String url,
            String author,
            List<String> approvers,
            String headSha,
            String mergeSha) {

        public ChangeSummary {
            approvers = approvers == null ? List.of() : List.copyOf(approvers);
        }
    }

    /** The latest result of one check on the deployed commit. */
    public record CheckSummary(String name, String conclusion, String sha, String url) {}

    /** The policy that decided: its name and a hash of its content. */
    public record PolicyRef(String name, String version) {}
}
