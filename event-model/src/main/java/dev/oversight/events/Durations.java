package dev.oversight.events;

import java.time.Duration;

/** Durations as people write them in configuration and in the policy file. */
public final class Durations {

    private Durations() {}

    /** {@code 60s}, {@code 5m}, {@code 24h}, {@code 7d}, {@code 500ms}, an ISO-8601 {@code PT1M}, or plain seconds. */
    public static Duration parse(String text) {
        String v = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (v.startsWith("p")) {
            return Duration.parse(text.trim().toUpperCase(java.util.Locale.ROOT));
        }
        Duration total = Duration.ZERO;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h|d)").matcher(v);
        int end = 0;
        boolean any = false;
        while (m.find()) {
            if (m.start() != end) {
                throw new IllegalArgumentException("not a duration");
            }
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
            end = m.end();
            any = true;
        }
        if (any && end == v.length()) {
            return total;
        }
        if (v.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(v));
        }
        throw new IllegalArgumentException("not a duration");
    }

    /**
     * A duration as people write it, in the largest unit that holds it whole: {@code 3d}, {@code 90m}, {@code 200ms};
     * {@link #parse} reads it back to the same duration. Below a millisecond, or negative, it is ISO-8601.
     */
    public static String format(Duration duration) {
        if (duration.isNegative() || duration.getNano() % 1_000_000 != 0) {
            return duration.toString();
        }
        long millis = duration.toMillis();
        if (millis == 0) {
            return "0s";
        }
        long[] sizes = {86_400_000, 3_600_000, 60_000, 1_000};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (millis % sizes[i] == 0) {
                return millis / sizes[i] + units[i];
            }
        }
        return millis + "ms";
    }
}
