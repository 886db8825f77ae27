package dev.oversight.report.projection;

import com.sun.management.OperatingSystemMXBean;
import dev.oversight.events.Verdict;
import dev.oversight.events.json.Json;
import dev.oversight.report.ReportConfig;
import dev.oversight.report.Samples;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;

/**
 * The projection's writer alone, without Kafka: generated verdicts written in batches into a new database, as a
 * catch-up writes them (one transaction until it holds {@link ProjectionWriter#CATCH_UP_VERDICTS}). Prints the
 * wall-clock rate and the process's CPU time a verdict (in this package because the writer is not public).
 *
 * <p>{@code java … dev.oversight.report.projection.ProjectionWriterBenchmark [verdicts, default 200000] [batch, default
 * the projection's]}
 */
public final class ProjectionWriterBenchmark {

    private ProjectionWriterBenchmark() {}

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : ReportConfig.BATCH_SIZE.defaultValue();
        Samples samples = new Samples(2026, Instant.parse("2026-01-01T00:00:00Z"));
        List<ProjectionWriter.VerdictRow> rows = new ArrayList<>(count);
        while (rows.size() < count) {
            for (Verdict v : samples.next().verdicts()) {
                rows.add(new ProjectionWriter.VerdictRow(v, Json.toBytes(v), 0, rows.size()));
            }
        }
        Path dir = Files.createTempDirectory("oversight-bench-writer-");
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (ReportDatabase db = ReportDatabase.open(dir.resolve("report.duckdb"));
             ProjectionWriter writer = new ProjectionWriter(db)) {
            double load = os.getSystemLoadAverage();
            long cpu = os.getProcessCpuTime();
            long started = System.nanoTime();
            // As a catch-up: one transaction until it holds CATCH_UP_VERDICTS, or the last batch.
            int uncommitted = 0;
            for (int from = 0; from < rows.size(); from += batch) {
                int to = Math.min(rows.size(), from + batch);
                uncommitted += to - from;
                boolean commit = uncommitted >= ProjectionWriter.CATCH_UP_VERDICTS || to == rows.size();
                if (commit) {
                    uncommitted = 0;
                }
                writer.write(rows.subList(from, to), List.of(), Map.of(new TopicPartition("verdicts", 0), (long) to),
                        commit);
            }

            double seconds = (System.nanoTime() - started) / 1e9;
            double cpuSeconds = (os.getProcessCpuTime() - cpu) / 1e9;
            System.out.printf("Writer: %,d verdicts in %.1f s: %,.0f verdicts/s; %.1f s of CPU, %.1f µs a verdict;"
                            + " load average %.2f → %.2f%n", rows.size(), seconds, rows.size() / seconds, cpuSeconds,
                    cpuSeconds * 1e6 / rows.size(), load, os.getSystemLoadAverage());
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
