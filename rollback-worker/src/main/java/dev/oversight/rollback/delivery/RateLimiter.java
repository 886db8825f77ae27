package dev.oversight.rollback.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * At most {@code permits} calls in any {@code window} (a sliding window, not fixed buckets: there is no burst at a
 * bucket's edge). {@link #acquire()} waits for a free slot.
 */
public final class RateLimiter {

    private final int permits;
    private final Duration window;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Deque<Instant> calls = new ArrayDeque<>();

    public RateLimiter(int permits, Duration window, Clock clock, Sleeper sleeper) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be at least 1");
        }
        this.permits = permits;
        this.window = window;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** How long a call at {@code now} would have to wait; zero when a slot is free. */
    public synchronized Duration waitTime(Instant now) {
        while (!calls.isEmpty() && !calls.peekFirst().plus(window).isAfter(now)) {
            calls.removeFirst();
        }
        return calls.size() < permits ? Duration.ZERO : Duration.between(now, calls.peekFirst().plus(window));
    }

    /** Waits until a call is allowed, then counts it. */
    public void acquire() throws InterruptedException {
        while (true) {
            synchronized (this) {
                Instant now = clock.instant();
                Duration wait = waitTime(now);
                if (wait.isZero()) {
                    calls.addLast(now);
                    return;
                }
            }
            sleeper.sleep(waitTime(clock.instant()));
        }
    }
}
