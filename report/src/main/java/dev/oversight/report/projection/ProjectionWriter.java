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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes batches of verdicts and actions into the projection, each batch in one transaction together with the
 * offsets it reaches, so the database always holds exactly the records before its stored offsets.
 *
 * <p>How a batch is written, so that catching up is fast: in one transaction, the ids of the batch's verdicts (and
 * the action ids and phases) are appended to small TEMP tables of this connection; rows of the tables with one of
 * those ids are deleted (rarely any: only a verdict read again); the batch's rows are appended with DuckDB's appender
 * straight into the tables (the appender writes in its connection's transaction); the {@code deploys} row of every
 * deploy the batch touched is derived again from all its revisions; and the offsets are stored. A verdict that
 * appears twice (a reprocessed one keeps its id) is therefore one row, the last one read.
 */
final class ProjectionWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProjectionWriter.class);

    /** A verdict as read (its record's value, UTF-8), with where it was read. */
    record VerdictRow(Verdict verdict, byte[] rawJson, int partition, long offset) {}

    /** An action as read (its record's value, UTF-8), with where it was read. */
    record ActionRow(Action action, byte[] rawJson, int partition, long offset) {}

    /** Derives one row per deploy touched by the batch's verdicts from every revision the projection holds. */
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
                WHERE deploy_id IN (SELECT deploy_id FROM batch_verdicts)
                GROUP BY deploy_id) h
              ON v.deploy_id = h.deploy_id AND v.revision = h.revision
            """;

    /** Rows in a DuckDB row group: a transaction appending at least as many writes them compressed to the file. */
    static final int ROW_GROUP = 122_880;

    private final DuckDBConnection connection;

    ProjectionWriter(ReportDatabase database) throws SQLException {
        this.connection = database.writer();
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TEMP TABLE batch_verdicts (verdict_id VARCHAR NOT NULL, deploy_id VARCHAR NOT NULL)");
            s.execute("CREATE TEMP TABLE batch_actions (action_id VARCHAR NOT NULL, phase VARCHAR NOT NULL)");
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
     * Writes the rows and the offsets reached, all or nothing, and commits them.
     *
     * @param nextOffsets for each partition, the offset of the next record to read
     */
    void write(List<VerdictRow> verdicts, List<ActionRow> actions, Map<TopicPartition, Long> nextOffsets)
            throws SQLException {
        write(verdicts, actions, nextOffsets, true);
    }

    /**
     * Writes the rows and the offsets reached in the open transaction (opening one if none is), and commits it —
     * with every batch written in it since the last commit — when {@code commit} is true. A catch-up commits once it
     * has written at least {@link #ROW_GROUP} verdicts: DuckDB then writes whole compressed row groups straight to
     * the file instead of logging each batch and compressing it again at a checkpoint. Whatever fails rolls back the
     * whole transaction, offsets included.
     *
     * @param nextOffsets for each partition, the offset of the next record to read
     */
    void write(List<VerdictRow> verdicts, List<ActionRow> actions, Map<TopicPartition, Long> nextOffsets,
               boolean commit) throws SQLException {
        List<VerdictRow> lastVerdicts = lastOfEachVerdict(verdicts);
        List<ActionRow> lastActions = lastOfEachAction(actions);
        long started = System.nanoTime();
        long deleted = started;
        long appended = started;
        long derived = started;
        if (connection.getAutoCommit()) {
            connection.setAutoCommit(false);
        }
        try (Statement s = connection.createStatement()) {
            if (!lastVerdicts.isEmpty()) {
                s.execute("DELETE FROM batch_verdicts");
                try (DuckDBAppender ids = appender("temp", "batch_verdicts")) {
                    for (VerdictRow row : lastVerdicts) {
                        ids.beginRow().append(row.verdict().verdictId()).append(row.verdict().deployId()).endRow();
                    }
                }
                // Mostly the ids are new: one look tells whether there is anything to delete in the four tables.
                boolean seenBefore;
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM verdicts "
                        + "WHERE verdict_id IN (SELECT verdict_id FROM batch_verdicts)")) {
                    rs.next();
                    seenBefore = rs.getLong(1) > 0;
                }
                if (seenBefore) {
                    for (String table : List.of("verdicts", "verdict_reasons", "verdict_changes", "verdict_checks")) {
                        s.execute("DELETE FROM " + table + " WHERE verdict_id IN (SELECT verdict_id FROM batch_verdicts)");
                    }
                }
                deleted = System.nanoTime();
                appendVerdicts(lastVerdicts);
                appended = System.nanoTime();
                s.execute("DELETE FROM deploys WHERE deploy_id IN (SELECT deploy_id FROM batch_verdicts)");
                s.execute(DERIVE_DEPLOYS);
                derived = System.nanoTime();
            }
            if (!lastActions.isEmpty()) {
                s.execute("DELETE FROM batch_actions");
                try (DuckDBAppender ids = appender("temp", "batch_actions")) {
                    for (ActionRow row : lastActions) {
                        ids.beginRow().append(row.action().actionId()).append(row.action().phase().name()).endRow();
                    }
                }
                s.execute("DELETE FROM actions a USING batch_actions b "
                        + "WHERE a.action_id = b.action_id AND a.phase = b.phase");
                try (DuckDBAppender a = appender("main", "actions")) {
                    for (ActionRow row : lastActions) {
                        appendAction(a, row);
                    }
                }
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
            long beforeCommit = System.nanoTime();
            if (commit) {
                connection.commit();
                connection.setAutoCommit(true);
            }
            if (LOG.isDebugEnabled() && !lastVerdicts.isEmpty()) {
                long now = System.nanoTime();
                LOG.debug("report: {} verdicts: looked for earlier ones {} ms, appended {} ms, derived deploys {} ms, "
                                + "actions and offsets {} ms, committed {} ms", lastVerdicts.size(),
                        (deleted - started) / 1_000_000, (appended - deleted) / 1_000_000,
                        (derived - appended) / 1_000_000, (beforeCommit - derived) / 1_000_000,
                        (now - beforeCommit) / 1_000_000);
            }
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
                connection.setAutoCommit(true);
            } catch (SQLException | RuntimeException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
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

    /** Appends the verdicts' rows to the four verdict tables (in the open transaction). */
    private void appendVerdicts(List<VerdictRow> verdicts) throws SQLException {
        try (DuckDBAppender v = appender("main", "verdicts"); DuckDBAppender reasons = appender("main", "verdict_reasons");
             DuckDBAppender changes = appender("main", "verdict_changes");
             DuckDBAppender checks = appender("main", "verdict_checks")) {
            for (VerdictRow row : verdicts) {
                appendVerdict(v, row);
                Verdict verdict = row.verdict();
                for (int i = 0; i < verdict.reasons().size(); i++) {
                    Verdict.Reason r = verdict.reasons().get(i);
                    reasons.beginRow().append(verdict.verdictId()).append(verdict.deployId()).append(i)
                            .append(r.code() == null ? "" : r.code().name()).append(r.detail()).endRow();
                }
                for (int i = 0; i < verdict.changes().size(); i++) {
                    Verdict.ChangeSummary c = verdict.changes().get(i);
                    changes.beginRow().append(verdict.verdictId()).append(verdict.deployId()).append(i)
                            .append(c.id()).append(c.title()).append(c.url()).append(c.author())
                            .append(c.approvers()).append(c.headSha()).append(c.mergeSha()).endRow();
                }
                for (int i = 0; i < verdict.ci().size(); i++) {
                    Verdict.CheckSummary c = verdict.ci().get(i);
                    checks.beginRow().append(verdict.verdictId()).append(verdict.deployId()).append(i)
                            .append(c.name()).append(c.conclusion()).append(c.sha()).append(c.url()).endRow();
                }
            }
        }
    }

    /** An appender to a table of the database ({@code main}) or to one of this connection's ({@code temp}). */
    private DuckDBAppender appender(String catalog, String table) throws SQLException {
        return catalog.equals("temp") ? connection.createAppender("temp", "main", table) : connection.createAppender(table);
    }

    private static void appendVerdict(DuckDBAppender a, VerdictRow row) throws SQLException {
        Verdict v = row.verdict();
        Verdict.Decision d = v.decision();
        a.beginRow()
                .append(v.verdictId()).append(v.deployId()).append(v.revision()).append(v.schema())
                .append(v.status().name())
                .append(v.reasons().stream().map(r -> r.code() == null ? "" : r.code().name()).toList())
                .append(v.repository()).append(v.service()).append(v.environment()).append(v.team())
                .append(v.sha()).append(v.previousSha()).append(v.deployer()).append(v.url());
        time(a, v.deployedAt());
        time(a, v.decidedAt());
        time(a, v.deadline());
        a.append(v.policy() == null ? null : v.policy().name())
                .append(v.policy() == null ? null : v.policy().version())
                .append(d == null ? null : d.isProtected())
                .append(d == null ? null : d.action())
                .append(d == null ? null : d.dryRun())
                .append(deployerAuthored(v))
                .append(v.evidence())
                .append(row.rawJson()).append(row.partition()).append(row.offset())
                .endRow();
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
