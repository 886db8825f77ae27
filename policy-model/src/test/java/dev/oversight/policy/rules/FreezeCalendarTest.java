package dev.oversight.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class FreezeCalendarTest {

    private static final ZoneId CPH = ZoneId.of("Europe/Copenhagen");
    private final Policy.Freeze weekend = new Policy.Freeze("weekend", null, null, "0 16 * * FRI", Duration.ofHours(64), CPH);

    @Test
    void weeklyWindowFollowsItsTimeZone() {
        // Winter: Copenhagen is UTC+1, so Friday 16:00 local is 15:00 UTC; the 64 h window ends Monday 07:00 UTC.
        assertThat(FreezeCalendar.covers(weekend, Instant.parse("2026-11-20T14:59:59Z"))).isFalse();
        assertThat(FreezeCalendar.covers(weekend, Instant.parse("2026-11-20T15:00:00Z"))).isTrue();
        assertThat(FreezeCalendar.covers(weekend, Instant.parse("2026-11-22T12:00:00Z"))).isTrue();
        assertThat(FreezeCalendar.covers(weekend, Instant.parse("2026-11-23T06:59:59Z"))).isTrue();
        assertThat(FreezeCalendar.covers(weekend, Instant.parse("2026-11-23T07:00:00Z"))).isFalse();
        // Summer: UTC+2, so the window starts at 14:00 UTC.
        assertThat(FreezeCalendar.covers(weekend, Instant.parse("2026-07-03T14:30:00Z"))).isTrue();
        assertThat(FreezeCalendar.covers(weekend, Instant.parse("2026-07-03T13:30:00Z"))).isFalse();
    }

    @Test
    void fixedRange() {
        Policy.Freeze yearEnd = new Policy.Freeze("year-end", Instant.parse("2026-12-20T00:00:00Z"),
                Instant.parse("2027-01-02T00:00:00Z"), null, null, null);
        assertThat(FreezeCalendar.covers(yearEnd, Instant.parse("2026-12-24T18:00:00Z"))).isTrue();
        assertThat(FreezeCalendar.covers(yearEnd, Instant.parse("2027-01-02T00:00:00Z"))).isFalse();
    }

    @Test
    void readsDayListsAndRanges() {
        assertThat(FreezeCalendar.Cron.parse("30 18 * * MON-FRI").days()).containsExactlyInAnyOrder(
                DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY, DayOfWeek.FRIDAY);
        assertThat(FreezeCalendar.Cron.parse("0 0 * * SAT,0").days())
                .containsExactlyInAnyOrder(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY);
        assertThatThrownBy(() -> FreezeCalendar.Cron.parse("0 25 * * FRI")).hasMessageContaining("hour");
        assertThatThrownBy(() -> FreezeCalendar.Cron.parse("0 16 * * FUNDAY")).hasMessageContaining("not a day");
    }
}
