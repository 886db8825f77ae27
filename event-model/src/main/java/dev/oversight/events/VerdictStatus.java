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
    REMEDIATED;

    public boolean isFinal() {
        return this != PENDING;
    }
}
