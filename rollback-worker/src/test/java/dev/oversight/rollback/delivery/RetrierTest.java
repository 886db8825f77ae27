package dev.oversight.rollback.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetrierTest {

    private final List<Duration> slept = new ArrayList<>();
    private final Retrier retrier = new Retrier(3, new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), () -> 1),
            slept::add);

    private static Retrier.Call<String> failing(AtomicInteger calls, int times, DeliveryException.Kind kind) {
        return () -> {
            if (calls.incrementAndGet() <= times) {
                throw new DeliveryException(kind, "failure " + calls.get());
            }
            return "ok after " + calls.get();
        };
    }

    @Test
    void retriesARetriableFailureWithGrowingWaitsUntilItSucceeds() {
        AtomicInteger calls = new AtomicInteger();
        Retrier.Result<String> result = retrier.run(failing(calls, 2, DeliveryException.Kind.RETRIABLE), false);
        assertThat(result.succeeded()).isTrue();
        assertThat(result.value()).isEqualTo("ok after 3");
        assertThat(result.attempts()).isEqualTo(3);
        assertThat(slept).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void givesUpAfterTheLastRetryAndKeepsTheLastFailure() {
        AtomicInteger calls = new AtomicInteger();
        Retrier.Result<String> result = retrier.run(failing(calls, 100, DeliveryException.Kind.RETRIABLE), true);
        assertThat(result.succeeded()).isFalse();
        assertThat(result.attempts()).isEqualTo(4);
        assertThat(result.failure().getMessage()).isEqualTo("failure 4");
        assertThat(slept).hasSize(3);
    }

    @Test
    void neverRetriesAFatalFailure() {
        AtomicInteger calls = new AtomicInteger();
        Retrier.Result<String> result = retrier.run(failing(calls, 1, DeliveryException.Kind.FATAL), true);
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(result.failure().kind()).isEqualTo(DeliveryException.Kind.FATAL);
        assertThat(slept).isEmpty();
    }

    @Test
    void repeatsACallOfUnknownOutcomeOnlyWhenARepeatIsHarmless() {
        AtomicInteger once = new AtomicInteger();
        assertThat(retrier.run(failing(once, 1, DeliveryException.Kind.UNKNOWN_OUTCOME), false).attempts()).isEqualTo(1);
        AtomicInteger again = new AtomicInteger();
        Retrier.Result<String> repeated = retrier.run(failing(again, 1, DeliveryException.Kind.UNKNOWN_OUTCOME), true);
        assertThat(repeated.succeeded()).isTrue();
        assertThat(repeated.attempts()).isEqualTo(2);
    }

    @Test
    void waitsAsLongAsTheReceiverAsks() {
        AtomicInteger calls = new AtomicInteger();
        retrier.run(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new DeliveryException(DeliveryException.Kind.RETRIABLE, "HTTP 429", Duration.ofSeconds(20));
            }
            return "ok";
        }, true);
        assertThat(slept).containsExactly(Duration.ofSeconds(20));
    }
}
