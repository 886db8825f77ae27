package dev.oversight.whatif;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScopeTest {

    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

    @Test
    void daysAreUtcWithTheLastDayIncludedAndTheDefaultsAreTheLastThirtyDays() {
        Scope s = Scope.parse(Map.of("from", "2026-11-01", "to", "2026-11-30", "lead-in", "7d")::get, NOW);
        assertThat(s.from()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        assertThat(s.to()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(s.replayFrom()).isEqualTo(Instant.parse("2026-10-25T00:00:00Z"));
        Scope d = Scope.parse(Map.<String, String>of()::get, NOW);
        assertThat(d.to()).isEqualTo(NOW);
        assertThat(d.from()).isEqualTo(NOW.minus(Duration.ofDays(30)));
        assertThat(d.limit()).isEqualTo(Scope.DEFAULT_LIMIT);
    }

    @Test
    void wrongValuesSayWhich() {
        assertThatThrownBy(() -> Scope.parse(Map.of("from", "yesterday")::get, NOW)).hasMessageContaining("--from");
        assertThatThrownBy(() -> Scope.parse(Map.of("from", "2026-12-05", "to", "2026-12-01")::get, NOW))
                .hasMessageContaining("the period is empty");
        assertThatThrownBy(() -> Scope.parse(Map.of("lead-in", "a while")::get, NOW)).hasMessageContaining("--lead-in");
    }

    @Test
    void environmentsMatchInAnyCase() {
        Scope s = Scope.parse(Map.of("environment", "Production")::get, NOW);
        assertThat(s.covers(NOW.minusSeconds(60), "github:a/b", "b", null, "production")).isTrue();
        assertThat(s.covers(NOW.plusSeconds(60), "github:a/b", "b", null, "production")).isFalse();
    }
}
