package dev.oversight.events;

import com.fasterxml.jackson.annotation.JsonProperty;
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
 * @param decision   what the verdict asks of the worker, decided by policy-stream under the policy the verdict
 *                   names (schema 2); null on verdicts of schema 1, written before verdicts carried it
 * @param ledger     the verdict's link in the chain of its partition (ledger/README.md); null on verdicts written
 *                   before the ledger, and on a verdict not yet chained
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
        List<String> evidence,
        Decision decision,
        LedgerLink ledger) {

    /** 2: verdicts carry their {@link Decision}. Verdicts of schema 1 are still read. */
    public static final int SCHEMA = 2;

    /** A verdict without a decision, as schema 1 wrote them. */
    public Verdict(int schema, String verdictId, int revision, String deployId, String repository, String service,
                   String environment, String sha, String previousSha, VerdictStatus status, List<Reason> reasons,
                   List<ChangeSummary> changes, List<CheckSummary> ci, PolicyRef policy, Instant decidedAt,
                   Instant deployedAt, String deployer, String team, String url, Instant deadline,
                   List<String> evidence) {
        this(schema, verdictId, revision, deployId, repository, service, environment, sha, previousSha, status,
                reasons, changes, ci, policy, decidedAt, deployedAt, deployer, team, url, deadline, evidence, null);
    }

    /** A verdict not chained (yet): what policy-stream decides, before its link is added. */
    public Verdict(int schema, String verdictId, int revision, String deployId, String repository, String service,
                   String environment, String sha, String previousSha, VerdictStatus status, List<Reason> reasons,
                   List<ChangeSummary> changes, List<CheckSummary> ci, PolicyRef policy, Instant decidedAt,
                   Instant deployedAt, String deployer, String team, String url, Instant deadline,
                   List<String> evidence, Decision decision) {
        this(schema, verdictId, revision, deployId, repository, service, environment, sha, previousSha, status,
                reasons, changes, ci, policy, decidedAt, deployedAt, deployer, team, url, deadline, evidence, decision,
                null);
    }

    public Verdict withLedger(LedgerLink link) {
        return new Verdict(schema, verdictId, revision, deployId, repository, service, environment, sha, previousSha,
                status, reasons, changes, ci, policy, decidedAt, deployedAt, deployer, team, url, deadline, evidence,
                decision, link);
    }

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

    /**
     * What is to be done about this deploy, decided once by policy-stream: whether its environment is protected,
     * the action on a violation there ({@code alert}, {@code rollback}, {@code alert+rollback}) and whether that
     * action is only recorded ({@code dryRun}). The worker acts on this, not on a policy of its own.
     */
    public record Decision(@JsonProperty("protected") boolean isProtected, String action, boolean dryRun) {}

    /** The policy that decided: its name and a hash of its content. */
    public record PolicyRef(String name, String version) {}
}
