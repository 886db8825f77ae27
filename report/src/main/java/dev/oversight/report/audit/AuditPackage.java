package dev.oversight.report.audit;

import dev.oversight.report.web.Export;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the audit package of a scope from the report's projection: the population (CSV and JSON Lines), the seeded
 * sample (CSV, and one evidence page per sampled deploy as HTML and PDF), the exceptions register (CSV), the summary
 * (HTML and PDF) and {@code manifest.json}, last, with the SHA-256 of every other file (report/README.md, "The audit
 * package").
 *
 * <p>Every query runs in one read transaction, so the files agree with one another even while the projection goes on
 * writing. Rows go from the database cursor to the files as they are read: what is held in memory is one row, the
 * sample ({@link Sampler}, at most {@link AuditScope#MAX_SAMPLE} deploys) and the summary's small aggregates.
 */
public final class AuditPackage {

    public static final String POPULATION_CSV = "population.csv";
    public static final String POPULATION_JSONL = "population.jsonl";
    public static final String SAMPLE_CSV = "sample.csv";
    public static final String EXCEPTIONS_CSV = "exceptions.csv";
    public static final String SUMMARY_HTML = "summary.html";
    public static final String SUMMARY_PDF = "summary.pdf";
    public static final String MANIFEST = "manifest.json";
    public static final String EVIDENCE_DIR = "evidence/";
    /** The manifest's {@code format}; a reader checks it before anything else. */
    public static final String FORMAT = "oversight-audit-package/1";

    /**
     * The population: every deploy in scope, each once, with its final verdict (the latest revision) and every reason
     * any of its revisions had ({@link #rows} sorts it by the deploy's time).
     */
    static final String POPULATION = """
            SELECT d.deploy_id, d.deployed_at, d.status, d.all_reason_codes AS reasons,
                   d.repository, d.service, d.environment, d.team, d.sha, d.previous_sha, d.deployer,
                   d.deployer_authored, d.decided_at, d.revisions, d.flagged_status, d.flagged_at, d.remediated_at,
                   d.break_glass, d.policy_name, d.policy_version, d.url,
                   d.verdict_id, v.raw_json->>'$.ledger.hash' AS ledger_hash
            FROM deploys d LEFT JOIN verdicts v ON v.verdict_id = d.verdict_id
            WHERE /*scope*/""";

    /**
     * The exceptions register: every deploy in scope that was ever a VIOLATION or an EXCEPTION, with its state —
     * rolled-back (a rollback succeeded, not in dry run), remediated (a later verdict made it good), expired (a
     * break-glass review missed its deadline, nothing since), else open — the actions taken, and the time from the
     * flag to its resolution (remediation or rollback, whichever came first).
     */
    static final String EXCEPTIONS = """
            WITH acts AS (
                SELECT deploy_id,
                       count(*) FILTER (WHERE type = 'ALERT' AND phase = 'SUCCEEDED') AS alerts,
                       min(acted_at) FILTER (WHERE type = 'ROLLBACK' AND phase = 'SUCCEEDED' AND NOT dry_run)
                           AS rolled_back_at,
                       string_agg(type || ' ' || coalesce(target, '') || ' ' || phase
                                  || CASE WHEN dry_run THEN ' (dry run)' ELSE '' END, '; ' ORDER BY acted_at, action_id)
                           FILTER (WHERE phase <> 'REQUESTED') AS actions
                FROM actions GROUP BY deploy_id),
            reasons AS (
                SELECT deploy_id, string_agg(DISTINCT code || ': ' || coalesce(detail, ''), ' | ') AS details
                FROM verdict_reasons GROUP BY deploy_id),
            register AS (
                SELECT d.*, coalesce(a.alerts, 0) AS alerts, a.rolled_back_at, a.actions, r.details,
                       CASE WHEN a.rolled_back_at IS NOT NULL THEN 'rolled-back'
                            WHEN d.remediated_at IS NOT NULL THEN 'remediated'
                            WHEN d.break_glass_expired THEN 'expired'
                            ELSE 'open' END AS state,
                       least(d.remediated_at, a.rolled_back_at) AS resolved_at
                FROM deploys d LEFT JOIN acts a USING (deploy_id) LEFT JOIN reasons r USING (deploy_id)
                WHERE d.flagged_status IS NOT NULL AND /*scope*/)
            SELECT deploy_id, deployed_at, flagged_status, flagged_at, state, status, all_reason_codes AS reasons,
                   details AS reason_details, team AS owner_team, service, environment, repository, deployer,
                   alerts, actions, remediated_at, rolled_back_at, resolved_at,
                   CAST(epoch(resolved_at) - epoch(flagged_at) AS BIGINT) AS seconds_to_remediate,
                   break_glass, deadline, break_glass_expired
            FROM register d""";

    private static final JsonFactory JSON = new JsonFactory();
    private static final Logger LOG = LoggerFactory.getLogger(AuditPackage.class);

    private final Clock clock;

    public AuditPackage(Clock clock) {
        this.clock = clock;
    }

    /**
     * What the manifest says of where the rows came from (its {@code source}) and of how they were asked for
     * ({@code query}: the URL or the command line). {@code ledger}: the verdict ledger's heads that cover the period,
     * or null while there is no ledger (the manifest then says so).
     */
    public record Source(Map<String, Object> source, String query, Object ledger, LedgerBundle bundle) {

        /** Without a ledger bundle (a package that only names the heads, or none). */
        public Source(Map<String, Object> source, String query, Object ledger) {
            this(source, query, ledger, null);
        }
    }

    /**
     * Writes an {@code oversight export} bundle (ledger/README.md) of the verdicts a scope's deploys can have — decided
     * from the first day of the period on, with the scope's filters — into an empty directory.
     */
    @FunctionalInterface
    public interface LedgerBundle {
        void write(AuditScope scope, Path dir) throws IOException;
    }

    /** The folder of the package holding the ledger bundle. */
    public static final String LEDGER_DIR = "ledger/";

    /** What was written: the row counts and the files (the manifest last). */
    public record Result(long population, int sample, long exceptions, List<PackageOutput.Written> files) {}

    /** Writes the package of {@code scope} read through {@code connection} (its own: one transaction is used). */
    public Result write(Connection connection, AuditScope scope, Source source, PackageOutput out)
            throws SQLException, IOException {
        Instant extractedAt = clock.instant();
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            Map<String, Long> offsets = offsets(connection);
            Sampler sampler = new Sampler(scope.seed(), scope.sample());
            long population = rows(connection, scope, POPULATION, out, POPULATION_CSV, sampler);
            rows(connection, scope, POPULATION, out, POPULATION_JSONL, null);
            List<Sampler.Pick> picks = sampler.sample();
            Map<String, Evidence> evidence = Evidence.load(connection,
                    picks.stream().map(Sampler.Pick::deployId).toList());
            writeSample(out, picks, evidence);
            for (Evidence e : evidence.values()) {
                String page = e.page(Xhtml.time(extractedAt));
                String name = EVIDENCE_DIR + fileName(e.deployId());
                try (OutputStream html = out.file(name + ".html")) {
                    html.write(page.getBytes(StandardCharsets.UTF_8));
                }
                try (OutputStream pdf = out.file(name + ".pdf")) {
                    Xhtml.pdf(page, pdf);
                }
            }
            long exceptions = rows(connection, scope, EXCEPTIONS, out, EXCEPTIONS_CSV, null);
            String summary = Summary.load(connection, scope).page(scope, Xhtml.time(extractedAt));
            try (OutputStream html = out.file(SUMMARY_HTML)) {
                html.write(summary.getBytes(StandardCharsets.UTF_8));
            }
            try (OutputStream pdf = out.file(SUMMARY_PDF)) {
                Xhtml.pdf(summary, pdf);
            }
            Map<String, Long> covered = chainsCovered(connection);
            String bundled = source.bundle() == null ? "not asked for" : writeLedgerBundle(source.bundle(), scope, out);
            List<PackageOutput.Written> files = out.written();
            try (OutputStream manifest = out.file(MANIFEST)) {
                manifest(manifest, scope, source, extractedAt, offsets, covered, bundled, population, picks, exceptions, files);
            }
            return new Result(population, picks.size(), exceptions, out.written());
        } finally {
            connection.rollback();
            connection.setAutoCommit(autoCommit);
        }
    }

    /**
     * For each chain of the verdict ledger, the seq of the newest verdict the projection holds: the population is
     * complete up to there (what came later on the topic was not read yet). From the record read last of each
     * partition.
     */
    private static Map<String, Long> chainsCovered(Connection c) throws SQLException {
        Map<String, Long> covered = new java.util.TreeMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT v.raw_json->>'$.ledger.chain', CAST(v.raw_json->>'$.ledger.seq' AS BIGINT)
                FROM verdicts v JOIN (SELECT kafka_partition, max(kafka_offset) AS last_offset
                                      FROM verdicts GROUP BY kafka_partition) m
                  ON v.kafka_partition = m.kafka_partition AND v.kafka_offset = m.last_offset""")) {
            while (rs.next()) {
                if (rs.getString(1) != null) {
                    covered.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return covered;
    }

    private static final String INCLUDED = "included";

    /**
     * The ledger bundle of the scope, written aside and then into the package under {@link #LEDGER_DIR}: "included",
     * or why it is not (the ledger's topics could not be read; the package is written all the same and says so).
     */
    private static String writeLedgerBundle(LedgerBundle bundle, AuditScope scope, PackageOutput out) throws IOException {
        Path dir = Files.createTempDirectory("oversight-audit-ledger-");
        try {
            try {
                bundle.write(scope, dir);
            } catch (RuntimeException e) {
                LOG.warn("audit package: the ledger bundle is left out: {}", e.getMessage());
                return "the ledger could not be read: " + e.getMessage();
            }
            List<Path> files;
            try (java.util.stream.Stream<Path> listed = Files.list(dir)) {
                files = listed.filter(Files::isRegularFile).sorted().toList();
            }
            for (Path file : files) {
                try (OutputStream copy = out.file(LEDGER_DIR + file.getFileName())) {
                    Files.copy(file, copy);
                }
            }
            return INCLUDED;
        } finally {
            KafkaExtract.delete(dir);
        }
    }

    /** A deploy id as a file name: what is not a letter, a digit, '.', '-' or '_' becomes '_'. */
    static String fileName(String deployId) {
        return deployId.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** Where the projection was in each topic partition: the population is complete up to these offsets. */
    private static Map<String, Long> offsets(Connection c) throws SQLException {
        Map<String, Long> offsets = new LinkedHashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT topic, kafka_partition, next_offset FROM consumed_offsets ORDER BY topic, kafka_partition")) {
            while (rs.next()) {
                offsets.put(rs.getString(1) + "-" + rs.getInt(2), rs.getLong(3));
            }
        }
        return offsets;
    }

    /** How a time is written in the files: ISO-8601 in UTC, to the millisecond. */
    private static final String ISO = "'%Y-%m-%dT%H:%M:%S.%gZ'";

    /**
     * Streams the rows of a query as one file (CSV or JSON Lines by its name) and offers each deploy id (the first
     * column) to the sampler when there is one; returns the number of rows. The query's rows are sorted by
     * {@code deployed_at, deploy_id}.
     *
     * <p>DuckDB turns each row into text (a CSV row's fields, or the whole JSON object) and the cursor hands over
     * strings only: the JDBC driver makes far fewer objects than for typed values, and the rows are written as read.
     */
    private static long rows(Connection c, AuditScope scope, String query, PackageOutput out, String name,
                             Sampler sampler) throws SQLException, IOException {
        boolean csv = name.endsWith(".csv");
        List<String> columns = new ArrayList<>();
        List<String> types = new ArrayList<>();
        try (PreparedStatement statement = scope.prepare(c, query)) {
            ResultSetMetaData meta = statement.getMetaData();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                columns.add(meta.getColumnLabel(i));
                types.add(meta.getColumnTypeName(i));
            }
        }
        StringBuilder select = new StringBuilder("SELECT ");
        if (!csv) {
            select.append("to_json(struct_pack(");
        }
        for (int i = 0; i < columns.size(); i++) {
            String column = "q.\"" + columns.get(i) + "\"";
            String type = types.get(i);
            String value = type.startsWith("TIMESTAMP") ? "strftime(" + column + ", " + ISO + ")"
                    : csv && type.endsWith("[]") ? "array_to_string(" + column + ", ';')"
                    : csv ? "CAST(" + column + " AS VARCHAR)" : column;
            select.append(i == 0 ? "" : ", ").append(csv ? value : "\"" + columns.get(i) + "\" := " + value);
        }
        select.append(csv ? "" : "))").append(" FROM (").append(query)
                .append(") q ORDER BY q.deployed_at, q.deploy_id");
        long rows = 0;
        long start = System.nanoTime();
        try (PreparedStatement statement = scope.prepare(c, select.toString()); ResultSet rs = statement.executeQuery();
             OutputStream file = out.file(name)) {
            Writer w = new BufferedWriter(new OutputStreamWriter(file, StandardCharsets.UTF_8), 64 * 1024);
            if (csv) {
                Export.csvRow(w, columns);
            }
            List<String> fields = new ArrayList<>(columns.size());
            while (rs.next()) {
                if (csv) {
                    fields.clear();
                    for (int i = 1; i <= columns.size(); i++) {
                        fields.add(rs.getString(i));
                    }
                    Export.csvRow(w, fields);
                    if (sampler != null) {
                        sampler.offer(fields.get(0));
                    }
                } else {
                    w.write(rs.getString(1));
                    w.write('\n');
                }
                rows++;
            }
            w.flush();
        }
        LOG.info("audit package: {} rows of {} written in {} ms", rows, name, (System.nanoTime() - start) / 1_000_000);
        return rows;
    }

    private static void writeSample(PackageOutput out, List<Sampler.Pick> picks, Map<String, Evidence> evidence)
            throws IOException {
        try (OutputStream file = out.file(SAMPLE_CSV)) {
            Writer w = new BufferedWriter(new OutputStreamWriter(file, StandardCharsets.UTF_8));
            Export.csvRow(w, List.of("deploy_id", "sample_key", "population_row", "status", "deployer", "deployed_at",
                    "deployer_authored", "evidence_html", "evidence_pdf"));
            for (Sampler.Pick p : picks) {
                Evidence e = evidence.get(p.deployId());
                String page = EVIDENCE_DIR + fileName(p.deployId());
                Export.csvRow(w, List.of(p.deployId(), p.key(), Long.toString(p.position() + 1),
                        text(e.deploy().get("status")), text(e.deploy().get("deployer")),
                        text(e.deploy().get("deployed_at")), Boolean.toString(e.deployerAuthored()),
                        page + ".html", page + ".pdf"));
            }
            w.flush();
        }
    }

    /** A value of {@link Evidence#deploy} as CSV shows it: times ISO-8601 UTC. */
    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    private static void manifest(OutputStream out, AuditScope scope, Source source, Instant extractedAt,
                                 Map<String, Long> offsets, Map<String, Long> covered, String bundled,
                                 long population, List<Sampler.Pick> picks,
                                 long exceptions, List<PackageOutput.Written> files) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("format", FORMAT);
            g.writeStringField("extractedAt", extractedAt.toString());
            g.writeObjectFieldStart("source");
            for (Map.Entry<String, Object> e : source.source().entrySet()) {
                g.writeFieldName(e.getKey());
                writeAny(g, e.getValue());
            }
            g.writeObjectFieldStart("consumedOffsets");
            for (Map.Entry<String, Long> e : offsets.entrySet()) {
                g.writeNumberField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeEndObject();
            g.writeStringField("query", source.query());
            g.writeObjectFieldStart("period");
            g.writeStringField("from", scope.from().toString());
            g.writeStringField("to", scope.to().toString());
            g.writeStringField("on", "deployed_at, UTC, both days included");
            g.writeStringField("start", scope.from().atStartOfDay().toInstant(java.time.ZoneOffset.UTC).toString());
            g.writeStringField("endExclusive",
                    scope.to().plusDays(1).atStartOfDay().toInstant(java.time.ZoneOffset.UTC).toString());
            g.writeEndObject();
            g.writeObjectFieldStart("filters");
            for (Map.Entry<String, String> e : scope.filters().entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeObjectFieldStart("sample");
            g.writeNumberField("size", picks.size());
            g.writeNumberField("requested", scope.sample());
            g.writeNumberField("seed", scope.seed());
            g.writeBooleanField("seedGiven", scope.seedGiven());
            g.writeStringField("algorithm", "key = lowercase hex SHA-256 of the UTF-8 text '<seed>:<deploy_id>'; "
                    + "the sample is the 'requested' deploys of population.csv with the smallest keys");
            g.writeArrayFieldStart("deployIds");
            for (Sampler.Pick p : picks) {
                g.writeString(p.deployId());
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeObjectFieldStart("rows");
            g.writeNumberField(POPULATION_CSV, population);
            g.writeNumberField(POPULATION_JSONL, population);
            g.writeNumberField(SAMPLE_CSV, picks.size());
            g.writeNumberField(EXCEPTIONS_CSV, exceptions);
            g.writeEndObject();
            g.writeArrayFieldStart("files");
            for (PackageOutput.Written f : files) {
                g.writeStartObject();
                g.writeStringField("name", f.name());
                g.writeNumberField("bytes", f.bytes());
                g.writeStringField("sha256", f.sha256());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeFieldName("ledger");
            if (source.ledger() == null) {
                g.writeStartObject();
                g.writeStringField("status", "unavailable");
                g.writeStringField("note", "this Oversight keeps no verdict ledger yet; when it does, the ledger's "
                        + "chain heads and signed checkpoints covering the period are listed here");
                g.writeArrayFieldStart("heads");
                g.writeEndArray();
                g.writeEndObject();
            } else {
                writeAny(g, source.ledger());
            }
            g.writeObjectFieldStart("ledgerBundle");
            g.writeBooleanField("included", bundled.equals(INCLUDED));
            if (!bundled.equals(INCLUDED)) {
                g.writeStringField("leftOut", bundled);
            }
            g.writeStringField("directory", LEDGER_DIR);
            g.writeStringField("note", "an oversight export bundle of the verdicts decided from the period's first day "
                    + "on (with the filters), and the actions on them; `oversight verify` checks it and checks each "
                    + "population row against the ledger's record of the same verdict");
            g.writeObjectFieldStart("populationCoversChainsTo");
            for (Map.Entry<String, Long> e : covered.entrySet()) {
                g.writeNumberField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndObject();
            g.writeRaw('\n');
        }
    }

    private static void writeAny(JsonGenerator g, Object value) throws IOException {
        if (value instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                writeAny(g, e.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof Iterable<?> items) {
            g.writeStartArray();
            for (Object item : items) {
                writeAny(g, item);
            }
            g.writeEndArray();
        } else {
            Export.jsonValue(g, value);
        }
    }
}
