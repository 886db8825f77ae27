package dev.oversight.runtime.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Makes the meters that libraries register (Kafka's client and Streams metrics, some of Micrometer's process
 * metrics) pass {@code promtool check metrics}. Meters measured in a time unit other than seconds
 * ({@code io.time.ns}, {@code start.time.ms}) are left out: Prometheus wants seconds, a filter cannot rescale a
 * library's value, and none of them is on a dashboard. Gauges that end in {@code count} are renamed
 * ({@code connection.count} → {@code connection.number}; Prometheus keeps {@code _count} for histograms), and a
 * meter the library gave no description gets one. Oversight's own meters are named cleanly and pass unchanged.
 */
public final class LintCleanNames implements MeterFilter {

    private static final Pattern NON_SECOND_UNIT = Pattern.compile(
            "(^|[.\\-_])(ns|ms|us|nanoseconds|milliseconds|microseconds)($|[.\\-_])");
    private static final List<String> GAUGE_COUNT_SUFFIXES = List.of(".count", "-count", "_count");

    @Override
    public MeterFilterReply accept(Meter.Id id) {
        boolean nonSecondUnit = NON_SECOND_UNIT.matcher(id.getName()).find()
                || "ns".equals(id.getBaseUnit()) || "nanoseconds".equals(id.getBaseUnit())
                || "ms".equals(id.getBaseUnit()) || "milliseconds".equals(id.getBaseUnit());
        return nonSecondUnit ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
    }

    @Override
    public Meter.Id map(Meter.Id id) {
        String name = id.getName();
        if (id.getType() != Meter.Type.TIMER && id.getType() != Meter.Type.DISTRIBUTION_SUMMARY
                && id.getType() != Meter.Type.COUNTER) {
            for (String suffix : GAUGE_COUNT_SUFFIXES) {
                if (name.endsWith(suffix)) {
                    name = name.substring(0, name.length() - suffix.length()) + suffix.charAt(0) + "number";
                    break;
                }
            }
        }
        String description = id.getDescription();
        if (description == null || description.isBlank()) {
            description = "Library metric " + id.getName();
        }
        if (name.equals(id.getName()) && description.equals(id.getDescription())) {
            return id;
        }
        return new Meter.Id(name, Tags.of(id.getTagsAsIterable()), id.getBaseUnit(), description, id.getType());
    }

    static boolean leftOut(String name) {
        return NON_SECOND_UNIT.matcher(name).find();
    }
}
