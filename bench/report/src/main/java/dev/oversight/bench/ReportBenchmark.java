package dev.oversight.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.oversight.events.Action;
import dev.oversight.events.Verdict;
import dev.oversight.events.json.Json;
import dev.oversight.events.kafka.Topics;
import dev.oversight.launcher.EmbeddedKafka;
import dev.oversight.report.ReportConfig;
import dev.oversight.report.Samples;
import dev.oversight.report.projection.Projection;
import dev.oversight.report.projection.ProjectionMeters;
import dev.oversight.report.projection.ReportDatabase;
import dev.oversight.report.web.Filter;
import dev.oversight.report.web.ReportQueries;
import dev.oversight.runtime.kafka.KafkaConnection;
import dev.oversight.runtime.kafka.TopicProvisioner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The report with a year of deploys: how fast the projection catches up with the topics (a new database reading
 * them from the beginning), then how long the overview of the year and a filtered page of the deploys list take on
 * what it built. Figures in report/README.md, "Performance".
 *
 * <p>{@code java … dev.oversight.bench.ReportBenchmark [verdicts] [repetitions]} (defaults 1,000,000 and 7).
 */
public final class ReportBenchmark {

    private ReportBenchmark() {}

    public static void main(String[] args) throws Exception {
        int verdicts = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int repetitions = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        Path workDir = Files.createTempDirectory("oversight-bench-report-");
        String external = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        EmbeddedKafka broker = external == null ? EmbeddedKafka.start(workDir.resolve("kafka"), 0) : null;
        try {
            String bootstrap = external != null ? external : broker.bootstrapServers();
            KafkaConnection kafka = new KafkaConnection(bootstrap,
                    "bench-" + UUID.randomUUID().toString().substring(0, 8) + ".", 3, 1, Map.of());
            TopicProvisioner.ensure(kafka, Duration.ofSeconds(30));
            System.out.printf("Broker %s (%s), %d cores%n", bootstrap, external != null ? "external" : "embedded",
                    Runtime.getRuntime().availableProcessors());
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            long records = produce(kafka, verdicts, today);

            try (ReportDatabase db = ReportDatabase.open(workDir.resolve("report").resolve("report.duckdb"));
                 Projection projection = new Projection(db, kafka, new ProjectionMeters(new SimpleMeterRegistry()),
                         ReportConfig.BATCH_SIZE.defaultValue())) {
                OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                double loadBefore = os.getSystemLoadAverage();
                Map<Long, Long> threadsBefore = threadsCpu();
                long cpuBefore = os.getProcessCpuTime();
                long started = System.nanoTime();
                projection.start();
                while (!projection.caughtUp()) {
                    LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
                }
                double caughtUp = (System.nanoTime() - started) / 1e9;
                // What DuckDB has only logged (rows of transactions below a row group) is compressed into the file
                // at a checkpoint, which comes at a commit when the log is large enough — inside the catch-up or
                // after it. Forced here, so that every run pays for all it wrote.
                try (java.sql.Connection c = db.reader(); java.sql.Statement s = c.createStatement()) {
                    s.execute("CHECKPOINT");
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                double cpuSeconds = (os.getProcessCpuTime() - cpuBefore) / 1e9;
                Map<String, Long> byThread = cpuByThreadSince(threadsBefore);
                double projectionCpu = byThread.entrySet().stream().filter(e -> e.getKey().startsWith("report-projection"))
                        .mapToLong(Map.Entry::getValue).sum() / 1e9;
                long inProjection = db.count("verdicts");
                System.out.printf("Catching up: %,d records (%,d verdicts) in %.1f s, then a checkpoint %.1f s: "
                                + "%,.0f records/s, %,.0f verdicts/s (without the checkpoint %,.0f verdicts/s)%n",
                        records, inProjection, caughtUp, seconds - caughtUp, records / seconds, inProjection / seconds,
                        inProjection / caughtUp);
                System.out.printf("  CPU: %.1f s for the process (broker, DuckDB and projection threads), %.1f µs a verdict;"
                                + " %.1f s on the projection's own threads, %.1f µs a verdict%n",
                        cpuSeconds, cpuSeconds * 1e6 / inProjection, projectionCpu, projectionCpu * 1e6 / inProjection);
                System.out.printf("  CPU by thread: %s%n", byThread.entrySet().stream()
                        .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                        .map(e -> String.format("%s %.1f s", e.getKey(), e.getValue() / 1e9))
                        .collect(java.util.stream.Collectors.joining(", ")));
                System.out.printf("  load average %.2f when it started, %.2f when it had caught up%n", loadBefore,
                        os.getSystemLoadAverage());
                Path wal = db.file().resolveSibling(db.file().getFileName() + ".wal");
                System.out.printf("Projection: %,d verdicts, %,d deploys, %,d actions; database %,d MiB "
                                + "(write-ahead log %,d MiB)%n",
                        db.count("verdicts"), db.count("deploys"), db.count("actions"),
                        Files.size(db.file()) / (1024 * 1024), Files.exists(wal) ? Files.size(wal) / (1024 * 1024) : 0);

                if (repetitions == 0) {
                    return;
                }
                ReportQueries queries = new ReportQueries(db);
                Filter year = Filter.parse(Map.of("from", today.minusDays(364).toString(), "to", today.toString())::get);
                time("Overview of the year", repetitions, () -> queries.overview(year));
                Filter filtered = Filter.parse(Map.of("from", today.minusDays(364).toString(), "to", today.toString(),
                        "service", "payments", "environment", "production", "status", "VIOLATION")::get);
                time("Deploys page, filtered (service, environment, status, a year)", repetitions,
                        () -> queries.deploys(filtered, 50));
                Filter deep = Filter.parse(Map.of("team", "payments", "page", "500")::get);
                time("Deploys page 500 of a team", repetitions, () -> queries.deploys(deep, 50));
                time("Exceptions register, first page", repetitions, () -> queries.exceptions(Filter.NONE, 50));
                String some = queries.deploys(Filter.NONE, 1).lines().get(0).deployId();
                time("One deploy's page", repetitions, () -> queries.deploy(some).orElseThrow());
            }
        } finally {
            if (broker != null) {
                broker.close();
            }
            if (Boolean.getBoolean("bench.keep")) {
                System.out.println("Kept " + workDir);
            } else {
                try (java.util.stream.Stream<Path> files = Files.walk(workDir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }
    }

    /** CPU time of every live thread, by thread id. */
    private static Map<Long, Long> threadsCpu() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Long> cpu = new java.util.HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            cpu.put(id, Math.max(0, threads.getThreadCpuTime(id)));
        }
        return cpu;
    }

    /**
     * CPU time spent since {@code before} by the live threads, summed by name with the digits left out (a pool's
     * threads together).
     */
    private static Map<String, Long> cpuByThreadSince(Map<Long, Long> before) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> byName = new java.util.HashMap<>();
        for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t != null) {
                long spent = Math.max(0, threads.getThreadCpuTime(t.getThreadId()))
                        - before.getOrDefault(t.getThreadId(), 0L);
                byName.merge(t.getThreadName().replaceAll("[0-9]+", "#"), spent, Long::sum);
            }
        }
        return byName;
    }

    /** Writes deploys spread over the year up to {@code today} until {@code verdicts} verdicts are on the topic. */
    private static long produce(KafkaConnection kafka, int verdicts, LocalDate today) {
        Instant start = today.minusDays(364).atStartOfDay(ZoneOffset.UTC).toInstant();
        // About 2.3 verdicts per deploy: spread the deploys evenly over the year.
        Duration spacing = Duration.ofDays(365).dividedBy(Math.max(1, verdicts * 10L / 23));
        Samples samples = new Samples(2026, start, spacing);
        Map<String, Object> props = kafka.common("bench-report");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        long records = 0;
        int written = 0;
        long started = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            while (written < verdicts) {
                Samples.Deploy d = samples.next();
                for (Verdict v : d.verdicts()) {
                    producer.send(new ProducerRecord<>(kafka.topic(Topics.VERDICTS).name(), v.repository(),
                            Json.toBytes(v)));
                    written++;
                    records++;
                }
                for (Action a : d.actions()) {
                    producer.send(new ProducerRecord<>(kafka.topic(Topics.ACTIONS).name(), a.verdictId(),
                            Json.toBytes(a)));
                    records++;
                }
            }
            producer.flush();
        }
        System.out.printf("Produced %,d verdicts and %,d actions in %.1f s%n", written, records - written,
                (System.nanoTime() - started) / 1e9);
        return records;
    }

    @FunctionalInterface
    private interface Query {
        Object run() throws Exception;
    }

    /** Runs a query once to warm up, then {@code n} times; prints the median and the slowest. */
    private static void time(String what, int n, Query query) throws Exception {
        query.run();
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            query.run();
            millis.add((System.nanoTime() - t) / 1e6);
        }
        Collections.sort(millis);
        System.out.printf("%-62s median %7.1f ms, slowest %7.1f ms (%d runs)%n", what, millis.get(n / 2),
                millis.get(n - 1), n);
    }
}
