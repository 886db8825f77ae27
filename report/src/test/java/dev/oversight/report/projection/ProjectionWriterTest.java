package dev.oversight.report.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.events.Verdict;
import dev.oversight.events.json.Json;
import dev.oversight.report.Samples;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every column the writer stores for a verdict — its row, its reasons, changes and checks — is the verdict's own
 * value, for generated verdicts of every shape (schema 1 and 2, with and without a decision, a deadline, a reason's
 * unknown code, no changes).
 */
class ProjectionWriterTest {

    @TempDir
    Path dir;

    @Test
    void eachVerdictIsStoredColumnByColumnAsItWasRead() throws Exception {
        Samples samples = new Samples(77, Instant.parse("2026-06-01T08:00:00Z"));
        List<Verdict> verdicts = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            verdicts.addAll(samples.next().verdicts());
        }
        // Times with nanoseconds are stored to the microsecond; a reason whose code is null is kept, as the empty code.
        Verdict first = verdicts.get(0);
        verdicts.add(new Verdict(first.schema(), first.deployId() + "-odd@1", 1, first.deployId() + "-odd",
                first.repository(), first.service(), first.environment(), first.sha(), null, first.status(),
                List.of(new Verdict.Reason(null, "a code this version does not know")), List.of(), List.of(),
                null, Instant.parse("2026-06-01T08:00:00.123456789Z"), null, null, null, null, null, List.of(), null));
        List<ProjectionWriter.VerdictRow> rows = new ArrayList<>();
        for (int i = 0; i < verdicts.size(); i++) {
            rows.add(new ProjectionWriter.VerdictRow(verdicts.get(i), Json.toBytes(verdicts.get(i)), i % 3, i));
        }
        try (ReportDatabase db = ReportDatabase.open(dir.resolve("report.duckdb"));
             ProjectionWriter writer = new ProjectionWriter(db)) {
            writer.write(rows.subList(0, 200), List.of(), Map.of(new TopicPartition("verdicts", 0), 200L));
            writer.write(rows.subList(200, rows.size()), List.of(), Map.of(new TopicPartition("verdicts", 0), 400L));
            checkEach(db, rows);
            assertThat(db.count("verdicts")).isEqualTo(rows.size());
        }
    }

    /**
     * The rows of a verdict's lists (reasons, changes, checks) are made by DuckDB from the verdict's JSON as it was
     * read, and are what the verdict parsed from that JSON says: texts with quotes, backslashes, line breaks, escapes
     * and characters beyond ASCII; fields left out, null or empty; several changes and checks in their order; fields
     * this version does not know, even one holding a "changes" of its own; lists left out or null.
     */
    @Test
    void theListsOfAVerdictAreWhatItsJsonSays() throws Exception {
        List<String> texts = List.of("""
                {"schema": 2, "verdictId": "github:acme/x/deployments/9@1", "revision": 1,
                 "deployId": "github:acme/x/deployments/9", "status": "VIOLATION",
                 "reasons": [{"code": "NO_APPROVAL", "detail": "no approval by \\"anyone\\""},
                             {"detail": "a code left out"}, {"code": null, "detail": null}],
                 "changes": [{"id": "github:acme/x#1", "title": "Fix \\"quoted\\" C:\\\\path\\nsecond line — ünïcødé 🚀",
                              "author": "dev1", "approvers": ["reviewer\\u00e9", "r2"]},
                             {"id": "github:acme/x#2", "approvers": [], "headSha": "abc", "mergeSha": null,
                              "url": "https://example.test/2", "title": "", "author": "Dev1",
                              "somethingNew": {"changes": [{"id": "not a change"}]}},
                             {"id": "github:acme/x#3", "approvers": null}, {}],
                 "ci": [{"name": "build", "conclusion": "success"},
                        {"name": "test \\u00e9", "conclusion": "failure", "sha": "def", "url": "https://ci.test/1"}],
                 "unknown": {"changes": [{"id": "decoy"}], "ci": [{"name": "decoy"}]},
                 "evidence": ["delivery-1"]}
                """, """
                {"schema": 1, "verdictId": "github:acme/x/deployments/10@1", "revision": 1,
                 "deployId": "github:acme/x/deployments/10", "status": "PENDING"}
                """, """
                {"deployId": "github:acme/x/deployments/11", "verdictId": "github:acme/x/deployments/11@2",
                 "revision": 2, "schema": 2, "status": "COMPLIANT", "reasons": null, "changes": null, "ci": [],
                 "evidence": []}
                """);
        List<ProjectionWriter.VerdictRow> rows = new ArrayList<>();
        for (String text : texts) {
            byte[] raw = text.getBytes(StandardCharsets.UTF_8);
            rows.add(new ProjectionWriter.VerdictRow(Json.fromBytes(raw, Verdict.class), raw, 0, rows.size()));
        }
        assertThat(rows).allMatch(ProjectionWriter.VerdictRow::listsReadAlike);
        assertThat(rows.get(0).verdict().changes()).hasSize(4);
        assertThat(rows.get(0).verdict().changes().get(0).title()).contains("\"quoted\"", "\n", "🚀");
        try (ReportDatabase db = ReportDatabase.open(dir.resolve("report.duckdb"));
             ProjectionWriter writer = new ProjectionWriter(db)) {
            writer.write(rows, List.of(), Map.of(new TopicPartition("verdicts", 0), 3L));
            checkEach(db, rows);
            assertThat(db.count("verdict_reasons")).isEqualTo(3);
            assertThat(db.count("verdict_changes")).isEqualTo(4);
            assertThat(db.count("verdict_checks")).isEqualTo(2);
        }
    }

    /**
     * JSON that the verdict's parser reads but DuckDB would read otherwise, or refuse: each such verdict's lists are
     * appended as parsed, and the batch is written whole, beside verdicts whose lists are made from their JSON. What
     * policy-stream writes is always made from the JSON.
     */
    @Test
    void jsonDuckDbWouldReadOtherwiseHasItsListsAppendedAsParsed() throws Exception {
        String plain = """
                {"schema": 2, "verdictId": "d%1$d@1", "revision": 1, "deployId": "d%1$d", "status": "VIOLATION",
                 "reasons": [{"code": "NO_APPROVAL", "detail": "first"}],
                 "changes": [{"id": "c%1$d", "title": "%2$s", "approvers": ["r1"]}],
                 "ci": [{"name": "build", "conclusion": "success"}]%3$s}""";
        List<byte[]> odd = List.of(
                ("\uFEFF" + plain.formatted(1, "a byte order mark first", "")).getBytes(StandardCharsets.UTF_8),
                (plain.formatted(2, "content after the document", "") + " trailing").getBytes(StandardCharsets.UTF_8),
                plain.formatted(3, "reasons twice", ", \"reasons\": [{\"code\": \"SELF_APPROVAL\"}]")
                        .getBytes(StandardCharsets.UTF_8),
                plain.formatted(4, "a number for a text", "").replace("\"c4\"", "1.50")
                        .getBytes(StandardCharsets.UTF_8),
                plain.formatted(5, "an approver that is a number", "").replace("[\"r1\"]", "[7]")
                        .getBytes(StandardCharsets.UTF_8),
                plain.formatted(6, "a lone surrogate elsewhere", ", \"note\": \"\\ud800\"")
                        .getBytes(StandardCharsets.UTF_8));
        List<ProjectionWriter.VerdictRow> rows = new ArrayList<>();
        for (byte[] raw : odd) {
            ListsJson.Read read = ListsJson.read(raw);
            assertThat(read.listsReadAlike()).as(new String(raw, StandardCharsets.UTF_8)).isFalse();
            assertThat(read.verdict()).isEqualTo(Json.fromBytes(raw, Verdict.class));
            rows.add(new ProjectionWriter.VerdictRow(read.verdict(), raw, 0, rows.size(), false));
        }
        assertThat(rows.get(2).verdict().reasons().get(0).code()).isEqualTo(dev.oversight.events.ReasonCode.SELF_APPROVAL);
        assertThat(rows.get(3).verdict().changes().get(0).id()).isEqualTo("1.50");
        byte[] fine = plain.formatted(7, "plain", "").getBytes(StandardCharsets.UTF_8);
        assertThat(ListsJson.read(fine).listsReadAlike()).isTrue();
        rows.add(new ProjectionWriter.VerdictRow(Json.fromBytes(fine, Verdict.class), fine, 0, rows.size()));
        Samples samples = new Samples(84, Instant.parse("2026-06-01T08:00:00Z"));
        for (int i = 0; i < 20; i++) {
            for (Verdict v : samples.next().verdicts()) {
                assertThat(ListsJson.read(Json.toBytes(v))).as(v.verdictId()).isEqualTo(new ListsJson.Read(v, true));
                rows.add(new ProjectionWriter.VerdictRow(v, Json.toBytes(v), 0, rows.size()));
            }
        }
        ProjectionWriter.Rows prepared = ProjectionWriter.prepare(rows, List.of());
        assertThat(prepared.verdicts().stream().filter(r -> !r.listsReadAlike()).count()).isEqualTo(odd.size());
        try (ReportDatabase db = ReportDatabase.open(dir.resolve("report.duckdb"));
             ProjectionWriter writer = new ProjectionWriter(db)) {
            writer.write(prepared, Map.of(new TopicPartition("verdicts", 0), (long) rows.size()), true);
            checkEach(db, rows);
            assertThat(db.count("verdicts")).isEqualTo(rows.size());
        }
    }

    /**
     * A verdict written twice in one transaction (as a catch-up may read a record again before it commits) keeps the
     * lists of its last reading only.
     */
    @Test
    void aVerdictWrittenTwiceInOneTransactionHasTheListsOfItsLastReading() throws Exception {
        Samples.Deploy deploy = new Samples(83, Instant.parse("2026-06-01T08:00:00Z")).next();
        Verdict v = deploy.verdicts().get(0);
        Verdict later = new Verdict(v.schema(), v.verdictId(), v.revision(), v.deployId(), v.repository(),
                v.service(), v.environment(), v.sha(), v.previousSha(), v.status(),
                List.of(new Verdict.Reason(dev.oversight.events.ReasonCode.NO_APPROVAL, "read again")),
                List.of(new Verdict.ChangeSummary("c1", "one", null, "dev9", List.of("r1"), "a", "b"),
                        new Verdict.ChangeSummary("c2", "two", null, "dev9", List.of(), "c", "d")),
                List.of(), v.policy(), v.decidedAt(), v.deployedAt(), v.deployer(), v.team(), v.url(), v.deadline(),
                v.evidence(), v.decision(), v.ledger());
        TopicPartition tp = new TopicPartition("verdicts", 0);
        try (ReportDatabase db = ReportDatabase.open(dir.resolve("report.duckdb"));
             ProjectionWriter writer = new ProjectionWriter(db)) {
            writer.write(List.of(new ProjectionWriter.VerdictRow(v, Json.toBytes(v), 0, 0)), List.of(),
                    Map.of(tp, 1L), false);
            ProjectionWriter.VerdictRow again = new ProjectionWriter.VerdictRow(later, Json.toBytes(later), 0, 1);
            writer.write(List.of(again), List.of(), Map.of(tp, 2L), true);
            try (Connection c = db.reader()) {
                check(c, again);
            }
            assertThat(db.count("verdicts")).isEqualTo(1);
            assertThat(db.count("verdict_reasons")).isEqualTo(1);
            assertThat(db.count("verdict_changes")).isEqualTo(2);
            assertThat(db.count("verdict_checks")).isZero();
        }
    }

    /**
     * The rows are appended straight into the tables inside the batch's transaction: a batch that fails part way
     * (here an action that breaks a NOT NULL column, appended after the verdicts) leaves none of its rows and not its
     * offsets, and a verdict written again replaces its row.
     */
    @Test
    void aBatchThatFailsLeavesNothingAndAVerdictWrittenAgainIsOneRow() throws Exception {
        Samples samples = new Samples(78, Instant.parse("2026-06-01T08:00:00Z"));
        List<ProjectionWriter.VerdictRow> first = new ArrayList<>();
        List<ProjectionWriter.VerdictRow> second = new ArrayList<>();
        while (second.size() < 50) {
            for (Verdict v : samples.next().verdicts()) {
                (first.size() < 50 ? first : second).add(new ProjectionWriter.VerdictRow(v, Json.toBytes(v), 0, 0));
            }
        }
        TopicPartition tp = new TopicPartition("verdicts", 0);
        try (ReportDatabase db = ReportDatabase.open(dir.resolve("report.duckdb"));
             ProjectionWriter writer = new ProjectionWriter(db)) {
            writer.write(first, List.of(), Map.of(tp, 50L));
            Samples.Deploy withAction;
            do {
                withAction = samples.next();
            } while (withAction.actions().isEmpty());
            ProjectionWriter.ActionRow broken = new ProjectionWriter.ActionRow(withAction.actions().get(0), null, 1, 0);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> writer.write(second, List.of(broken),
                    Map.of(tp, 100L))).isInstanceOf(java.sql.SQLException.class);
            assertThat(db.count("verdicts")).isEqualTo(first.size());
            assertThat(db.count("actions")).isZero();
            assertThat(writer.storedOffsets()).isEqualTo(Map.of(tp, 50L));

            // The first batch read again, each record now at another offset: still one row each, the one read last.
            List<ProjectionWriter.VerdictRow> again = first.stream()
                    .map(r -> new ProjectionWriter.VerdictRow(r.verdict(), r.rawJson(), 2, r.offset() + 1000)).toList();
            writer.write(again, List.of(), Map.of(tp, 150L));
            checkEach(db, again);
            assertThat(db.count("verdicts")).isEqualTo(first.size());
        }
    }

    /**
     * A deploy's row is merged from its stored row and the batch when the batch brings only later revisions, and
     * derived again from all its revisions otherwise: either way it is the same row. Reference: every verdict written,
     * then all written again (each one read before, so every row derived from all revisions); against batches of 7
     * in the topic's order (merged, also when several batches share one transaction, as while catching up), and
     * batches of 7 in a shuffled order, some verdicts twice (older revisions after newer ones: derived again).
     */
    @Test
    void eachDeployIsTheSameRowWhateverTheBatches() throws Exception {
        Samples samples = new Samples(79, Instant.parse("2026-06-01T08:00:00Z"));
        List<ProjectionWriter.VerdictRow> rows = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            for (Verdict v : samples.next().verdicts()) {
                rows.add(new ProjectionWriter.VerdictRow(v, Json.toBytes(v), 0, rows.size()));
            }
        }
        List<ProjectionWriter.VerdictRow> shuffled = new ArrayList<>(rows);
        shuffled.addAll(rows.subList(0, 40));
        java.util.Collections.shuffle(shuffled, new java.util.Random(79));
        List<List<Object>> reference = deploys(List.of(rows, rows), "reference", 1);
        assertThat(reference).hasSize(150);
        assertThat(mergedAndDerived).containsExactly(1L, 1L);
        List<List<ProjectionWriter.VerdictRow>> inOrder = batchesOf(rows, 7);
        assertThat(deploys(inOrder, "in-order", 1)).isEqualTo(reference);
        assertThat(mergedAndDerived).containsExactly((long) inOrder.size(), 0L);
        assertThat(deploys(inOrder, "in-order-transactions", 5)).isEqualTo(reference);
        assertThat(mergedAndDerived).containsExactly((long) inOrder.size(), 0L);
        assertThat(deploys(batchesOf(shuffled, 7), "shuffled", 1)).isEqualTo(reference);
        assertThat(mergedAndDerived[0]).isPositive();
        assertThat(mergedAndDerived[1]).isPositive();
    }

    /**
     * Only a verdict whose id is {@code <deployId>@<revision>} can be told new from its deploy's stored row; a batch
     * with any other id looks its ids up: written twice under the same id, such a verdict is one row, the last.
     */
    @Test
    void aVerdictWhoseIdIsNotItsDeployAndRevisionIsLookedUpById() throws Exception {
        assertThat(ProjectionWriter.isDeployAndRevision("github:a/b/deployments/7@2", "github:a/b/deployments/7", 2))
                .isTrue();
        for (String id : List.of("d@02", "d@2x", "e@2", "d@", "d2", "dd@2", "@2")) {
            assertThat(ProjectionWriter.isDeployAndRevision(id, "d", 2)).as(id).isFalse();
        }
        Verdict v = new Samples(82, Instant.parse("2026-06-01T08:00:00Z")).next().verdicts().get(0);
        Verdict first = withStatus(v, "custom-" + v.deployId(), dev.oversight.events.VerdictStatus.VIOLATION);
        Verdict again = withStatus(v, "custom-" + v.deployId(), dev.oversight.events.VerdictStatus.REMEDIATED);
        TopicPartition tp = new TopicPartition("verdicts", 0);
        try (ReportDatabase db = ReportDatabase.open(dir.resolve("custom.duckdb"));
             ProjectionWriter writer = new ProjectionWriter(db)) {
            writer.write(List.of(new ProjectionWriter.VerdictRow(first, Json.toBytes(first), 0, 0)), List.of(),
                    Map.of(tp, 1L));
            writer.write(List.of(new ProjectionWriter.VerdictRow(again, Json.toBytes(again), 0, 1)), List.of(),
                    Map.of(tp, 2L));
            assertThat(writer.deployRowsMergedAndDerived()).containsExactly(0L, 2L);
            assertThat(db.count("verdicts")).isEqualTo(1);
            try (Connection c = db.reader(); java.sql.Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT status, revisions, flagged_status FROM deploys")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("REMEDIATED");
                assertThat(rs.getInt(2)).isEqualTo(1);
                assertThat(rs.getString(3)).isNull();
                assertThat(rs.next()).isFalse();
            }
        }
    }

    private static Verdict withStatus(Verdict v, String verdictId, dev.oversight.events.VerdictStatus status) {
        return new Verdict(v.schema(), verdictId, v.revision(), v.deployId(), v.repository(), v.service(),
                v.environment(), v.sha(), v.previousSha(), status, v.reasons(), v.changes(), v.ci(), v.policy(),
                v.decidedAt(), v.deployedAt(), v.deployer(), v.team(), v.url(), v.deadline(), v.evidence(),
                v.decision(), v.ledger());
    }

    /**
     * A database made by a version of the report without {@code projection_seq} gets the column when opened; its rows
     * stay, and later revisions of its deploys are merged with them into the same rows as when written all at once.
     */
    @Test
    void aDatabaseMadeBeforeTheRowNumbersIsWrittenOn() throws Exception {
        Samples samples = new Samples(81, Instant.parse("2026-06-01T08:00:00Z"));
        List<ProjectionWriter.VerdictRow> rows = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            for (Verdict v : samples.next().verdicts()) {
                rows.add(new ProjectionWriter.VerdictRow(v, Json.toBytes(v), 0, rows.size()));
            }
        }
        List<List<Object>> reference = deploys(List.of(rows), "reference", 1);
        Path file = dir.resolve("older.duckdb");
        try (ReportDatabase db = ReportDatabase.open(file); ProjectionWriter writer = new ProjectionWriter(db)) {
            writer.write(rows.subList(0, 61), List.of(), Map.of(new TopicPartition("verdicts", 0), 61L));
        }
        try (Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath());
             java.sql.Statement s = c.createStatement()) {
            s.execute("ALTER TABLE verdicts DROP COLUMN projection_seq");
        }
        try (ReportDatabase db = ReportDatabase.open(file); ProjectionWriter writer = new ProjectionWriter(db)) {
            writer.write(rows.subList(61, rows.size()), List.of(),
                    Map.of(new TopicPartition("verdicts", 0), (long) rows.size()));
            assertThat(db.count("verdicts")).isEqualTo(rows.size());
            assertThat(deployRows(db)).isEqualTo(reference);
        }
    }

    /** Batches written without a commit (a catch-up's, until a row group) show to no reader until one is committed. */
    @Test
    void batchesOfOneTransactionShowOnlyOnceCommitted() throws Exception {
        Samples samples = new Samples(80, Instant.parse("2026-06-01T08:00:00Z"));
        List<ProjectionWriter.VerdictRow> rows = new ArrayList<>();
        while (rows.size() < 40) {
            for (Verdict v : samples.next().verdicts()) {
                rows.add(new ProjectionWriter.VerdictRow(v, Json.toBytes(v), 0, rows.size()));
            }
        }
        TopicPartition tp = new TopicPartition("verdicts", 0);
        try (ReportDatabase db = ReportDatabase.open(dir.resolve("report.duckdb"));
             ProjectionWriter writer = new ProjectionWriter(db)) {
            writer.write(rows.subList(0, 20), List.of(), Map.of(tp, 20L), false);
            assertThat(db.count("verdicts")).isZero();
            assertThat(db.count("consumed_offsets")).isZero();
            writer.write(rows.subList(20, rows.size()), List.of(), Map.of(tp, (long) rows.size()), true);
            assertThat(db.count("verdicts")).isEqualTo(rows.size());
            assertThat(writer.storedOffsets()).isEqualTo(Map.of(tp, (long) rows.size()));
        }
    }

    private static List<List<ProjectionWriter.VerdictRow>> batchesOf(List<ProjectionWriter.VerdictRow> rows, int size) {
        List<List<ProjectionWriter.VerdictRow>> batches = new ArrayList<>();
        for (int i = 0; i < rows.size(); i += size) {
            batches.add(rows.subList(i, Math.min(rows.size(), i + size)));
        }
        return batches;
    }

    /** How many batches the last {@link #deploys} merged, and how many it derived again. */
    private long[] mergedAndDerived;

    /**
     * The deploys table, every column, after writing the batches into a new database, committing every
     * {@code commitEvery} batches and after the last.
     */
    private List<List<Object>> deploys(List<List<ProjectionWriter.VerdictRow>> batches, String name, int commitEvery)
            throws Exception {
        try (ReportDatabase db = ReportDatabase.open(dir.resolve(name + ".duckdb"));
             ProjectionWriter writer = new ProjectionWriter(db)) {
            long offset = 0;
            for (int i = 0; i < batches.size(); i++) {
                offset += batches.get(i).size();
                boolean commit = (i + 1) % commitEvery == 0 || i == batches.size() - 1;
                writer.write(batches.get(i), List.of(), Map.of(new TopicPartition("verdicts", 0), offset), commit);
            }
            mergedAndDerived = writer.deployRowsMergedAndDerived();
            return deployRows(db);
        }
    }

    private static List<List<Object>> deployRows(ReportDatabase db) throws Exception {
        List<List<Object>> deploys = new ArrayList<>();
        try (Connection c = db.reader(); java.sql.Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM deploys ORDER BY deploy_id")) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    Object value = rs.getObject(i);
                    row.add(value instanceof Array a ? strings(a) : value);
                }
                deploys.add(row);
            }
        }
        return deploys;
    }

    private static void checkEach(ReportDatabase db, List<ProjectionWriter.VerdictRow> rows) throws Exception {
        try (Connection c = db.reader()) {
            for (ProjectionWriter.VerdictRow row : rows) {
                check(c, row);
            }
        }
    }

    private static void check(Connection c, ProjectionWriter.VerdictRow row) throws Exception {
        Verdict v = row.verdict();
        try (PreparedStatement s = c.prepareStatement("SELECT * FROM verdicts WHERE verdict_id = ?")) {
            s.setString(1, v.verdictId());
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).as(v.verdictId()).isTrue();
                assertThat(rs.getString("deploy_id")).isEqualTo(v.deployId());
                assertThat(rs.getInt("revision")).isEqualTo(v.revision());
                assertThat(rs.getInt("schema_version")).isEqualTo(v.schema());
                assertThat(rs.getString("status")).isEqualTo(v.status().name());
                assertThat(strings(rs.getArray("reason_codes"))).isEqualTo(v.reasons().stream()
                        .map(r -> r.code() == null ? "" : r.code().name()).toList());
                assertThat(rs.getString("repository")).isEqualTo(v.repository());
                assertThat(rs.getString("service")).isEqualTo(v.service());
                assertThat(rs.getString("environment")).isEqualTo(v.environment());
                assertThat(rs.getString("team")).isEqualTo(v.team());
                assertThat(rs.getString("sha")).isEqualTo(v.sha());
                assertThat(rs.getString("previous_sha")).isEqualTo(v.previousSha());
                assertThat(rs.getString("deployer")).isEqualTo(v.deployer());
                assertThat(rs.getString("url")).isEqualTo(v.url());
                assertThat(instant(rs.getTimestamp("deployed_at"))).isEqualTo(micros(v.deployedAt()));
                assertThat(instant(rs.getTimestamp("decided_at"))).isEqualTo(micros(v.decidedAt()));
                assertThat(instant(rs.getTimestamp("deadline"))).isEqualTo(micros(v.deadline()));
                assertThat(rs.getString("policy_name")).isEqualTo(v.policy() == null ? null : v.policy().name());
                assertThat(rs.getString("policy_version")).isEqualTo(v.policy() == null ? null : v.policy().version());
                Verdict.Decision d = v.decision();
                assertThat(rs.getObject("decision_protected")).isEqualTo(d == null ? null : d.isProtected());
                assertThat(rs.getString("decision_action")).isEqualTo(d == null ? null : d.action());
                assertThat(rs.getObject("decision_dry_run")).isEqualTo(d == null ? null : d.dryRun());
                assertThat(rs.getBoolean("deployer_authored")).isEqualTo(ProjectionWriter.deployerAuthored(v));
                assertThat(strings(rs.getArray("evidence"))).isEqualTo(v.evidence());
                assertThat(rs.getString("raw_json")).isEqualTo(new String(row.rawJson(), StandardCharsets.UTF_8));
                assertThat(rs.getInt("kafka_partition")).isEqualTo(row.partition());
                assertThat(rs.getLong("kafka_offset")).isEqualTo(row.offset());
                assertThat(rs.next()).isFalse();
            }
        }
        List<List<Object>> reasons = new ArrayList<>();
        for (int i = 0; i < v.reasons().size(); i++) {
            Verdict.Reason r = v.reasons().get(i);
            reasons.add(Arrays.asList(v.deployId(), i, r.code() == null ? "" : r.code().name(), r.detail()));
        }
        assertThat(rows(c, "SELECT deploy_id, position, code, detail FROM verdict_reasons WHERE verdict_id = ? "
                + "ORDER BY position", v.verdictId())).isEqualTo(reasons);
        List<List<Object>> changes = new ArrayList<>();
        for (int i = 0; i < v.changes().size(); i++) {
            Verdict.ChangeSummary ch = v.changes().get(i);
            changes.add(Arrays.asList(v.deployId(), i, ch.id(), ch.title(), ch.url(), ch.author(), ch.approvers(),
                    ch.headSha(), ch.mergeSha()));
        }
        assertThat(rows(c, "SELECT deploy_id, position, change_id, title, url, author, approvers, head_sha, merge_sha "
                + "FROM verdict_changes WHERE verdict_id = ? ORDER BY position", v.verdictId())).isEqualTo(changes);
        List<List<Object>> checks = new ArrayList<>();
        for (int i = 0; i < v.ci().size(); i++) {
            Verdict.CheckSummary ch = v.ci().get(i);
            checks.add(Arrays.asList(v.deployId(), i, ch.name(), ch.conclusion(), ch.sha(), ch.url()));
        }
        assertThat(rows(c, "SELECT deploy_id, position, name, conclusion, sha, url FROM verdict_checks "
                + "WHERE verdict_id = ? ORDER BY position", v.verdictId())).isEqualTo(checks);
    }

    private static List<List<Object>> rows(Connection c, String sql, String id) throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 1; i <= columns; i++) {
                        Object value = rs.getObject(i);
                        row.add(value instanceof Array a ? strings(a)
                                : value instanceof Number n && !(value instanceof Long) ? n.intValue() : value);
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    private static List<String> strings(Array array) throws Exception {
        return Arrays.stream((Object[]) array.getArray()).map(o -> (String) o).toList();
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toLocalDateTime().toInstant(ZoneOffset.UTC);
    }

    private static Instant micros(Instant at) {
        return at == null ? null : at.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }
}
