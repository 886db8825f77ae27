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
 */
final class ProjectionWriter implements AutoCloseable {

    /** A verdict as read, with where it was read. */
    record VerdictRow(Verdict verdict, String rawJson, int partition, long offset) {}

    /** An action as read, with where it was read. */
    record ActionRow(Action action, String rawJson, int partition, long offset) {}

    private static final List<String> STAGED = List.of("verdicts", "verdict_reasons", "verdict_changes",
            "verdict_checks", "actions");

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
                WHERE deploy_id IN (SELECT deploy_id FROM stage_verdicts)
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
                // Mostly the ids are new: one look tells whether there is anything to delete in the four tables.
                boolean seenBefore;
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM verdicts "
                        + "WHERE verdict_id IN (SELECT verdict_id FROM stage_verdicts)")) {
                    rs.next();
                    seenBefore = rs.getLong(1) > 0;
                }
                for (String table : List.of("verdicts", "verdict_reasons", "verdict_changes", "verdict_checks")) {
                    if (seenBefore) {
                        s.execute("DELETE FROM " + table + " WHERE verdict_id IN (SELECT verdict_id FROM stage_verdicts)");
                    }
                    s.execute("INSERT INTO " + table + " SELECT * FROM stage_" + table);
                }
                s.execute("DELETE FROM deploys WHERE deploy_id IN (SELECT deploy_id FROM stage_verdicts)");
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
        }
        try (DuckDBAppender v = appender("verdicts"); DuckDBAppender reasons = appender("verdict_reasons");
             DuckDBAppender changes = appender("verdict_changes"); DuckDBAppender checks = appender("verdict_checks")) {
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
            v.flush();
            reasons.flush();
            changes.flush();
            checks.flush();
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
