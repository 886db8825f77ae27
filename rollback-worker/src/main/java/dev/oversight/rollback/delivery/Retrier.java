package dev.oversight.rollback.delivery;

/**
 * Bounded retries with {@link Backoff}: a {@link DeliveryException.Kind#RETRIABLE} failure is tried again up to
 * {@code retries} times; a {@link DeliveryException.Kind#FATAL} one never; one of
 * {@link DeliveryException.Kind#UNKNOWN_OUTCOME} only when the call is repeatable (the receiver folds a repeat into
 * the first, or the call looks before it acts).
 */
public final class Retrier {

    private final int retries;
    private final Backoff backoff;
    private final Sleeper sleeper;

    public Retrier(int retries, Backoff backoff, Sleeper sleeper) {
        this.retries = retries;
        this.backoff = backoff;
        this.sleeper = sleeper;
    }

    /** One try of the call. */
    @FunctionalInterface
    public interface Call<T> {
        T attempt() throws DeliveryException;
    }

    /** What came of the tries: a value, or the last failure; and how many calls were made. */
    public record Result<T>(T value, DeliveryException failure, int attempts) {
        public boolean succeeded() {
            return failure == null;
        }
    }

    public <T> Result<T> run(Call<T> call, boolean repeatable) {
        int attempt = 0;
        while (true) {
            attempt++;
            try {
                return new Result<>(call.attempt(), null, attempt);
            } catch (DeliveryException e) {
                boolean again = switch (e.kind()) {
                    case RETRIABLE -> true;
                    case UNKNOWN_OUTCOME -> repeatable;
                    case FATAL -> false;
                };
                if (!again || attempt > retries) {
                    return new Result<>(null, e, attempt);
                }
                try {
                    sleeper.sleep(backoff.delay(attempt, e.retryAfter()));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return new Result<>(null, new DeliveryException(e.kind(),
                            e.getMessage() + " (retries stopped: the worker is shutting down)"), attempt);
                }
            }
        }
    }
}
