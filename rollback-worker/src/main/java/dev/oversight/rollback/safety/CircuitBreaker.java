package dev.oversight.rollback.safety;

import java.time.Duration;
import java.time.Instant;
import java.util.TreeMap;

/**
 * A circuit breaker for one executor: after {@code threshold} failures in a row it opens, and the executor is not
 * called; once {@code coolDown} has passed since the last failure it is half-open and lets one rollback through,
 * whose success closes it and whose failure opens it again.
 * <p>
 * It is built from outcomes with their times, in any order ("in a row" means after the latest success), so every
 * worker instance that reads the action journal arrives at the same state, and a restart keeps it.
 */
public final class CircuitBreaker {

    public enum State { CLOSED, OPEN, HALF_OPEN }

    private final int threshold;
    private final Duration coolDown;
    /** Failure times since the last success, with how many failed at that instant. */
    private final TreeMap<Instant, Integer> failures = new TreeMap<>();
    private Instant lastSuccess = Instant.MIN;

    public CircuitBreaker(int threshold, Duration coolDown) {
        this.threshold = threshold;
        this.coolDown = coolDown;
    }

    public synchronized void success(Instant at) {
        if (at.isAfter(lastSuccess)) {
            lastSuccess = at;
            failures.headMap(at, true).clear();
        }
    }

    public synchronized void failure(Instant at) {
        if (at.isAfter(lastSuccess)) {
            failures.merge(at, 1, Integer::sum);
        }
    }

    public synchronized State state(Instant now) {
        if (failuresInARow() < threshold) {
            return State.CLOSED;
        }
        return now.isBefore(failures.lastKey().plus(coolDown)) ? State.OPEN : State.HALF_OPEN;
    }

    /** Failures since the last success. */
    public synchronized int failuresInARow() {
        return failures.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** When an open breaker becomes half-open. */
    public synchronized Instant opensUntil() {
        return failures.isEmpty() ? Instant.MIN : failures.lastKey().plus(coolDown);
    }
}
