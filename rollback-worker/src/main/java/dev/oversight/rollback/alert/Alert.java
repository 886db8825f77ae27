package dev.oversight.rollback.alert;

import dev.oversight.events.Action;
import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import java.util.List;

/**
 * What a sink is asked to say.
 *
 * @param actionId the idempotency key of this delivery (sent as {@code Idempotency-Key} where the sink takes headers)
 * @param note     one more line for humans: what happens about the rollback, how the alert was resolved, what failed
 * @param notice   for {@link Kind#NOTICE}: what it is about; null otherwise
 * @param open     for {@link Kind#RESOLVE}: the requests this sink was sent for the deploy and that are still open,
 *                 as recorded, so the resolution has exactly the identity of the alert it closes
 */
public record Alert(Kind kind, String actionId, Verdict verdict, String note, Notice notice, List<Action.Request> open) {

    public enum Kind {
        /** Open an alert about the deploy (a violation, or an emergency deploy as a warning). */
        TRIGGER,
        /** Close what is open about the deploy: it was remediated or rolled back. */
        RESOLVE,
        /** Tell humans that another action failed or was not taken, and that they must act. */
        NOTICE
    }

    /**
     * @param subject       the sink or executor the notice is about
     * @param aboutRollback true when a rollback failed or was not done, false when an alert could not be delivered
     * @param reason        a code: ROLLBACK_FAILED, OUTCOME_UNKNOWN, DELIVERY_FAILED
     */
    public record Notice(String subject, boolean aboutRollback, String reason) {}

    public Alert {
        open = open == null ? List.of() : List.copyOf(open);
    }

    public static Alert trigger(String actionId, Verdict verdict, String note) {
        return new Alert(Kind.TRIGGER, actionId, verdict, note, null, List.of());
    }

    public static Alert resolve(String actionId, Verdict verdict, String note, List<Action.Request> open) {
        return new Alert(Kind.RESOLVE, actionId, verdict, note, null, open);
    }

    public static Alert notice(String actionId, Verdict verdict, Notice notice, String note) {
        return new Alert(Kind.NOTICE, actionId, verdict, note, notice, List.of());
    }

    /** An emergency deploy under policy: worth knowing, not worth waking anyone. */
    public boolean isWarning() {
        return kind == Kind.TRIGGER && verdict.status() == VerdictStatus.EXCEPTION;
    }
}
