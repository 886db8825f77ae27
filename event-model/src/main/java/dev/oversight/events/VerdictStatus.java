package dev.oversight.events;

/** Where a deploy stands. */
public enum VerdictStatus {
    /** Evidence is still missing; the grace period has not ended. */
    PENDING,
    /** Every change in the deploy went through oversight. */
    COMPLIANT,
    /** At least one change skipped oversight; the reasons say how. */
    VIOLATION,
    /** An emergency deploy declared under policy (break-glass), awaiting its review after the fact. */
    EXCEPTION,
    /** A violation or exception later made good (review after the fact); the violation stays on the record. */
    REMEDIATED,
    /**
     * The first deploy Oversight saw of a service to an environment, of a commit that predates everything Oversight
     * saw: recorded as the starting point (the previous deploy of the next one), not judged on evidence Oversight
     * never had a chance to see. Never alerted.
     */
    BASELINE;

    public boolean isFinal() {
        return this != PENDING;
    }
}
