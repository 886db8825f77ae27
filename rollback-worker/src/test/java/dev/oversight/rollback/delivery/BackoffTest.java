package dev.oversight.rollback.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static Backoff withRandom(double r) {
        return new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), () -> r);
    }

    @Test
    void waitsDoubleEachRetryWithJitterInTheUpperHalf() {
        assertThat(withRandom(0).delay(1, null)).isEqualTo(Duration.ofMillis(500));
        assertThat(withRandom(1).delay(1, null)).isEqualTo(Duration.ofSeconds(1));
        assertThat(withRandom(0).delay(2, null)).isEqualTo(Duration.ofSeconds(1));
        assertThat(withRandom(1).delay(3, null)).isEqualTo(Duration.ofSeconds(4));
        assertThat(withRandom(0.5).delay(4, null)).isEqualTo(Duration.ofSeconds(6));
    }

    @Test
    void neverWaitsLongerThanTheMaximum() {
        assertThat(withRandom(1).delay(6, null)).isEqualTo(Duration.ofSeconds(30));
        assertThat(withRandom(1).delay(1000, null)).isEqualTo(Duration.ofSeconds(30));
        assertThat(withRandom(0).delay(1000, null)).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void honoursRetryAfterButNotBeyondTheMaximum() {
        assertThat(withRandom(0).delay(1, Duration.ofSeconds(7))).isEqualTo(Duration.ofSeconds(7));
        assertThat(withRandom(0).delay(1, Duration.ofMinutes(5))).isEqualTo(Duration.ofSeconds(30));
        assertThat(withRandom(1).delay(3, Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void twoWorkersThatFailedTogetherDoNotRetryTogether() {
        Backoff random = Backoff.of(Duration.ofSeconds(1), Duration.ofSeconds(30));
        assertThat(java.util.stream.IntStream.range(0, 20).mapToObj(i -> random.delay(4, null)).distinct().count())
                .isGreaterThan(1);
    }
}
