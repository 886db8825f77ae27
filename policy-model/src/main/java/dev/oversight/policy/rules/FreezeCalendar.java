package dev.oversight.policy.rules;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Whether an instant falls inside a freeze window. Recurring windows start at {@code "minute hour * * days"}
 * (days: {@code *}, {@code FRI}, {@code MON-FRI}, {@code SAT,SUN}, or 0-7 with 0 and 7 Sunday) in their zone and
 * last their duration; a window that starts on Friday evening and lasts 64 h covers the weekend.
 */
public final class FreezeCalendar {

    private FreezeCalendar() {}

    /** The freeze that covers the instant, if any. */
    public static Optional<Policy.Freeze> covering(Iterable<Policy.Freeze> freezes, Instant at) {
        for (Policy.Freeze freeze : freezes) {
            if (covers(freeze, at)) {
                return Optional.of(freeze);
            }
        }
        return Optional.empty();
    }

    public static boolean covers(Policy.Freeze freeze, Instant at) {
        if (freeze.cron() == null) {
            return !at.isBefore(freeze.from()) && at.isBefore(freeze.until());
        }
        Cron cron = Cron.parse(freeze.cron());
        ZonedDateTime local = at.atZone(freeze.zone());
        // The latest start at or before `at` within the window's duration (plus a day of slack for zone shifts).
        long days = freeze.duration().toDays() + 2;
        for (long back = 0; back <= days; back++) {
            LocalDate day = local.toLocalDate().minusDays(back);
            if (!cron.days().contains(day.getDayOfWeek())) {
                continue;
            }
            Instant start = ZonedDateTime.of(day, cron.time(), freeze.zone()).toInstant();
            if (!start.isAfter(at) && at.isBefore(start.plus(freeze.duration()))) {
                return true;
            }
        }
        return false;
    }

    /** The start of a recurring window: a time of day and the days of the week. */
    public record Cron(LocalTime time, Set<DayOfWeek> days) {

        /** @throws IllegalArgumentException with what is wrong */
        public static Cron parse(String expression) {
            String[] f = expression.trim().split("\\s+");
            if (f.length != 5) {
                throw new IllegalArgumentException("a freeze cron has five fields (minute hour * * days), got '"
                        + expression + "'");
            }
            if (!f[2].equals("*") || !f[3].equals("*")) {
                throw new IllegalArgumentException("a freeze cron repeats weekly: day-of-month and month must be '*', got '"
                        + expression + "'");
            }
            int minute = number(f[0], 0, 59, "minute");
            int hour = number(f[1], 0, 23, "hour");
            return new Cron(LocalTime.of(hour, minute), days(f[4]));
        }

        private static int number(String text, int min, int max, String what) {
            try {
                int n = Integer.parseInt(text);
                if (n < min || n > max) {
                    throw new IllegalArgumentException(what + " must be " + min + "-" + max + ", got " + text);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(what + " must be a number, got '" + text + "'");
            }
        }

        private static Set<DayOfWeek> days(String field) {
            if (field.equals("*")) {
                return EnumSet.allOf(DayOfWeek.class);
            }
            Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
            for (String part : field.split(",")) {
                String[] range = part.split("-");
                if (range.length == 1) {
                    days.add(day(range[0]));
                } else if (range.length == 2) {
                    DayOfWeek from = day(range[0]);
                    DayOfWeek to = day(range[1]);
                    for (DayOfWeek d = from; ; d = d.plus(1)) {
                        days.add(d);
                        if (d == to) {
                            break;
                        }
                    }
                } else {
                    throw new IllegalArgumentException("cannot read days '" + field + "'");
                }
            }
            return days;
        }

        private static DayOfWeek day(String text) {
            String t = text.trim().toUpperCase(Locale.ROOT);
            if (t.matches("[0-7]")) {
                int n = Integer.parseInt(t);
                return n == 0 || n == 7 ? DayOfWeek.SUNDAY : DayOfWeek.of(n);
            }
            for (DayOfWeek d : DayOfWeek.values()) {
                if (d.name().startsWith(t) && t.length() >= 3) {
                    return d;
                }
            }
            throw new IllegalArgumentException("not a day of the week: '" + text + "'");
        }
    }
}
