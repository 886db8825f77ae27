package dev.oversight.rollback.delivery;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: before retry {@code n} (1-based) the wait is drawn from
 * {@code [d/2, d]} where {@code d = min(max, initial × 2^(n-1))}, so waits grow and instances that failed together
 * do not retry together. A receiver's Retry-After is honoured, up to {@code max}.
 */
public record Backoff(Duration initial, Duration max, DoubleSupplier random) {

    public Backoff {
        if (initial.isNegative() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 <= initial <= max");
        }
    }

    public static Backoff of(Duration initial, Duration max) {
        return new Backoff(initial, max, () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble());
    }

    /** The wait before retry {@code retry} (1 for the first retry). */
    public Duration delay(int retry, Duration retryAfter) {
        long ceiling = initial.toMillis();
        for (int i = 1; i < retry && ceiling < max.toMillis(); i++) {
            ceiling *= 2;
        }
        ceiling = Math.min(ceiling, max.toMillis());
        long jittered = ceiling / 2 + Math.round(random.getAsDouble() * (ceiling - ceiling / 2));
        if (retryAfter != null) {
            jittered = Math.max(jittered, Math.min(retryAfter.toMillis(), max.toMillis()));
        }
        return Duration.ofMillis(jittered);
    }
}
