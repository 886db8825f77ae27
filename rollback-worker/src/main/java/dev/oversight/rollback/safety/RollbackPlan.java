package dev.oversight.rollback.safety;

import dev.oversight.events.LastGood;
import dev.oversight.rollback.ActionReason;
import dev.oversight.policy.rules.RollbackTarget;

/**
 * What to do about rolling back one violating deploy: roll back to {@code target} through the service's executor,
 * or not, and why.
 *
 * @param reason null when the rollback goes ahead
 * @param why    a sentence for humans (alerts, {@code Action.detail})
 */
public record RollbackPlan(boolean execute, ActionReason reason, String why, LastGood target,
                           RollbackTarget settings) {

    public static RollbackPlan skip(ActionReason reason, String why, LastGood target, RollbackTarget settings) {
        return new RollbackPlan(false, reason, why, target, settings);
    }

    public static RollbackPlan execute(LastGood target, RollbackTarget settings) {
        return new RollbackPlan(true, null, null, target, settings);
    }
}
