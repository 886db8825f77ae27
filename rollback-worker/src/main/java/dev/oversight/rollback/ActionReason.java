package dev.oversight.rollback;

/** The codes in {@code Action.reason}: why an action was skipped, failed, or taken the way it was. */
public enum ActionReason {
    // Why a rollback was not made (phase SKIPPED).
    NO_EXECUTOR("the service has no rollback executor in policy (services[].rollback), or executor none"),
    BREAK_GLASS("an emergency deploy whose review is overdue is alerted, never rolled back automatically"),
    TOO_OLD("the deploy is older than OVERSIGHT_ROLLBACK_MAX_AGE; what runs now is not known well enough"),
    SUPERSEDED("a newer deploy of the service to the environment already replaced the violating one"),
    NO_SAFE_TARGET("no compliant version on record to go back to, or it is the violating commit itself"),
    STORM_LIMIT("the service was rolled back OVERSIGHT_ROLLBACK_STORM_LIMIT times in the last hour"),
    CIRCUIT_OPEN("the executor failed OVERSIGHT_ROLLBACK_BREAKER_FAILURES times in a row and is cooling down"),
    DRY_RUN("the environment's policy is a dry-run: the request is recorded, not sent"),
    // Outcomes that need a human.
    OUTCOME_UNKNOWN("the worker stopped, or the call was cut off, after sending: it may or may not have happened"),
    ROLLBACK_FAILED("the executor refused the rollback or kept failing through every retry"),
    DELIVERY_FAILED("the sink refused the alert or kept failing through every retry"),
    // Alerts not sent, by design.
    NO_SINK("no alert sink is configured: nothing could be told"),
    NOT_PAGED("emergency deploys under policy are notified as warnings, never paged"),
    NOTHING_OPEN("nothing is open on this sink for the deploy: nothing to resolve");

    private final String meaning;

    ActionReason(String meaning) {
        this.meaning = meaning;
    }

    public String meaning() {
        return meaning;
    }
}
