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
}
