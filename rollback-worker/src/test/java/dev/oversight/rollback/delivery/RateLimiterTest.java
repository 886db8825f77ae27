package dev.oversight.rollback.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.rollback.Fixtures.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    private final MutableClock clock = new MutableClock(T0);
    private final List<Duration> slept = new ArrayList<>();
    private final Sleeper sleeper = d -> {
        slept.add(d);
        clock.advance(d);
    };

    @Test
    void letsThePermitsThroughAtOnceThenWaitsForTheOldestToLeaveTheWindow() throws Exception {
        RateLimiter limiter = new RateLimiter(3, Duration.ofMinutes(1), clock, sleeper);
        limiter.acquire();
        clock.advance(Duration.ofSeconds(10));
        limiter.acquire();
        limiter.acquire();
        assertThat(slept).isEmpty();
        limiter.acquire();
        assertThat(slept).containsExactly(Duration.ofSeconds(50));
        assertThat(clock.instant()).isEqualTo(T0.plusSeconds(60));
        limiter.acquire();
        assertThat(clock.instant()).isEqualTo(T0.plusSeconds(70));
    }

    @Test
    void neverAllowsMoreThanThePermitsInAnyWindow() throws Exception {
        RateLimiter limiter = new RateLimiter(119, Duration.ofMinutes(1), clock, sleeper);
        List<Instant> calls = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            limiter.acquire();
            calls.add(clock.instant());
            clock.advance(Duration.ofMillis(i % 7 == 0 ? 900 : 3));
        }
        for (int i = 0; i < calls.size(); i++) {
            Instant end = calls.get(i).plus(Duration.ofMinutes(1));
            long inWindow = calls.stream().skip(i).takeWhile(t -> t.isBefore(end)).count();
            assertThat(inWindow).as("calls in the minute from call %d", i).isLessThanOrEqualTo(119);
        }
        assertThat(Duration.between(T0, clock.instant())).as("1000 calls at 119/min take over 8 minutes")
                .isGreaterThan(Duration.ofMinutes(8));
    }

    @Test
    void saysHowLongACallWouldWait() throws Exception {
        RateLimiter limiter = new RateLimiter(1, Duration.ofMinutes(1), clock, sleeper);
        assertThat(limiter.waitTime(T0)).isZero();
        limiter.acquire();
        assertThat(limiter.waitTime(T0.plusSeconds(20))).isEqualTo(Duration.ofSeconds(40));
        assertThat(limiter.waitTime(T0.plusSeconds(60))).isZero();
    }
}
