package dev.oversight.rollback.safety;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    private final CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofMinutes(10));

    @Test
    void opensAfterThresholdFailuresInARow() {
        breaker.failure(T0);
        breaker.failure(T0.plusSeconds(1));
        assertThat(breaker.state(T0.plusSeconds(2))).isEqualTo(CircuitBreaker.State.CLOSED);
        breaker.failure(T0.plusSeconds(2));
        assertThat(breaker.state(T0.plusSeconds(3))).isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void aSuccessInBetweenStartsTheCountAgain() {
        breaker.failure(T0);
        breaker.failure(T0.plusSeconds(1));
        breaker.success(T0.plusSeconds(2));
        breaker.failure(T0.plusSeconds(3));
        breaker.failure(T0.plusSeconds(4));
        assertThat(breaker.state(T0.plusSeconds(5))).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.failuresInARow()).isEqualTo(2);
    }

    @Test
    void letsOneTrialThroughAfterTheCoolDownAndReopensWhenItFails() {
        for (int i = 0; i < 3; i++) {
            breaker.failure(T0.plusSeconds(i));
        }
        assertThat(breaker.state(T0.plus(Duration.ofMinutes(9)))).isEqualTo(CircuitBreaker.State.OPEN);
        Instant coolDownOver = T0.plusSeconds(2).plus(Duration.ofMinutes(10));
        assertThat(breaker.state(coolDownOver)).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        breaker.failure(coolDownOver.plusSeconds(1));
        assertThat(breaker.state(coolDownOver.plusSeconds(2))).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.opensUntil()).isEqualTo(coolDownOver.plusSeconds(1).plus(Duration.ofMinutes(10)));
    }

    @Test
    void aSuccessfulTrialClosesIt() {
        for (int i = 0; i < 3; i++) {
            breaker.failure(T0.plusSeconds(i));
        }
        Instant trial = T0.plus(Duration.ofMinutes(11));
        assertThat(breaker.state(trial)).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        breaker.success(trial);
        assertThat(breaker.state(trial.plusSeconds(1))).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void arrivesAtTheSameStateWhateverOrderTheOutcomesAreReadIn() {
        CircuitBreaker inOrder = new CircuitBreaker(2, Duration.ofMinutes(10));
        inOrder.failure(T0);
        inOrder.success(T0.plusSeconds(1));
        inOrder.failure(T0.plusSeconds(2));
        CircuitBreaker shuffled = new CircuitBreaker(2, Duration.ofMinutes(10));
        shuffled.failure(T0.plusSeconds(2));
        shuffled.failure(T0);
        shuffled.success(T0.plusSeconds(1));
        assertThat(shuffled.failuresInARow()).isEqualTo(inOrder.failuresInARow()).isEqualTo(1);
        assertThat(shuffled.state(T0.plusSeconds(3))).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void countsFailuresAtTheSameInstantSeparately() {
        breaker.failure(T0);
        breaker.failure(T0);
        breaker.failure(T0);
        assertThat(breaker.state(T0)).isEqualTo(CircuitBreaker.State.OPEN);
    }
}
