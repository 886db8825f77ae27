package dev.oversight.rollback.safety;

import dev.oversight.events.LastGood;
import dev.oversight.events.ReasonCode;
import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import dev.oversight.rollback.ActionReason;
import dev.oversight.rollback.alert.AlertText;
import dev.oversight.policy.rules.RollbackTarget;
import java.time.Duration;
import java.time.Instant;

/**
 * The safety rules of a rollback, as a pure function of what is known (no Kafka, no clock: time comes in). In order,
 * the first that applies decides:
 * <ol>
 *   <li>an overdue break-glass review is alerted, never rolled back ({@code BREAK_GLASS});</li>
 *   <li>a service without an executor is not rolled back ({@code NO_EXECUTOR});</li>
 *   <li>a deploy older than the maximum age is not rolled back ({@code TOO_OLD});</li>
 *   <li>a deploy that a newer one already replaced is not rolled back ({@code SUPERSEDED});</li>
 *   <li>without a compliant version to return to, or when it is the violating commit itself, or when its own
 *       verdict is no longer COMPLIANT, nothing is rolled back ({@code NO_SAFE_TARGET});</li>
 *   <li>after {@code stormLimit} rollbacks of the service in the last hour, no more ({@code STORM_LIMIT});</li>
 *   <li>while the executor's circuit breaker is open, no call ({@code CIRCUIT_OPEN}).</li>
 * </ol>
 */
public final class RollbackPlanner {

    private final int stormLimit;
    private final Duration maxAge;

    public RollbackPlanner(int stormLimit, Duration maxAge) {
        this.stormLimit = stormLimit;
        this.maxAge = maxAge;
    }

    /**
     * What is known when deciding.
     *
     * @param lastGood         the service's last compliant deploy to the environment, or null
     * @param lastGoodStatus   the latest status seen for the last good deploy's own verdict, or null if not seen
     * @param newerDeploy      the id of a deploy of the service to the environment after the violating one, or null
     * @param recentRollbacks  rollbacks of the service requested in the last hour
     */
    public record Facts(Verdict verdict, RollbackTarget settings, LastGood lastGood, VerdictStatus lastGoodStatus,
                        String newerDeploy, int recentRollbacks, CircuitBreaker.State breaker, Instant now) {}

    public RollbackPlan plan(Facts facts) {
        Verdict v = facts.verdict();
        RollbackTarget settings = facts.settings();
        LastGood good = facts.lastGood();
        if (v.hasReason(ReasonCode.BREAK_GLASS_EXPIRED)) {
            return RollbackPlan.skip(ActionReason.BREAK_GLASS, "an emergency deploy whose review is overdue is not "
                    + "rolled back automatically", good, settings);
        }
        if (settings instanceof RollbackTarget.None) {
            return RollbackPlan.skip(ActionReason.NO_EXECUTOR, "policy names no rollback executor for "
                    + v.service() + " (services[].rollback)", good, settings);
        }
        Instant deployedAt = v.deployedAt() != null ? v.deployedAt() : v.decidedAt();
        if (deployedAt.plus(maxAge).isBefore(facts.now())) {
            return RollbackPlan.skip(ActionReason.TOO_OLD, "the deploy is from " + deployedAt + ", older than "
                    + maxAge.toHours() + "h", good, settings);
        }
        if (facts.newerDeploy() != null) {
            return RollbackPlan.skip(ActionReason.SUPERSEDED, "deploy " + facts.newerDeploy()
                    + " has already replaced it", good, settings);
        }
        if (good != null && good.deployedAt() != null && v.deployedAt() != null
                && good.deployedAt().isAfter(v.deployedAt())) {
            return RollbackPlan.skip(ActionReason.SUPERSEDED, "compliant deploy " + good.deployId()
                    + " has already replaced it", good, settings);
        }
        if (good == null || good.sha() == null) {
            return RollbackPlan.skip(ActionReason.NO_SAFE_TARGET, "no compliant version of " + v.service() + " in "
                    + v.environment() + " is on record to go back to", null, settings);
        }
        if (good.sha().equalsIgnoreCase(String.valueOf(v.sha()))) {
            return RollbackPlan.skip(ActionReason.NO_SAFE_TARGET, "the last compliant version is the violating commit "
                    + AlertText.shortSha(v.sha()) + " itself", good, settings);
        }
        if (facts.lastGoodStatus() != null && facts.lastGoodStatus() != VerdictStatus.COMPLIANT) {
            return RollbackPlan.skip(ActionReason.NO_SAFE_TARGET, "the last compliant deploy " + good.deployId()
                    + " is now " + facts.lastGoodStatus(), good, settings);
        }
        if (facts.recentRollbacks() >= stormLimit) {
            return RollbackPlan.skip(ActionReason.STORM_LIMIT, v.service() + " was already rolled back "
                    + facts.recentRollbacks() + " times in the last hour (limit " + stormLimit + ")", good, settings);
        }
        if (facts.breaker() == CircuitBreaker.State.OPEN) {
            return RollbackPlan.skip(ActionReason.CIRCUIT_OPEN, "the " + settings.executor()
                    + " executor kept failing; its circuit breaker is open", good, settings);
        }
        return RollbackPlan.execute(good, settings);
    }
}
