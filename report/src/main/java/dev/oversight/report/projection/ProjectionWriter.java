package dev.oversight.report.projection;

import dev.oversight.events.Action;
import dev.oversight.events.Verdict;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Writes batches of verdicts and actions into the projection, each batch in one transaction together with the
 * offsets it reaches, so the database always holds exactly the records before its stored offsets.
 *
 * <p>How a batch is written, set-based so that catching up is fast: the batch's rows are appended (DuckDB's
 * appender) to TEMP staging tables of this connection; then, in one transaction, rows with the same verdict id
 * (or action id and phase) are deleted and the staged rows inserted, the {@code deploys} row of every deploy the
 * batch touched is derived again from all its revisions, and the offsets are stored. A verdict that appears twice
 * (a reprocessed one keeps its id) is therefore one row, the last one read.
 *
 * <p>A verdict is staged as two strings: its raw JSON and a compact document of its columns and child rows, which
 * DuckDB takes apart ({@code from_json}) into the four verdict tables. The appender's cost is per string — each one
 * longer than 12 bytes is a call into the native library — and a verdict has about sixty (report/README.md,
 * "Performance").
 */
final class ProjectionWriter implements AutoCloseable {

    /** A verdict as read, with where it was read. */
    record VerdictRow(Verdict verdict, String rawJson, int partition, long offset) {}

    /** An action as read, with where it was read. */
    record ActionRow(Action action, String rawJson, int partition, long offset) {}

    private static final List<String> STAGED = List.of("actions");

    /** The shape of a staged verdict's document, as {@code from_json} reads it (written by {@link #document}). */
    private static final String DOCUMENT = """
            {"id": "VARCHAR", "deploy": "VARCHAR", "rev": "INTEGER", "schema": "INTEGER", "status": "VARCHAR",
             "codes": ["VARCHAR"], "repository": "VARCHAR", "service": "VARCHAR", "environment": "VARCHAR",
             "team": "VARCHAR", "sha": "VARCHAR", "previous": "VARCHAR", "deployer": "VARCHAR", "url": "VARCHAR",
             "deployed": "BIGINT", "decided": "BIGINT", "deadline": "BIGINT", "policy": "VARCHAR",
             "policyVersion": "VARCHAR", "protected": "BOOLEAN", "action": "VARCHAR", "dryRun": "BOOLEAN",
             "authored": "BOOLEAN", "evidence": ["VARCHAR"],
             "reasons": [{"pos": "INTEGER", "code": "VARCHAR", "detail": "VARCHAR"}],
             "changes": [{"pos": "INTEGER", "id": "VARCHAR", "title": "VARCHAR", "url": "VARCHAR", "author": "VARCHAR",
                          "approvers": ["VARCHAR"], "head": "VARCHAR", "merge": "VARCHAR"}],
             "checks": [{"pos": "INTEGER", "name": "VARCHAR", "conclusion": "VARCHAR", "sha": "VARCHAR",
                         "url": "VARCHAR"}]}""";

    /** The staged verdicts' documents, taken apart: {@code d} the document, then where it was read. */
    private static final String PARSE = "INSERT INTO stage_parsed SELECT from_json(doc, '" + DOCUMENT.replace("'", "''")
            + "'), raw_json, kafka_partition, kafka_offset FROM stage_docs";

    private static final String INSERT_VERDICTS = """
            INSERT INTO verdicts
            SELECT d.id, d.deploy, d.rev, d.schema, d.status, d.codes, d.repository, d.service, d.environment, d.team,
                   d.sha, d.previous, d.deployer, d.url, make_timestamp(d.deployed), make_timestamp(d.decided),
                   make_timestamp(d.deadline), d.policy, d.policyVersion, d.protected, d.action, d.dryRun, d.authored,
                   d.evidence, raw_json, kafka_partition, kafka_offset
            FROM stage_parsed""";

    private static final String INSERT_REASONS = """
            INSERT INTO verdict_reasons
            SELECT id, deploy, r.pos, r.code, r.detail
            FROM (SELECT d.id AS id, d.deploy AS deploy, unnest(d.reasons) AS r FROM stage_parsed)""";

    private static final String INSERT_CHANGES = """
            INSERT INTO verdict_changes
            SELECT id, deploy, c.pos, c.id, c.title, c.url, c.author, c.approvers, c.head, c.merge
            FROM (SELECT d.id AS id, d.deploy AS deploy, unnest(d.changes) AS c FROM stage_parsed)""";

    private static final String INSERT_CHECKS = """
            INSERT INTO verdict_checks
            SELECT id, deploy, c.pos, c.name, c.conclusion, c.sha, c.url
            FROM (SELECT d.id AS id, d.deploy AS deploy, unnest(d.checks) AS c FROM stage_parsed)""";

    /** Derives one row per deploy touched by the staged verdicts from every revision the projection holds. */
    private static final String DERIVE_DEPLOYS = """
            INSERT INTO deploys BY NAME
            SELECT v.deploy_id, v.verdict_id, v.revision, h.revisions, v.status, v.reason_codes, h.all_reason_codes,
                   v.repository,
                   v.service, v.environment, v.team, v.sha, v.previous_sha, v.deployer, v.url, v.deployed_at,
                   v.decided_at, h.first_decided_at, v.policy_name, v.policy_version, v.decision_protected,
                   v.decision_action, v.decision_dry_run, v.deployer_authored, h.flagged_status, h.flagged_at,
                   h.remediated_at, h.deadline, h.break_glass, h.break_glass_expired
            FROM verdicts v JOIN (
                SELECT deploy_id,
                       max(revision) AS revision,
                       count(*) AS revisions,
                       list_sort(list_distinct(flatten(list(reason_codes)))) AS all_reason_codes,
                       min(decided_at) AS first_decided_at,
                       arg_min(status, revision) FILTER (WHERE status IN ('VIOLATION', 'EXCEPTION')) AS flagged_status,
                       min(decided_at) FILTER (WHERE status IN ('VIOLATION', 'EXCEPTION')) AS flagged_at,
                       min(decided_at) FILTER (WHERE status = 'REMEDIATED') AS remediated_at,
                       max(deadline) AS deadline,
                       bool_or(status = 'EXCEPTION' OR list_contains(reason_codes, 'BREAK_GLASS')) AS break_glass,
                       bool_or(list_contains(reason_codes, 'BREAK_GLASS_EXPIRED')) AS break_glass_expired
                FROM verdicts
                WHERE deploy_id IN (SELECT d.deploy FROM stage_parsed)
                GROUP BY deploy_id) h
              ON v.deploy_id = h.deploy_id AND v.revision = h.revision
            """;

    private final DuckDBConnection connection;

    ProjectionWriter(ReportDatabase database) throws SQLException {
        this.connection = database.writer();
        try (Statement s = connection.createStatement()) {
            for (String table : STAGED) {
                s.execute("CREATE TEMP TABLE stage_" + table + " AS SELECT * FROM " + table + " LIMIT 0");
            }
            s.execute("CREATE TEMP TABLE stage_docs (doc VARCHAR, raw_json VARCHAR, kafka_partition INTEGER, "
                    + "kafka_offset BIGINT)");
            s.execute("CREATE TEMP TABLE stage_parsed AS SELECT from_json('{}', '" + DOCUMENT.replace("'", "''")
                    + "') AS d, raw_json, kafka_partition, kafka_offset FROM stage_docs LIMIT 0");
        }
    }

    /** The offsets stored with the rows: where each partition of the given topics resumes. */
    Map<TopicPartition, Long> storedOffsets() throws SQLException {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT topic, kafka_partition, next_offset FROM consumed_offsets")) {
            while (rs.next()) {
                offsets.put(new TopicPartition(rs.getString(1), rs.getInt(2)), rs.getLong(3));
            }
        }
        return offsets;
    }

    /**
     * Writes the rows and the offsets reached, all or nothing.
     *
     * @param nextOffsets for each partition, the offset of the next record to read
     */
    void write(List<VerdictRow> verdicts, List<ActionRow> actions, Map<TopicPartition, Long> nextOffsets)
            throws SQLException {
        stage(lastOfEachVerdict(verdicts), lastOfEachAction(actions));
        connection.setAutoCommit(false);
        try (Statement s = connection.createStatement()) {
            if (!verdicts.isEmpty()) {
                s.execute(PARSE);
                // Mostly the ids are new: one look tells whether there is anything to delete in the four tables.
                boolean seenBefore;
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM verdicts "
                        + "WHERE verdict_id IN (SELECT d.id FROM stage_parsed)")) {
                    rs.next();
                    seenBefore = rs.getLong(1) > 0;
                }
                if (seenBefore) {
                    for (String table : List.of("verdicts", "verdict_reasons", "verdict_changes", "verdict_checks")) {
                        s.execute("DELETE FROM " + table + " WHERE verdict_id IN (SELECT d.id FROM stage_parsed)");
                    }
                }
                for (String insert : List.of(INSERT_VERDICTS, INSERT_REASONS, INSERT_CHANGES, INSERT_CHECKS)) {
                    s.execute(insert);
                }
                s.execute("DELETE FROM deploys WHERE deploy_id IN (SELECT d.deploy FROM stage_parsed)");
                s.execute(DERIVE_DEPLOYS);
            }
            if (!actions.isEmpty()) {
                s.execute("DELETE FROM actions a USING stage_actions s "
                        + "WHERE a.action_id = s.action_id AND a.phase = s.phase");
                s.execute("INSERT INTO actions SELECT * FROM stage_actions");
            }
            try (PreparedStatement offsets = connection.prepareStatement(
                    "INSERT OR REPLACE INTO consumed_offsets VALUES (?, ?, ?)")) {
                for (Map.Entry<TopicPartition, Long> e : nextOffsets.entrySet()) {
                    offsets.setString(1, e.getKey().topic());
                    offsets.setInt(2, e.getKey().partition());
                    offsets.setLong(3, e.getValue());
                    offsets.addBatch();
                }
                offsets.executeBatch();
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    private static List<VerdictRow> lastOfEachVerdict(List<VerdictRow> rows) {
        Map<String, VerdictRow> last = new LinkedHashMap<>();
        rows.forEach(r -> {
            last.remove(r.verdict().verdictId());
            last.put(r.verdict().verdictId(), r);
        });
        return List.copyOf(last.values());
    }

    private static List<ActionRow> lastOfEachAction(List<ActionRow> rows) {
        Map<String, ActionRow> last = new LinkedHashMap<>();
        rows.forEach(r -> {
            String key = r.action().actionId() + "\n" + r.action().phase();
            last.remove(key);
            last.put(key, r);
        });
        return List.copyOf(last.values());
    }

    /** Empties the staging tables and appends the batch to them (outside the transaction: they are this connection's). */
    private void stage(List<VerdictRow> verdicts, List<ActionRow> actions) throws SQLException {
        try (Statement s = connection.createStatement()) {
            for (String table : STAGED) {
                s.execute("DELETE FROM stage_" + table);
            }
            s.execute("DELETE FROM stage_docs");
            s.execute("DELETE FROM stage_parsed");
        }
        try (DuckDBAppender docs = connection.createAppender("temp", "main", "stage_docs")) {
            java.io.StringWriter text = new java.io.StringWriter(4096);
            for (VerdictRow row : verdicts) {
                text.getBuffer().setLength(0);
                document(row.verdict(), text);
                docs.beginRow().append(text.toString()).append(row.rawJson()).append(row.partition())
                        .append(row.offset()).endRow();
            }
            docs.flush();
        } catch (java.io.IOException e) {
            throw new SQLException("cannot write a verdict's document", e);
        }
        try (DuckDBAppender a = appender("actions")) {
            for (ActionRow row : actions) {
                appendAction(a, row);
            }
            a.flush();
        }
    }

    private DuckDBAppender appender(String table) throws SQLException {
        return connection.createAppender("temp", "main", "stage_" + table);
    }

    private static final com.fasterxml.jackson.core.JsonFactory JSON = new com.fasterxml.jackson.core.JsonFactory();

    /** The document {@link #DOCUMENT} describes: the verdict's columns (times in microseconds) and child rows. */
    static void document(Verdict v, java.io.Writer out) throws java.io.IOException {
        Verdict.Decision d = v.decision();
        try (com.fasterxml.jackson.core.JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("id", v.verdictId());
            g.writeStringField("deploy", v.deployId());
            g.writeNumberField("rev", v.revision());
            g.writeNumberField("schema", v.schema());
            g.writeStringField("status", v.status().name());
            g.writeArrayFieldStart("codes");
            for (Verdict.Reason r : v.reasons()) {
                g.writeString(r.code() == null ? "" : r.code().name());
            }
            g.writeEndArray();
            g.writeStringField("repository", v.repository());
            g.writeStringField("service", v.service());
            g.writeStringField("environment", v.environment());
            g.writeStringField("team", v.team());
            g.writeStringField("sha", v.sha());
            g.writeStringField("previous", v.previousSha());
            g.writeStringField("deployer", v.deployer());
            g.writeStringField("url", v.url());
            micros(g, "deployed", v.deployedAt());
            micros(g, "decided", v.decidedAt());
            micros(g, "deadline", v.deadline());
            g.writeStringField("policy", v.policy() == null ? null : v.policy().name());
            g.writeStringField("policyVersion", v.policy() == null ? null : v.policy().version());
            if (d != null) {
                g.writeBooleanField("protected", d.isProtected());
                g.writeStringField("action", d.action());
                g.writeBooleanField("dryRun", d.dryRun());
            }
            g.writeBooleanField("authored", deployerAuthored(v));
            g.writeArrayFieldStart("evidence");
            for (String id : v.evidence()) {
                g.writeString(id);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("reasons");
            for (int i = 0; i < v.reasons().size(); i++) {
                Verdict.Reason r = v.reasons().get(i);
                g.writeStartObject();
                g.writeNumberField("pos", i);
                // A reason without a code (null on the record) is kept, as the empty code, as in reason_codes.
                g.writeStringField("code", r.code() == null ? "" : r.code().name());
                g.writeStringField("detail", r.detail());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("changes");
            for (int i = 0; i < v.changes().size(); i++) {
                Verdict.ChangeSummary c = v.changes().get(i);
                g.writeStartObject();
                g.writeNumberField("pos", i);
                g.writeStringField("id", c.id());
                g.writeStringField("title", c.title());
                g.writeStringField("url", c.url());
                g.writeStringField("author", c.author());
                g.writeArrayFieldStart("approvers");
                for (String approver : c.approvers()) {
                    g.writeString(approver);
                }
                g.writeEndArray();
                g.writeStringField("head", c.headSha());
                g.writeStringField("merge", c.mergeSha());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("checks");
            for (int i = 0; i < v.ci().size(); i++) {
                Verdict.CheckSummary c = v.ci().get(i);
                g.writeStartObject();
                g.writeNumberField("pos", i);
                g.writeStringField("name", c.name());
                g.writeStringField("conclusion", c.conclusion());
                g.writeStringField("sha", c.sha());
                g.writeStringField("url", c.url());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    /** A time as microseconds since the epoch (the projection's precision), or null. */
    private static void micros(com.fasterxml.jackson.core.JsonGenerator g, String field, Instant at)
            throws java.io.IOException {
        if (at == null) {
            g.writeNullField(field);
        } else {
            g.writeNumberField(field, Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L),
                    at.getNano() / 1_000));
        }
    }

    private static void appendAction(DuckDBAppender a, ActionRow row) throws SQLException {
        Action x = row.action();
        a.beginRow()
                .append(x.actionId()).append(x.phase().name()).append(x.verdictId()).append(x.deployId())
                .append(x.repository()).append(x.service()).append(x.environment()).append(x.type().name())
                .append(x.target()).append(x.dryRun()).append(x.attempt()).append(x.detail());
        time(a, x.at());
        a.append(x.verdictStatus() == null ? null : x.verdictStatus().name()).append(x.reason())
                .append(x.rollbackTo() == null ? null : x.rollbackTo().sha())
                .append(row.rawJson()).append(row.partition()).append(row.offset())
                .endRow();
    }

    /** Segregation of duties: whether whoever deployed also wrote a change in the deploy (logins compared ignoring case). */
    static boolean deployerAuthored(Verdict v) {
        if (v.deployer() == null || v.deployer().isBlank()) {
            return false;
        }
        String deployer = v.deployer().toLowerCase(Locale.ROOT);
        return v.changes().stream().anyMatch(c -> c.author() != null && c.author().toLowerCase(Locale.ROOT).equals(deployer));
    }

    private static void time(DuckDBAppender a, Instant at) throws SQLException {
        if (at == null) {
            a.appendNull();
        } else {
            a.append(LocalDateTime.ofInstant(at, ZoneOffset.UTC));
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
