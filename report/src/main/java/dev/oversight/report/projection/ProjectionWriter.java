package dev.oversight.report.projection;

import dev.oversight.events.Action;
import dev.oversight.events.Verdict;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
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
 * <p>How a batch is written, so that catching up is fast and its cost does not grow with the table: the batch's
 * verdict and action rows are appended with DuckDB's appender straight into the tables (the appender writes in its
 * connection's transaction), each verdict row numbered in the order written ({@code projection_seq}); the rows of
 * the verdicts' lists (reasons, changes, checks) are made by DuckDB from the verdicts' JSON once a transaction, just
 * before it commits; the {@code deploys} row of every deploy the batch touched is made again. Usually a batch brings
 * only revisions later than any the projection holds of their deploys (one look at {@code deploys} tells, with the
 * batch's deploy ids staged in a small TEMP table): each such row is then merged from the deploy's stored row and the
 * batch's own rows, found by their numbers, so neither step reads all of {@code verdicts}. Otherwise (a verdict read
 * again keeps its id, or revisions came out of order) the ids of the batch's verdicts are staged, rows of the tables
 * with one of those ids are deleted, and the touched deploys' rows are derived again from all their revisions. A
 * verdict that appears twice is therefore one row, the last one read, and a deploy's row is the same either way.
 */
final class ProjectionWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProjectionWriter.class);

    /**
     * A verdict as read (its record's value, UTF-8), with where it was read, and whether DuckDB reads its lists from
     * that JSON as it was read ({@link ListsJson}).
     */
    record VerdictRow(Verdict verdict, byte[] rawJson, int partition, long offset, boolean listsReadAlike) {

        /** A verdict whose JSON is read again to tell whether DuckDB reads its lists alike (tests, benchmarks). */
        VerdictRow(Verdict verdict, byte[] rawJson, int partition, long offset) {
            this(verdict, rawJson, partition, offset, ListsJson.read(rawJson).listsReadAlike());
        }
    }

    /** An action as read (its record's value, UTF-8), with where it was read. */
    record ActionRow(Action action, byte[] rawJson, int partition, long offset) {}

    /**
     * A batch ready to be written ({@link #prepare}): the last of each verdict and of each action phase read, in the
     * order read, and the first revision of each deploy among the verdicts — or null when a verdict's id is not its
     * deploy's id and revision, so that only looking the ids up tells whether it was read before.
     */
    record Rows(List<VerdictRow> verdicts, List<ActionRow> actions, Map<String, Integer> firstRevisions) {}

    /** What the revisions of a deploy say, aggregated over them (grouped by {@code deploy_id}). */
    private static final String HISTORY = """
                       max(revision) AS revision,
                       count(*) AS revisions,
                       min(decided_at) AS first_decided_at,
                       arg_min(status, revision) FILTER (WHERE status IN ('VIOLATION', 'EXCEPTION')) AS flagged_status,
                       min(decided_at) FILTER (WHERE status IN ('VIOLATION', 'EXCEPTION')) AS flagged_at,
                       min(decided_at) FILTER (WHERE status = 'REMEDIATED') AS remediated_at,
                       max(deadline) AS deadline,
                       bool_or(status = 'EXCEPTION' OR list_contains(reason_codes, 'BREAK_GLASS')) AS break_glass,
                       bool_or(list_contains(reason_codes, 'BREAK_GLASS_EXPIRED')) AS break_glass_expired
            """;

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
                SELECT deploy_id, list_sort(list_distinct(flatten(list(reason_codes)))) AS all_reason_codes, """
            + HISTORY + """
                FROM verdicts
                WHERE deploy_id IN (SELECT deploy_id FROM batch_verdicts)
                GROUP BY deploy_id) h
              ON v.deploy_id = h.deploy_id AND v.revision = h.revision
            """;

    /**
     * Makes the {@code deploys} row of every deploy of the batch (whose rows are those numbered from the parameter on,
     * and are all later revisions than the deploy's stored row has) by merging its stored row, if any, with the
     * batch's rows — what {@link #DERIVE_DEPLOYS} would derive from all its revisions. Only the batch's rows of
     * {@code verdicts} are read: their numbers are above every earlier row's, so DuckDB skips the row groups before.
     */
    private static final String MERGE_DEPLOYS = """
            INSERT INTO batch_derived BY NAME
            WITH h AS (
                SELECT deploy_id, flatten(list(reason_codes)) AS reason_codes, """
            + HISTORY + """
                FROM verdicts
                WHERE projection_seq >= $1
                GROUP BY deploy_id)
            SELECT v.deploy_id, v.verdict_id, v.revision, h.revisions + coalesce(d.revisions, 0) AS revisions,
                   v.status, v.reason_codes,
                   list_sort(list_distinct(list_concat(h.reason_codes, coalesce(d.all_reason_codes, [])))) AS all_reason_codes,
                   v.repository, v.service, v.environment, v.team, v.sha, v.previous_sha, v.deployer, v.url,
                   v.deployed_at, v.decided_at, least(d.first_decided_at, h.first_decided_at) AS first_decided_at,
                   v.policy_name, v.policy_version, v.decision_protected, v.decision_action, v.decision_dry_run,
                   v.deployer_authored,
                   coalesce(d.flagged_status, h.flagged_status) AS flagged_status,
                   least(d.flagged_at, h.flagged_at) AS flagged_at,
                   least(d.remediated_at, h.remediated_at) AS remediated_at,
                   greatest(d.deadline, h.deadline) AS deadline,
                   coalesce(d.break_glass, false) OR h.break_glass AS break_glass,
                   coalesce(d.break_glass_expired, false) OR h.break_glass_expired AS break_glass_expired
            FROM h
            JOIN verdicts v ON v.deploy_id = h.deploy_id AND v.revision = h.revision AND v.projection_seq >= $1
            LEFT JOIN batch_stored d ON d.deploy_id = h.deploy_id
            """;

    /** The columns of a deploy's stored row that {@link #MERGE_DEPLOYS} merges with the batch's rows. */
    private static final String STORED = "d.deploy_id, d.revision, d.revisions, d.all_reason_codes, "
            + "d.first_decided_at, d.flagged_status, d.flagged_at, d.remediated_at, d.deadline, d.break_glass, "
            + "d.break_glass_expired";

    /**
     * Rows in a DuckDB row group: a transaction that appends at least as many rows to a table (and deletes none of
     * them) has them written compressed to the file as it goes; fewer go to the write-ahead log, to be compressed at
     * the next checkpoint.
     */
    static final int ROW_GROUP = 122_880;

    /**
     * The verdicts a catch-up's transaction takes before it commits: three row groups, so that its verdicts and the
     * rows of their changes and checks are written straight to the file, and there are fewer partial row groups (one
     * a table and transaction) and fewer logged rows (reasons, actions, {@code deploys}) to compress at a checkpoint.
     * Measured against one row group in report/README.md, "Performance".
     */
    static final int CATCH_UP_VERDICTS = 3 * ROW_GROUP;

    private final DuckDBConnection connection;
    /** The number the next verdict row written gets ({@code projection_seq}). */
    private long nextSeq;
    /** The number of the first verdict row the open transaction wrote, whose lists are still to make; -1: none. */
    private long listsFrom = -1;
    /** Whether the open transaction appended the lists of a verdict as parsed (its number is in batch_as_parsed). */
    private boolean listsAppended;
    /** Batches whose deploys were merged, and those derived again from all revisions (for the tests). */
    private long merged;
    private long derivedAgain;

    ProjectionWriter(ReportDatabase database) throws SQLException {
        this.connection = database.writer();
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TEMP TABLE batch_verdicts (verdict_id VARCHAR NOT NULL, deploy_id VARCHAR NOT NULL)");
            s.execute("CREATE TEMP TABLE batch_deploys (deploy_id VARCHAR NOT NULL, first_revision INTEGER NOT NULL)");
            s.execute("CREATE TEMP TABLE batch_derived AS SELECT * FROM deploys LIMIT 0");
            s.execute("CREATE TEMP TABLE batch_stored AS SELECT 0::BIGINT AS stored_rowid, 0 AS first_revision, "
                    + STORED + " FROM deploys d LIMIT 0");
            s.execute("CREATE TEMP TABLE batch_actions (action_id VARCHAR NOT NULL, phase VARCHAR NOT NULL)");
            s.execute("CREATE TEMP TABLE batch_as_parsed (projection_seq BIGINT NOT NULL)");
            try (ResultSet rs = s.executeQuery("SELECT coalesce(max(projection_seq), 0) + 1 FROM verdicts")) {
                rs.next();
                nextSeq = rs.getLong(1);
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
     * Writes the rows and the offsets reached, all or nothing, and commits them.
     *
     * @param nextOffsets for each partition, the offset of the next record to read
     */
    void write(List<VerdictRow> verdicts, List<ActionRow> actions, Map<TopicPartition, Long> nextOffsets)
            throws SQLException {
        write(verdicts, actions, nextOffsets, true);
    }

    void write(List<VerdictRow> verdicts, List<ActionRow> actions, Map<TopicPartition, Long> nextOffsets,
               boolean commit) throws SQLException {
        write(prepare(verdicts, actions), nextOffsets, commit);
    }

    /** Makes a batch ready to be written, without the database (the projection does it while the last is written). */
    static Rows prepare(List<VerdictRow> verdicts, List<ActionRow> actions) {
        List<VerdictRow> lastVerdicts = lastOfEachVerdict(verdicts);
        Map<String, Integer> firstRevisions = new LinkedHashMap<>();
        for (VerdictRow row : lastVerdicts) {
            Verdict v = row.verdict();
            if (!isDeployAndRevision(v.verdictId(), v.deployId(), v.revision())) {
                firstRevisions = null;
                break;
            }
            firstRevisions.merge(v.deployId(), v.revision(), Math::min);
        }
        return new Rows(lastVerdicts, lastOfEachAction(actions), firstRevisions);
    }

    /** Whether {@code verdictId} is {@code <deployId>@<revision>}. */
    static boolean isDeployAndRevision(String verdictId, String deployId, int revision) {
        int at = deployId.length();
        return verdictId.length() > at + 1 && verdictId.startsWith(deployId) && verdictId.charAt(at) == '@'
                && verdictId.substring(at + 1).equals(Integer.toString(revision));
    }

    /**
     * Writes the rows and the offsets reached in the open transaction (opening one if none is), and commits it —
     * with every batch written in it since the last commit — when {@code commit} is true. A catch-up commits once it
     * has written {@link #CATCH_UP_VERDICTS}: DuckDB then writes whole compressed row groups straight to the file
     * instead of logging each batch and compressing it again at a checkpoint. Whatever fails rolls back the whole
     * transaction, offsets included.
     *
     * @param nextOffsets for each partition, the offset of the next record to read
     */
    void write(Rows rows, Map<TopicPartition, Long> nextOffsets, boolean commit) throws SQLException {
        List<VerdictRow> lastVerdicts = rows.verdicts();
        List<ActionRow> lastActions = rows.actions();
        long started = System.nanoTime();
        long deleted = started;
        long appended = started;
        long derived = started;
        if (connection.getAutoCommit()) {
            connection.setAutoCommit(false);
        }
        try (Statement s = connection.createStatement()) {
            if (!lastVerdicts.isEmpty()) {
                boolean merge = onlyLaterRevisions(s, rows.firstRevisions());
                if (!merge) {
                    deleteReadBefore(s, lastVerdicts);
                }
                deleted = System.nanoTime();
                long firstSeq = nextSeq;
                appendVerdicts(lastVerdicts);
                appended = System.nanoTime();
                if (merge) {
                    mergeDeploys(s, firstSeq);
                } else {
                    s.execute("DELETE FROM deploys WHERE deploy_id IN (SELECT deploy_id FROM batch_verdicts)");
                    s.execute(DERIVE_DEPLOYS);
                    derivedAgain++;
                }
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
            long beforeLists = System.nanoTime();
            long beforeCommit = beforeLists;
            if (commit) {
                makeLists();
                beforeCommit = System.nanoTime();
                connection.commit();
                connection.setAutoCommit(true);
            }
            if (LOG.isDebugEnabled() && !lastVerdicts.isEmpty()) {
                long now = System.nanoTime();
                LOG.debug("report: {} verdicts: looked for earlier ones {} ms, appended {} ms, derived deploys {} ms, "
                                + "actions and offsets {} ms, lists {} ms, committed {} ms", lastVerdicts.size(),
                        (deleted - started) / 1_000_000, (appended - deleted) / 1_000_000,
                        (derived - appended) / 1_000_000, (beforeLists - derived) / 1_000_000,
                        (beforeCommit - beforeLists) / 1_000_000, (now - beforeCommit) / 1_000_000);
            }
        } catch (SQLException | RuntimeException e) {
            clearLists();
            try {
                connection.rollback();
                connection.setAutoCommit(true);
            } catch (SQLException | RuntimeException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        }
    }

    /**
     * Whether every verdict of the batch is a later revision of its deploy than any the projection holds: then none of
     * them was read before (a verdict's id is its deploy's id and its revision), and each deploy's row can be merged.
     * Stages the batch's deploy ids with their first revision in {@code batch_deploys}, and copies the stored rows of
     * those deploys to {@code batch_stored} (in the open transaction).
     */
    private boolean onlyLaterRevisions(Statement s, Map<String, Integer> firstRevisions) throws SQLException {
        if (firstRevisions == null) {
            return false;
        }
        s.execute("DELETE FROM batch_deploys");
        try (DuckDBAppender a = appender("temp", "batch_deploys")) {
            for (Map.Entry<String, Integer> e : firstRevisions.entrySet()) {
                a.beginRow().append(e.getKey()).append(e.getValue().intValue()).endRow();
            }
        }
        s.execute("DELETE FROM batch_stored");
        s.execute("INSERT INTO batch_stored SELECT d.rowid, b.first_revision, " + STORED
                + " FROM deploys d JOIN batch_deploys b ON d.deploy_id = b.deploy_id");
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM batch_stored WHERE revision >= first_revision")) {
            rs.next();
            return rs.getLong(1) == 0;
        }
    }

    /**
     * Stages the ids of the batch's verdicts in {@code batch_verdicts} and deletes the rows of the four verdict tables
     * that hold one of them (in the open transaction): a verdict read again replaces its rows.
     */
    private void deleteReadBefore(Statement s, List<VerdictRow> verdicts) throws SQLException {
        s.execute("DELETE FROM batch_verdicts");
        try (DuckDBAppender ids = appender("temp", "batch_verdicts")) {
            for (VerdictRow row : verdicts) {
                ids.beginRow().append(row.verdict().verdictId()).append(row.verdict().deployId()).endRow();
            }
        }
        // Mostly the ids are new even here: one look tells whether there is anything to delete.
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM verdicts "
                + "WHERE verdict_id IN (SELECT verdict_id FROM batch_verdicts)")) {
            rs.next();
            if (rs.getLong(1) == 0) {
                return;
            }
        }
        for (String table : List.of("verdicts", "verdict_reasons", "verdict_changes", "verdict_checks")) {
            s.execute("DELETE FROM " + table + " WHERE verdict_id IN (SELECT verdict_id FROM batch_verdicts)");
        }
    }

    /**
     * Replaces the {@code deploys} row of each deploy of the batch (its verdict rows numbered from {@code firstSeq} on)
     * with its stored row merged with the batch's rows ({@link #MERGE_DEPLOYS}). The stored rows are deleted by their
     * row ids, given as a list of numbers: DuckDB then deletes just those rows, where a join on the deploy ids scans
     * the table (2–3 against 10 ms at 450,000 deploys).
     */
    private void mergeDeploys(Statement s, long firstSeq) throws SQLException {
        s.execute("DELETE FROM batch_derived");
        try (PreparedStatement merge = connection.prepareStatement(MERGE_DEPLOYS)) {
            merge.setLong(1, firstSeq);
            merge.execute();
        }
        StringBuilder rowids = new StringBuilder();
        try (ResultSet rs = s.executeQuery("SELECT stored_rowid FROM batch_stored")) {
            while (rs.next()) {
                rowids.append(rowids.isEmpty() ? "" : ", ").append(rs.getLong(1));
            }
        }
        if (!rowids.isEmpty()) {
            s.execute("DELETE FROM deploys WHERE rowid IN (" + rowids + ")");
        }
        s.execute("INSERT INTO deploys SELECT * FROM batch_derived");
        merged++;
    }

    /** How many batches had their deploys' rows merged, and how many derived again from all revisions. */
    long[] deployRowsMergedAndDerived() {
        return new long[] {merged, derivedAgain};
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

    /**
     * The rows of the three tables of a verdict's lists (its reasons, changes and checks, each in order), made by
     * DuckDB from the JSON of the verdict rows numbered from the parameter on: the text the verdict was parsed from,
     * so the rows say what it says, and their strings do not pass one by one from Java to DuckDB (the appender's
     * costliest part: 18 against 6–7 µs a verdict for these rows, measured alone).
     */
    private static final List<String> VERDICT_LISTS = List.of("""
            INSERT INTO verdict_reasons
            SELECT verdict_id, deploy_id, generate_subscripts(j.reasons, 1) - 1, coalesce(unnest(j.reasons).code, ''),
                   unnest(j.reasons).detail
            FROM (SELECT verdict_id, deploy_id,
                         from_json(raw_json, '{"reasons": [{"code": "VARCHAR", "detail": "VARCHAR"}]}') AS j
                  FROM verdicts WHERE projection_seq >= $1 /*asParsed*/)
            """, """
            INSERT INTO verdict_changes
            SELECT verdict_id, deploy_id, position, c.id, c.title, c.url, c.author,
                   coalesce(c.approvers, []::VARCHAR[]), c.headSha, c.mergeSha
            FROM (SELECT verdict_id, deploy_id, generate_subscripts(j.changes, 1) - 1 AS position,
                         unnest(j.changes) AS c
                  FROM (SELECT verdict_id, deploy_id, from_json(raw_json, '{"changes": [{"id": "VARCHAR",
                          "title": "VARCHAR", "url": "VARCHAR", "author": "VARCHAR", "approvers": ["VARCHAR"],
                          "headSha": "VARCHAR", "mergeSha": "VARCHAR"}]}') AS j
                        FROM verdicts WHERE projection_seq >= $1 /*asParsed*/))
            """, """
            INSERT INTO verdict_checks
            SELECT verdict_id, deploy_id, position, c.name, c.conclusion, c.sha, c.url
            FROM (SELECT verdict_id, deploy_id, generate_subscripts(j.ci, 1) - 1 AS position, unnest(j.ci) AS c
                  FROM (SELECT verdict_id, deploy_id, from_json(raw_json, '{"ci": [{"name": "VARCHAR",
                          "conclusion": "VARCHAR", "sha": "VARCHAR", "url": "VARCHAR"}]}') AS j
                        FROM verdicts WHERE projection_seq >= $1 /*asParsed*/))
            """);

    /**
     * Appends the verdicts' rows to {@code verdicts} (in the open transaction), each numbered in turn; the rows of
     * their lists are made before the transaction commits ({@link #makeLists}), but for the verdicts whose lists
     * DuckDB would not read from their JSON as they were parsed ({@link ListsJson}): theirs are appended here, from
     * the parsed verdict, and their numbers staged in {@code batch_as_parsed}.
     */
    private void appendVerdicts(List<VerdictRow> verdicts) throws SQLException {
        if (listsFrom < 0) {
            listsFrom = nextSeq;
        }
        long firstSeq = nextSeq;
        try (DuckDBAppender v = appender("main", "verdicts")) {
            for (VerdictRow row : verdicts) {
                appendVerdict(v, row, nextSeq++);
            }
        }
        if (verdicts.stream().allMatch(VerdictRow::listsReadAlike)) {
            return;
        }
        try (DuckDBAppender reasons = appender("main", "verdict_reasons");
             DuckDBAppender changes = appender("main", "verdict_changes");
             DuckDBAppender checks = appender("main", "verdict_checks");
             DuckDBAppender asParsed = appender("temp", "batch_as_parsed")) {
            for (int i = 0; i < verdicts.size(); i++) {
                if (!verdicts.get(i).listsReadAlike()) {
                    appendLists(reasons, changes, checks, verdicts.get(i).verdict());
                    asParsed.beginRow().append(firstSeq + i).endRow();
                }
            }
        }
        listsAppended = true;
    }

    private static void appendLists(DuckDBAppender reasons, DuckDBAppender changes, DuckDBAppender checks,
                                    Verdict verdict) throws SQLException {
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

    /**
     * Makes the rows of the lists of every verdict the open transaction wrote ({@link #VERDICT_LISTS}) but those
     * appended as parsed: once a transaction, each table's in one statement over all its verdict rows (a catch-up's
     * transaction holds row groups of them, which DuckDB then writes straight to the file). A verdict written twice
     * in the transaction had its first row deleted, so its lists are those of its last reading only.
     */
    private void makeLists() throws SQLException {
        if (listsFrom < 0) {
            return;
        }
        String asParsed = listsAppended
                ? "AND projection_seq NOT IN (SELECT projection_seq FROM batch_as_parsed)" : "";
        for (String sql : VERDICT_LISTS) {
            try (PreparedStatement lists = connection.prepareStatement(sql.replace("/*asParsed*/", asParsed))) {
                lists.setLong(1, listsFrom);
                lists.execute();
            }
        }
        if (listsAppended) {
            try (Statement s = connection.createStatement()) {
                s.execute("DELETE FROM batch_as_parsed");
            }
        }
        clearLists();
    }

    /** After a commit or a rollback (which takes back what the transaction staged in batch_as_parsed). */
    private void clearLists() {
        listsFrom = -1;
        listsAppended = false;
    }

    /** An appender to a table of the database ({@code main}) or to one of this connection's ({@code temp}). */
    private DuckDBAppender appender(String catalog, String table) throws SQLException {
        return catalog.equals("temp") ? connection.createAppender("temp", "main", table) : connection.createAppender(table);
    }

    private static void appendVerdict(DuckDBAppender a, VerdictRow row, long seq) throws SQLException {
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
                .append(seq)
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
            a.appendEpochMicros(Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000));
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
