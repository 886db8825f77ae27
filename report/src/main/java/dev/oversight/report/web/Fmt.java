package dev.oversight.report.web;

import dev.oversight.events.EvidencePages;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** How the pages show values: times in UTC, durations in words, deploy links. Templates call these. */
public final class Fmt {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private Fmt() {}

    public static String time(Instant at) {
        return at == null ? "–" : TIME.format(at);
    }

    public static String duration(Duration d) {
        if (d == null) {
            return "–";
        }
        long minutes = d.toMinutes();
        if (minutes == 0) {
            return d.toSeconds() + " s";
        }
        if (minutes < 60) {
            return minutes + " min";
        }
        if (minutes < 48 * 60) {
            return minutes / 60 + " h " + minutes % 60 + " min";
        }
        return minutes / (24 * 60) + " days " + minutes % (24 * 60) / 60 + " h";
    }

    public static String sha(String sha) {
        return sha == null ? "–" : sha.length() > 12 ? sha.substring(0, 12) : sha;
    }

    public static String text(String value) {
        return value == null || value.isBlank() ? "–" : value;
    }

    public static String join(List<String> values) {
        return values == null || values.isEmpty() ? "–" : String.join(", ", values);
    }

    public static String percent(double value) {
        return String.format(Locale.ROOT, "%.1f %%", value);
    }

    /** The stable address of a deploy's page, as alerts link to it too ({@link EvidencePages#path}). */
    public static String deployLink(String deployId) {
        return EvidencePages.path(deployId);
    }
}
