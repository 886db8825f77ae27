package dev.oversight.whatif;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.function.Function;

/**
 * Which deploys a what-if run compares: those deployed in {@code [from, to)} that match every filter given (null: any).
 *
 * @param leadIn how much evidence before {@code from} is replayed first, so that the deploys of the period meet the
 *               changes, reviews and previous deploys they rest on (default: policy-stream's state retention, the
 *               longest it keeps anything)
 * @param limit  how many flips the report shows in full
 */
public record Scope(Instant from, Instant to, Duration leadIn, String repository, String service, String team,
                    String environment, int limit) {

    public static final Duration DEFAULT_PERIOD = Duration.ofDays(30);
    public static final Duration DEFAULT_LEAD_IN = Duration.ofDays(30);
    public static final int DEFAULT_LIMIT = 20;

    public Scope {
        if (!from.isBefore(to)) {
            throw new Invalid("the period is empty: --from " + from + " is not before --to " + to);
        }
        if (leadIn.isNegative()) {
            throw new Invalid("--lead-in cannot be negative");
        }
        if (limit < 0) {
            throw new Invalid("--limit cannot be negative");
        }
    }

    /** When the replay starts reading evidence. */
    public Instant replayFrom() {
        return from.minus(leadIn);
    }

    /** Whether a deploy is one of the period's and matches the filters. */
    public boolean covers(Instant deployedAt, String repository, String service, String team, String environment) {
        return deployedAt != null && !deployedAt.isBefore(from) && deployedAt.isBefore(to)
                && matches(this.repository, repository) && matches(this.service, service)
                && matches(this.team, team) && (this.environment == null || environment != null
                && this.environment.equalsIgnoreCase(environment));
    }

    private static boolean matches(String wanted, String value) {
        return wanted == null || wanted.equals(value);
    }

    /**
     * Reads a scope from named values ({@code from}, {@code to}, {@code lead-in}, {@code repository}, {@code service},
     * {@code team}, {@code environment}, {@code limit}), as the command line and the report page give them. Days are
     * {@code YYYY-MM-DD} in UTC ({@code to} included: up to the end of that day) or instants
     * ({@code 2026-11-02T10:00:00Z}); the lead-in a duration like {@code 30d}, {@code 12h}.
     */
    public static Scope parse(Function<String, String> values, Instant now) {
        String toText = blankToNull(values.apply("to"));
        Instant to = toText == null ? now : time(toText, "to", true);
        String fromText = blankToNull(values.apply("from"));
        Instant from = fromText == null ? to.minus(DEFAULT_PERIOD) : time(fromText, "from", false);
        String leadText = blankToNull(values.apply("lead-in"));
        Duration leadIn = leadText == null ? DEFAULT_LEAD_IN : duration(leadText);
        String limitText = blankToNull(values.apply("limit"));
        int limit;
        try {
            limit = limitText == null ? DEFAULT_LIMIT : Integer.parseInt(limitText);
        } catch (NumberFormatException e) {
            throw new Invalid("--limit must be a whole number, not '" + limitText + "'");
        }
        return new Scope(from, to, leadIn, blankToNull(values.apply("repository")),
                blankToNull(values.apply("service")), blankToNull(values.apply("team")),
                blankToNull(values.apply("environment")), limit);
    }

    private static Instant time(String text, String name, boolean endOfDay) {
        try {
            if (text.length() == 10) {
                LocalDate day = LocalDate.parse(text);
                return (endOfDay ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new Invalid("--" + name + " must be a day (YYYY-MM-DD, UTC) or an instant (2026-11-02T10:00:00Z),"
                    + " not '" + text + "'");
        }
    }

    static Duration duration(String text) {
        try {
            char unit = text.charAt(text.length() - 1);
            long n = Long.parseLong(text.substring(0, text.length() - 1));
            return switch (unit) {
                case 'd' -> Duration.ofDays(n);
                case 'h' -> Duration.ofHours(n);
                case 'm' -> Duration.ofMinutes(n);
                case 's' -> Duration.ofSeconds(n);
                default -> throw new NumberFormatException();
            };
        } catch (RuntimeException e) {
            throw new Invalid("--lead-in must be a duration like 30d, 12h, 90m, not '" + text + "'");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** A scope that cannot be: the message says which value and why. */
    public static final class Invalid extends IllegalArgumentException {
        public Invalid(String message) {
            super(message);
        }
    }
}
