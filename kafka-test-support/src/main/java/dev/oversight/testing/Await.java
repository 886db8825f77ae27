package dev.oversight.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/** Waits for a condition with a timeout, checking it every 100 ms: for state that announces no change (a gauge). */
public final class Await {

    private Await() {}

    /** Returns the first value that satisfies the condition; fails with the last value seen when time is up. */
    public static <T> T until(String what, Supplier<T> value, java.util.function.Predicate<T> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T seen = value.get();
            if (condition.test(seen)) {
                return seen;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; last seen: " + seen);
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
    }
}
