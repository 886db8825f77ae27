package dev.oversight.report.projection;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/** The projection's meters, names in one place; tags bounded (topic: verdicts or actions; table). */
public final class ProjectionMeters {

    /** Gauge: records on the topics not yet in the projection. */
    public static final String LAG = "oversight.report.projection.lag";
    /** Counter: records written to the projection, tagged topic (verdicts, actions). */
    public static final String RECORDS = "oversight.report.projection.records";
    /** Counter: records that could not be read (not a verdict or action as JSON), skipped, tagged topic. */
    public static final String SKIPPED = "oversight.report.projection.skipped";
    /** Gauge: rows in the projection's main tables, tagged table (verdicts, deploys, actions). */
    public static final String ROWS = "oversight.report.projection.rows";

    private final AtomicLong lag = new AtomicLong();
    private final AtomicLong verdictRows = new AtomicLong();
    private final AtomicLong deployRows = new AtomicLong();
    private final AtomicLong actionRows = new AtomicLong();
    private final Counter verdicts;
    private final Counter actions;
    private final Counter skippedVerdicts;
    private final Counter skippedActions;

    public ProjectionMeters(MeterRegistry registry) {
        Gauge.builder(LAG, lag, AtomicLong::get).description("Records on the verdicts and actions topics not yet in "
                + "the report's projection").baseUnit("records").register(registry);
        rows(registry, "verdicts", verdictRows);
        rows(registry, "deploys", deployRows);
        rows(registry, "actions", actionRows);
        verdicts = records(registry, RECORDS, "verdicts", "Records written to the report's projection");
        actions = records(registry, RECORDS, "actions", "Records written to the report's projection");
        skippedVerdicts = records(registry, SKIPPED, "verdicts", "Records the report could not read, skipped");
        skippedActions = records(registry, SKIPPED, "actions", "Records the report could not read, skipped");
    }

    private static void rows(MeterRegistry registry, String table, AtomicLong value) {
        Gauge.builder(ROWS, value, AtomicLong::get).description("Rows in the report's projection")
                .baseUnit("rows").tag("table", table).register(registry);
    }

    private static Counter records(MeterRegistry registry, String name, String topic, String description) {
        return Counter.builder(name).description(description).baseUnit("records").tag("topic", topic)
                .register(registry);
    }

    void lag(long records) {
        lag.set(records);
    }

    public long lag() {
        return lag.get();
    }

    void rows(long verdictCount, long deployCount, long actionCount) {
        verdictRows.set(verdictCount);
        deployRows.set(deployCount);
        actionRows.set(actionCount);
    }

    void written(int verdictRecords, int actionRecords) {
        verdicts.increment(verdictRecords);
        actions.increment(actionRecords);
    }

    void skipped(boolean verdict) {
        (verdict ? skippedVerdicts : skippedActions).increment();
    }
}
