package dev.oversight.rollback;

/** rollback-worker's meter names, in one place. */
public final class WorkerMeters {

    /** Counter: alert deliveries, tagged sink, type (alert, resolve) and outcome (succeeded, failed). */
    public static final String ALERTS = "oversight.alerts";
    /** Timer: from a verdict's decision to the action taken on it, tagged action. */
    public static final String ACTION_LATENCY = "oversight.action.latency";

    private WorkerMeters() {}
}
