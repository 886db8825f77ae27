package dev.oversight.bench;

import dev.oversight.report.audit.AuditPackage;
import dev.oversight.report.audit.AuditScope;
import dev.oversight.report.audit.PackageOutput;
import dev.oversight.report.projection.ReportDatabase;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The audit package of a year of deploys: the time to write it from a projection holding {@code deploys} deploys
 * (default 1,000,000) and the peak of the Java heap while it is written. Run it with {@code -Xmx512m}: the package
 * must be written within that heap. Figures in report/README.md, "The audit package".
 *
 * <p>The projection is filled by SQL, not through Kafka (the projection's own speed is ReportBenchmark's): each
 * deploy has a PENDING and a final revision, one change and one check; 70 % are compliant, 20 % violations (half
 * remediated later, some rolled back) and 10 % break-glass exceptions; 5 % were deployed by their author.
 *
 * <p>{@code java -Xmx512m … dev.oversight.bench.AuditBenchmark [deploys] [sample] [runs]}; with {@code BENCH_KEEP}
 * set, the projection and the packages are left in the temporary directory it prints.
 */
public final class AuditBenchmark {

    private AuditBenchmark() {}

    public static void main(String[] args) throws Exception {
        int deploys = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int sample = args.length > 1 ? Integer.parseInt(args[1]) : AuditScope.DEFAULT_SAMPLE;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        Path work = Files.createTempDirectory("oversight-bench-audit-");
        try (ReportDatabase database = ReportDatabase.open(work.resolve("report.duckdb"))) {
            long start = System.nanoTime();
            fill(database, deploys);
            System.out.printf(Locale.ROOT, "projection: %d deploys, %d verdicts, %d actions, filled in %.1f s%n",
                    database.count("deploys"), database.count("verdicts"), database.count("actions"),
                    (System.nanoTime() - start) / 1e9);
            AuditScope scope = AuditScope.parse(Map.of("from", "2025-01-01", "to", "2025-12-31", "seed", "2026",
                    "sample", Integer.toString(sample))::get);
            for (int run = 1; run <= runs; run++) {
                System.gc();
                resetPeaks();
                Path out = work.resolve("package-" + run);
                start = System.nanoTime();
                long cpuStart = processCpu();
                AuditPackage.Result result;
                try (Connection c = database.reader(); PackageOutput files = PackageOutput.directory(out)) {
                    result = new AuditPackage(Clock.systemUTC()).write(c, scope,
                            new AuditPackage.Source(Map.of("kind", "benchmark"), "AuditBenchmark", null), files);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                double cpu = (processCpu() - cpuStart) / 1e9;
                long bytes = result.files().stream().mapToLong(PackageOutput.Written::bytes).sum();
                System.out.printf(Locale.ROOT, "run %d: package of %d deploys (%d sampled, %d exceptions, %d files, "
                                + "%.0f MiB) written in %.1f s (%.1f s of CPU, every thread of the process; "
                                + "load average %.1f "
                                + "on %d cores); peak heap %.0f MiB of %.0f MiB max%n", run,
                        result.population(), result.sample(), result.exceptions(), result.files().size(),
                        bytes / 1048576.0, seconds, cpu,
                        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                        Runtime.getRuntime().availableProcessors(), peakHeap() / 1048576.0,
                        Runtime.getRuntime().maxMemory() / 1048576.0);
            }
        } finally {
            if (System.getenv("BENCH_KEEP") != null) {
                System.out.println("kept (BENCH_KEEP): " + work);
                return;
            }
            try (Stream<Path> files = Files.walk(work)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** CPU time of the whole process (DuckDB's threads too), in nanoseconds. */
    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
    }

    /** The sum of the heap pools' peaks since the last reset (an upper bound of the heap's peak). */
    private static long peakHeap() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }

    /** A year (2025) of deploys, one every 31.5 s, in the projection's tables. */
    private static void fill(ReportDatabase database, int n) throws Exception {
        try (Connection c = database.reader(); Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE gen AS SELECT i, "
                    + "'github:acme/svc' || (i % 40) || '/deployments/' || i AS deploy_id, "
                    + "TIMESTAMP '2025-01-01 00:00:00' + to_microseconds(i * " + 31_536_000_000_000L / n
                    + ") AS deployed, "
                    + "CASE WHEN i % 10 < 7 THEN 'ok' WHEN i % 10 < 9 THEN 'violation' ELSE 'break-glass' END AS kind, "
                    + "i % 4 = 1 AS remediated, i % 8 = 3 AS rolled_back, "
                    + "'team' || (i % 12) AS team, 'svc' || (i % 40) AS service, "
                    + "CASE WHEN i % 4 = 0 THEN 'staging' ELSE 'production' END AS environment, "
                    + "'dev' || (i % 50) AS author, "
                    + "CASE WHEN i % 20 = 0 THEN 'dev' || (i % 50) ELSE 'deploy-bot' END AS deployer, "
                    + "sha256(CAST(i AS VARCHAR))[1:40] AS sha FROM range(" + n + ") t(i)");
            s.execute("""
                    INSERT INTO deploys (deploy_id, verdict_id, revision, revisions, status, reason_codes,
                        all_reason_codes, repository, service, environment, team, sha, previous_sha, deployer, url,
                        deployed_at, decided_at, first_decided_at, policy_name, policy_version, decision_protected,
                        decision_action, decision_dry_run, deployer_authored, flagged_status, flagged_at,
                        remediated_at, deadline, break_glass, break_glass_expired)
                    SELECT deploy_id, deploy_id || '@' || (CASE WHEN kind <> 'ok' AND remediated THEN 3 ELSE 2 END),
                        CASE WHEN kind <> 'ok' AND remediated THEN 3 ELSE 2 END,
                        CASE WHEN kind <> 'ok' AND remediated THEN 3 ELSE 2 END,
                        CASE WHEN kind = 'ok' THEN 'COMPLIANT' WHEN remediated THEN 'REMEDIATED'
                             WHEN kind = 'violation' THEN 'VIOLATION' ELSE 'EXCEPTION' END,
                        CASE WHEN kind = 'ok' OR remediated THEN []::VARCHAR[]
                             WHEN kind = 'violation' THEN ['NO_APPROVAL'] ELSE ['BREAK_GLASS'] END,
                        CASE WHEN kind = 'ok' THEN []::VARCHAR[] WHEN kind = 'violation' THEN ['NO_APPROVAL']
                             ELSE ['BREAK_GLASS'] END,
                        'github:acme/' || service, service, environment, team, sha, NULL, deployer,
                        'https://github.com/acme/' || service || '/deployments/' || i,
                        deployed, deployed + INTERVAL 61 SECOND, deployed + INTERVAL 1 SECOND, 'acme-default',
                        'sha256:0123456789abcdef',
                        environment = 'production', 'alert+rollback', false, deployer = author,
                        CASE WHEN kind = 'violation' THEN 'VIOLATION' WHEN kind = 'break-glass' THEN 'EXCEPTION' END,
                        CASE WHEN kind <> 'ok' THEN deployed + INTERVAL 61 SECOND END,
                        CASE WHEN kind <> 'ok' AND remediated THEN deployed + INTERVAL 3 HOUR END,
                        CASE WHEN kind = 'break-glass' THEN deployed + INTERVAL 24 HOUR END,
                        kind = 'break-glass', false
                    FROM gen""");
            s.execute("""
                    INSERT INTO verdicts (verdict_id, deploy_id, revision, schema_version, status, reason_codes,
                        repository, service, environment, team, sha, previous_sha, deployer, url, deployed_at,
                        decided_at, deadline, policy_name, policy_version, decision_protected, decision_action,
                        decision_dry_run, deployer_authored, evidence, raw_json, kafka_partition, kafka_offset)
                    SELECT deploy_id || '@' || r, deploy_id, r, 2,
                        CASE WHEN r = 1 THEN 'PENDING' WHEN r = 3 THEN 'REMEDIATED' WHEN kind = 'ok' THEN 'COMPLIANT'
                             WHEN kind = 'violation' THEN 'VIOLATION' ELSE 'EXCEPTION' END,
                        CASE WHEN r = 2 AND kind = 'violation' THEN ['NO_APPROVAL']
                             WHEN r = 2 AND kind = 'break-glass' THEN ['BREAK_GLASS'] ELSE []::VARCHAR[] END,
                        'github:acme/' || service, service, environment, team, sha, NULL, deployer, NULL, deployed,
                        deployed + to_seconds(r * 30), NULL, 'acme-default', 'sha256:0123456789abcdef',
                        environment = 'production', 'alert+rollback', false, deployer = author,
                        ['delivery-' || i, 'delivery-' || i || '-review'], '{}', CAST(i % 3 AS INTEGER), i * 3 + r
                    FROM gen, range(1, 4) t(r) WHERE r < 3 OR (kind <> 'ok' AND remediated)""");
            s.execute("""
                    INSERT INTO verdict_reasons SELECT deploy_id || '@2', deploy_id, 0,
                        CASE WHEN kind = 'violation' THEN 'NO_APPROVAL' ELSE 'BREAK_GLASS' END,
                        CASE WHEN kind = 'violation' THEN 'change has no approval by anyone'
                             ELSE 'emergency deploy' END
                    FROM gen WHERE kind <> 'ok'""");
            s.execute("""
                    INSERT INTO verdict_changes SELECT d.verdict_id, g.deploy_id, 0, g.service || '#' || g.i,
                        'Change ' || g.i, NULL, g.author,
                        CASE WHEN g.kind = 'ok' THEN ['reviewer' || (g.i % 7)] ELSE []::VARCHAR[] END, g.sha, g.sha
                    FROM gen g JOIN deploys d USING (deploy_id)""");
            s.execute("""
                    INSERT INTO verdict_checks SELECT d.verdict_id, g.deploy_id, 0, 'build', 'success', g.sha, NULL
                    FROM gen g JOIN deploys d USING (deploy_id)""");
            s.execute("""
                    INSERT INTO actions (action_id, phase, verdict_id, deploy_id, repository, service, environment,
                        type, target, dry_run, attempt, detail, acted_at, verdict_status, reason, rollback_to_sha,
                        raw_json, kafka_partition, kafka_offset)
                    SELECT deploy_id || '@2:' || type || ':' || target, phase, deploy_id || '@2', deploy_id,
                        'github:acme/' || service, service, environment, type, target, false, 1, 'done',
                        deployed + INTERVAL 62 SECOND, 'VIOLATION', NULL, NULL, '{}', 0, i
                    FROM gen, (VALUES ('ALERT', 'alertmanager', 'SUCCEEDED'), ('ROLLBACK', 'webhook', 'SUCCEEDED'))
                        a(type, target, phase)
                    WHERE kind = 'violation' AND (type = 'ALERT' OR (rolled_back AND NOT remediated))""");
            s.execute("DROP TABLE gen");
        }
    }
}
