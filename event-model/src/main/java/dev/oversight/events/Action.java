package dev.oversight.events;

import java.time.Instant;

/**
 * Something the rollback worker did or decided not to do, on {@code oversight.actions}, keyed by verdict id.
 *
 * @param actionId      the idempotency key: {@code <verdictId>:<type>:<target>}; a phase is recorded at most once per key
 * @param target        the sink or executor: {@code webhook}, {@code alertmanager}, {@code pagerduty}, {@code github}, …;
 *                      for a {@link ActionType#NOTICE}, {@code <sink>/<subject>} (the sink told, and about what)
 * @param phase         REQUESTED is the intent, written before a call whose repetition the receiver cannot absorb;
 *                      SUCCEEDED, FAILED and SKIPPED are outcomes
 * @param attempt       calls made so far (0 when nothing was called)
 * @param detail        what happened, for humans (the receiver's answer, why it was skipped)
 * @param verdictStatus the status of the verdict acted on (null in records written before it was added)
 * @param reason        why, as a code: {@code NO_SAFE_TARGET}, {@code SUPERSEDED}, {@code STORM_LIMIT}, {@code DRY_RUN},
 *                      {@code OUTCOME_UNKNOWN}, … (rollback-worker README); null when there is nothing to explain
 * @param request       the request sent, or for a dry-run the one that would have been sent, without credentials
 * @param rollbackTo    for a ROLLBACK: the last compliant deploy it goes (or would have gone) back to; null otherwise
 * @param ledger        the action's link in the chain of its partition (ledger/README.md); null on actions written
 *                      before the ledger, and on an action not yet chained
 */
public record Action(
        int schema,
        String actionId,
        String verdictId,
        String deployId,
        String repository,
        String service,
        String environment,
        ActionType type,
        String target,
        ActionPhase phase,
        boolean dryRun,
        int attempt,
        String detail,
        Instant at,
        VerdictStatus verdictStatus,
        String reason,
        Request request,
        LastGood rollbackTo,
        LedgerLink ledger) {

    public static final int SCHEMA = 1;

    /** An action not chained (yet): what the worker decides, before its link is added when it is written. */
    public Action(int schema, String actionId, String verdictId, String deployId, String repository, String service,
                  String environment, ActionType type, String target, ActionPhase phase, boolean dryRun, int attempt,
                  String detail, Instant at, VerdictStatus verdictStatus, String reason, Request request,
                  LastGood rollbackTo) {
        this(schema, actionId, verdictId, deployId, repository, service, environment, type, target, phase, dryRun,
                attempt, detail, at, verdictStatus, reason, request, rollbackTo, null);
    }

    public Action withLedger(LedgerLink link) {
        return new Action(schema, actionId, verdictId, deployId, repository, service, environment, type, target,
                phase, dryRun, attempt, detail, at, verdictStatus, reason, request, rollbackTo, link);
    }

    public static String actionId(String verdictId, ActionType type, String target) {
        return verdictId + ":" + type.name().toLowerCase(java.util.Locale.ROOT) + ":" + target;
    }

    /** ALERT opens an alert, RESOLVE closes it, ROLLBACK asks an executor to roll back, NOTICE tells of another action. */
    public enum ActionType { ALERT, RESOLVE, ROLLBACK, NOTICE }

    public enum ActionPhase {
        REQUESTED, SUCCEEDED, FAILED, SKIPPED;

        public boolean isOutcome() {
            return this != REQUESTED;
        }
    }

    /**
     * A request as sent (or as it would have been sent): HTTP method and URL with its body, or {@code exec} with the
     * command line and its environment. Credentials are never in it: tokens travel in headers that are not recorded,
     * secret URLs are shortened to their host, secret body fields are replaced by {@code "…"}.
     */
    public record Request(String method, String url, String body) {}
}
