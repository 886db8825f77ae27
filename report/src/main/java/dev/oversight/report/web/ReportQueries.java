package dev.oversight.report.web;

import dev.oversight.report.projection.ReportDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every question the pages ask of the projection, as SQL over its tables (schema.sql). Lists come in pages; the
 * exports run the same query without one ({@link #deploysQuery}, {@link #exceptionsQuery}) through a cursor.
 */
public final class ReportQueries {

    /** A deploy counts as judged unless it is still PENDING or is a BASELINE (recorded, not judged). */
    static final String JUDGED = "d.status NOT IN ('PENDING', 'BASELINE')";

    /** The columns of the deploys list and its export. */
    private static final String DEPLOY_COLUMNS = """
            d.deploy_id, d.deployed_at, d.status, d.all_reason_codes AS reasons, d.service, d.team, d.environment,
            d.repository, d.sha, d.deployer, d.deployer_authored, d.decided_at, d.flagged_status, d.flagged_at,
            d.remediated_at, d.policy_name, d.policy_version, d.revision""";

    /**
     * The exceptions register: every deploy ever flagged (VIOLATION or EXCEPTION), with the actions taken on it and
     * its state: rolled-back (a rollback succeeded, not in dry-run), remediated (a later verdict made it good),
     * expired (a break-glass review missed its deadline, nothing since), else open.
     */
    private static final String REGISTER = """
            WITH acts AS (
                SELECT deploy_id,
                       count(*) FILTER (WHERE type = 'ALERT' AND phase = 'SUCCEEDED') AS alerts,
                       min(acted_at) FILTER (WHERE type = 'ROLLBACK' AND phase = 'SUCCEEDED' AND NOT dry_run)
                           AS rolled_back_at,
                       arg_max(phase || CASE WHEN dry_run THEN ' (dry run)' ELSE '' END, acted_at)
                           FILTER (WHERE type = 'ROLLBACK' AND phase <> 'REQUESTED') AS rollback
                FROM actions GROUP BY deploy_id),
            register AS (
                SELECT d.*, coalesce(a.alerts, 0) AS alerts, a.rolled_back_at, a.rollback,
                       CASE WHEN a.rolled_back_at IS NOT NULL THEN 'rolled-back'
                            WHEN d.remediated_at IS NOT NULL THEN 'remediated'
                            WHEN d.break_glass_expired THEN 'expired'
                            ELSE 'open' END AS state,
                       least(d.remediated_at, a.rolled_back_at) AS resolved_at
                FROM deploys d LEFT JOIN acts a USING (deploy_id)
                WHERE d.flagged_status IS NOT NULL)
            """;

    private static final String EXCEPTION_COLUMNS = """
            d.deploy_id, d.deployed_at, d.flagged_status, d.flagged_at, d.state, d.status, d.all_reason_codes AS reasons,
            d.team, d.service, d.environment, d.deployer, d.alerts, d.rollback, d.resolved_at,
            CAST(epoch(d.resolved_at) - epoch(d.flagged_at) AS BIGINT) AS seconds_to_remediate, d.break_glass,
            d.deadline""";

    private final ReportDatabase database;

    public ReportQueries(ReportDatabase database) {
        this.database = database;
    }

    // ---- lists ----

    /** One line of the deploys list. */
    public record DeployLine(String deployId, Instant deployedAt, String status, List<String> reasons, String service,
                             String team, String environment, String repository, String sha, String deployer,
                             boolean deployerAuthored) {}

    /** One line of the exceptions register. */
    public record ExceptionLine(String deployId, Instant deployedAt, String flaggedStatus, Instant flaggedAt,
                                String state, String status, List<String> reasons, String team, String service,
                                String environment, String deployer, long alerts, String rollback,
                                Instant resolvedAt, Duration timeToRemediate, boolean breakGlass, Instant deadline) {}

    /** A page of a list, and how many lines the whole list has. */
    public record Page<T>(List<T> lines, long total, int page, int pages) {}

    /** The deploys list's query, ordered newest first, without a page. */
    public Sql deploysQuery(Filter filter) {
        return new Sql().append("SELECT " + DEPLOY_COLUMNS + " FROM deploys d").where(filter)
                .append(" ORDER BY d.deployed_at DESC NULLS LAST, d.deploy_id");
    }

    /** The exceptions register's query, most recently flagged first, without a page. */
    public Sql exceptionsQuery(Filter filter) {
        Sql sql = new Sql().append(REGISTER + "SELECT " + EXCEPTION_COLUMNS + " FROM register d").where(filter);
        filter.state().ifPresent(s -> sql.append(" AND d.state = ?", s));
        return sql.append(" ORDER BY d.flagged_at DESC NULLS LAST, d.deploy_id");
    }

    public Page<DeployLine> deploys(Filter filter, int pageSize) throws SQLException {
        return page(deploysQuery(filter), filter.page(), pageSize, rs -> new DeployLine(rs.getString("deploy_id"),
                Sql.instant(rs, "deployed_at"), rs.getString("status"), Sql.list(rs, "reasons"),
                rs.getString("service"), rs.getString("team"), rs.getString("environment"),
                rs.getString("repository"), rs.getString("sha"), rs.getString("deployer"),
                rs.getBoolean("deployer_authored")));
    }

    public Page<ExceptionLine> exceptions(Filter filter, int pageSize) throws SQLException {
        return page(exceptionsQuery(filter), filter.page(), pageSize, rs -> {
            long seconds = rs.getLong("seconds_to_remediate");
            Duration toRemediate = rs.wasNull() ? null : Duration.ofSeconds(seconds);
            return new ExceptionLine(rs.getString("deploy_id"), Sql.instant(rs, "deployed_at"),
                    rs.getString("flagged_status"), Sql.instant(rs, "flagged_at"), rs.getString("state"),
                    rs.getString("status"), Sql.list(rs, "reasons"), rs.getString("team"), rs.getString("service"),
                    rs.getString("environment"), rs.getString("deployer"), rs.getLong("alerts"),
                    rs.getString("rollback"), Sql.instant(rs, "resolved_at"), toRemediate,
                    rs.getBoolean("break_glass"), Sql.instant(rs, "deadline"));
        });
    }

    @FunctionalInterface
    private interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> Page<T> page(Sql query, int page, int pageSize, RowReader<T> reader) throws SQLException {
        try (Connection c = database.reader()) {
            long total;
            try (PreparedStatement count = new Sql().append("SELECT count(*) FROM (").append(query.toString())
                    .append(")").withParams(query).prepare(c); ResultSet rs = count.executeQuery()) {
                rs.next();
                total = rs.getLong(1);
            }
            int pages = (int) Math.max(1, (total + pageSize - 1) / pageSize);
            List<T> lines = new ArrayList<>();
            try (PreparedStatement statement = new Sql().append(query.toString()).withParams(query)
                    .append(" LIMIT ? OFFSET ?", pageSize, (long) (page - 1) * pageSize).prepare(c);
                 ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    lines.add(reader.read(rs));
                }
            }
            return new Page<>(lines, total, page, pages);
        }
    }

    // ---- the overview ----

    /** Judged deploys and how many of them were never flagged, for one group (a week, a team, …). */
    public record Rate(String group, long judged, long compliant, long deploys) {
        public double percent() {
            return judged == 0 ? 0 : 100.0 * compliant / judged;
        }
    }

    /** A count with its label (deploys by reason). */
    public record Count(String label, long count) {}

    /** How violations were remediated: how many, how many still open, and the time it took. */
    public record Remediation(long violations, long resolved, long open, Duration median, Duration p90,
                              List<Count> buckets) {}

    /** Break-glass deploys and whether their reviews after the fact came in time. */
    public record BreakGlass(long total, long inTime, long late, long missing, long awaiting) {}

    /** The whole overview of a period. */
    public record Overview(Rate total, List<Rate> byWeek, List<Rate> byTeam, List<Rate> byService,
                           List<Rate> byEnvironment, List<Count> byReason, Remediation remediation,
                           BreakGlass breakGlass, long deployerAuthored) {}

    public Overview overview(Filter filter) throws SQLException {
        try (Connection c = database.reader()) {
            List<Rate> total = rates(c, filter, "'all'");
            return new Overview(total.isEmpty() ? new Rate("all", 0, 0, 0) : total.get(0),
                    rates(c, filter, "strftime(date_trunc('week', d.deployed_at), '%Y-%m-%d')"),
                    rates(c, filter, "coalesce(d.team, '(no team)')"),
                    rates(c, filter, "coalesce(d.service, '(no service)')"),
                    rates(c, filter, "coalesce(d.environment, '(no environment)')"),
                    byReason(c, filter), remediation(c, filter), breakGlass(c, filter), deployerAuthored(c, filter));
        }
    }

    private static List<Rate> rates(Connection c, Filter filter, String group) throws SQLException {
        Sql sql = new Sql().append("SELECT " + group + " AS grp, count(*) FILTER (WHERE " + JUDGED + ") AS judged, "
                + "count(*) FILTER (WHERE " + JUDGED + " AND d.flagged_status IS NULL) AS compliant, "
                + "count(*) AS deploys FROM deploys d").where(filter).append(" GROUP BY grp ORDER BY grp");
        List<Rate> rates = new ArrayList<>();
        try (PreparedStatement s = sql.prepare(c); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                rates.add(new Rate(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)));
            }
        }
        return rates;
    }

    private static List<Count> byReason(Connection c, Filter filter) throws SQLException {
        Sql sql = new Sql().append("SELECT code, count(*) AS n FROM (SELECT unnest(d.all_reason_codes) AS code "
                + "FROM deploys d").where(filter).append(" AND d.flagged_status IS NOT NULL) "
                + "WHERE code <> 'BASELINE' GROUP BY code ORDER BY n DESC, code");
        return counts(c, sql);
    }

    private static List<Count> counts(Connection c, Sql sql) throws SQLException {
        List<Count> counts = new ArrayList<>();
        try (PreparedStatement s = sql.prepare(c); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                counts.add(new Count(rs.getString(1), rs.getLong(2)));
            }
        }
        return counts;
    }

    private static final Map<String, String> BUCKETS = bucketLabels();

    private static Map<String, String> bucketLabels() {
        Map<String, String> b = new LinkedHashMap<>();
        b.put("a", "under 1 h");
        b.put("b", "1 to 4 h");
        b.put("c", "4 to 24 h");
        b.put("d", "1 to 7 days");
        b.put("e", "over 7 days");
        return b;
    }

    private static Remediation remediation(Connection c, Filter filter) throws SQLException {
        Sql sql = new Sql().append(REGISTER + """
                SELECT count(*) AS violations, count(d.resolved_at) AS resolved,
                       count(*) FILTER (WHERE d.state = 'open') AS still_open,
                       median(epoch(d.resolved_at) - epoch(d.flagged_at)) AS median_s,
                       quantile_cont(epoch(d.resolved_at) - epoch(d.flagged_at), 0.9) AS p90_s,
                       count(*) FILTER (WHERE epoch(d.resolved_at) - epoch(d.flagged_at) < 3600) AS a,
                       count(*) FILTER (WHERE epoch(d.resolved_at) - epoch(d.flagged_at) BETWEEN 3600 AND 14399) AS b,
                       count(*) FILTER (WHERE epoch(d.resolved_at) - epoch(d.flagged_at) BETWEEN 14400 AND 86399) AS c,
                       count(*) FILTER (WHERE epoch(d.resolved_at) - epoch(d.flagged_at) BETWEEN 86400 AND 604799) AS d,
                       count(*) FILTER (WHERE epoch(d.resolved_at) - epoch(d.flagged_at) >= 604800) AS e
                FROM register d""").where(filter).append(" AND d.flagged_status = 'VIOLATION'");
        try (PreparedStatement s = sql.prepare(c); ResultSet rs = s.executeQuery()) {
            rs.next();
            List<Count> buckets = new ArrayList<>();
            for (Map.Entry<String, String> b : BUCKETS.entrySet()) {
                buckets.add(new Count(b.getValue(), rs.getLong(b.getKey())));
            }
            return new Remediation(rs.getLong("violations"), rs.getLong("resolved"), rs.getLong("still_open"),
                    seconds(rs, "median_s"), seconds(rs, "p90_s"), buckets);
        }
    }

    private static Duration seconds(ResultSet rs, String column) throws SQLException {
        double s = rs.getDouble(column);
        return rs.wasNull() ? null : Duration.ofSeconds(Math.round(s));
    }

    private static BreakGlass breakGlass(Connection c, Filter filter) throws SQLException {
        Sql sql = new Sql().append("""
                SELECT count(*),
                       count(*) FILTER (WHERE NOT d.break_glass_expired AND d.remediated_at IS NOT NULL
                                        AND (d.deadline IS NULL OR d.remediated_at <= d.deadline)),
                       count(*) FILTER (WHERE d.break_glass_expired AND d.remediated_at IS NOT NULL),
                       count(*) FILTER (WHERE d.break_glass_expired AND d.remediated_at IS NULL),
                       count(*) FILTER (WHERE NOT d.break_glass_expired AND d.remediated_at IS NULL)
                FROM deploys d""").where(filter).append(" AND d.break_glass");
        try (PreparedStatement s = sql.prepare(c); ResultSet rs = s.executeQuery()) {
            rs.next();
            return new BreakGlass(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
        }
    }

    private static long deployerAuthored(Connection c, Filter filter) throws SQLException {
        Sql sql = new Sql().append("SELECT count(*) FROM deploys d").where(filter).append(" AND d.deployer_authored");
        try (PreparedStatement s = sql.prepare(c); ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // ---- choices for the filter form ----

    /** The values the filter form offers: every team, service and environment in the projection. */
    public record Choices(List<String> teams, List<String> services, List<String> environments) {}

    public Choices choices() throws SQLException {
        try (Connection c = database.reader()) {
            return new Choices(distinct(c, "team"), distinct(c, "service"), distinct(c, "environment"));
        }
    }

    private static List<String> distinct(Connection c, String column) throws SQLException {
        List<String> values = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT DISTINCT " + column + " FROM deploys WHERE " + column
                + " IS NOT NULL ORDER BY 1"); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    // ---- one deploy ----

    /** One verdict revision of a deploy. */
    public record Revision(String verdictId, int revision, int schema, String status, Instant decidedAt,
                           List<Reason> reasons, String policyName, String policyVersion, Boolean decisionProtected,
                           String decisionAction, Boolean decisionDryRun, Instant deadline, String rawJson) {}

    public record Reason(String code, String detail) {}

    public record Change(String id, String title, String url, String author, List<String> approvers, String headSha,
                         String mergeSha, boolean byDeployer) {}

    public record Check(String name, String conclusion, String sha, String url) {}

    public record ActionLine(String actionId, String type, String target, String phase, boolean dryRun, int attempt,
                             Instant at, String detail, String reason, String rollbackToSha, String verdictId) {}

    /** Everything the projection holds about one deploy. */
    public record DeployDetail(String deployId, String status, String repository, String service, String team,
                               String environment, String sha, String previousSha, String deployer, String url,
                               Instant deployedAt, boolean deployerAuthored, String flaggedStatus,
                               Instant remediatedAt, List<Revision> revisions, List<Change> changes,
                               List<Check> checks, List<ActionLine> actions, List<String> evidence) {

        public Revision latest() {
            return revisions.get(revisions.size() - 1);
        }
    }

    public Optional<DeployDetail> deploy(String deployId) throws SQLException {
        try (Connection c = database.reader()) {
            Map<String, List<Reason>> reasons = new LinkedHashMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT verdict_id, code, detail FROM verdict_reasons "
                    + "WHERE deploy_id = ? ORDER BY verdict_id, position")) {
                s.setString(1, deployId);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        reasons.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                                .add(new Reason(rs.getString(2), rs.getString(3)));
                    }
                }
            }
            List<Revision> revisions = new ArrayList<>();
            List<String> evidence = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT * FROM verdicts WHERE deploy_id = ? ORDER BY revision")) {
                s.setString(1, deployId);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        String verdictId = rs.getString("verdict_id");
                        revisions.add(new Revision(verdictId, rs.getInt("revision"), rs.getInt("schema_version"),
                                rs.getString("status"), Sql.instant(rs, "decided_at"),
                                reasons.getOrDefault(verdictId, List.of()), rs.getString("policy_name"),
                                rs.getString("policy_version"), (Boolean) rs.getObject("decision_protected"),
                                rs.getString("decision_action"), (Boolean) rs.getObject("decision_dry_run"),
                                Sql.instant(rs, "deadline"), rs.getString("raw_json")));
                        for (String id : Sql.list(rs, "evidence")) {
                            if (!evidence.contains(id)) {
                                evidence.add(id);
                            }
                        }
                    }
                }
            }
            if (revisions.isEmpty()) {
                return Optional.empty();
            }
            // Results stream: each one is read to its end and closed before the next query on this connection.
            DeployDetail row;
            try (PreparedStatement s = c.prepareStatement("SELECT * FROM deploys WHERE deploy_id = ?")) {
                s.setString(1, deployId);
                try (ResultSet d = s.executeQuery()) {
                    if (!d.next()) {
                        return Optional.empty();
                    }
                    row = new DeployDetail(deployId, d.getString("status"), d.getString("repository"),
                            d.getString("service"), d.getString("team"), d.getString("environment"),
                            d.getString("sha"), d.getString("previous_sha"), d.getString("deployer"),
                            d.getString("url"), Sql.instant(d, "deployed_at"), d.getBoolean("deployer_authored"),
                            d.getString("flagged_status"), Sql.instant(d, "remediated_at"), revisions, List.of(),
                            List.of(), List.of(), evidence);
                }
            }
            String latest = row.latest().verdictId();
            return Optional.of(new DeployDetail(row.deployId(), row.status(), row.repository(), row.service(),
                    row.team(), row.environment(), row.sha(), row.previousSha(), row.deployer(), row.url(),
                    row.deployedAt(), row.deployerAuthored(), row.flaggedStatus(), row.remediatedAt(), revisions,
                    changes(c, latest, row.deployer()), checks(c, latest), actions(c, deployId), evidence));
        }
    }

    private static List<Change> changes(Connection c, String verdictId, String deployer) throws SQLException {
        List<Change> changes = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT * FROM verdict_changes WHERE verdict_id = ? ORDER BY position")) {
            s.setString(1, verdictId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String author = rs.getString("author");
                    changes.add(new Change(rs.getString("change_id"), rs.getString("title"), rs.getString("url"),
                            author, Sql.list(rs, "approvers"), rs.getString("head_sha"), rs.getString("merge_sha"),
                            deployer != null && author != null && deployer.equalsIgnoreCase(author)));
                }
            }
        }
        return changes;
    }

    private static List<Check> checks(Connection c, String verdictId) throws SQLException {
        List<Check> checks = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT * FROM verdict_checks WHERE verdict_id = ? ORDER BY position")) {
            s.setString(1, verdictId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    checks.add(new Check(rs.getString("name"), rs.getString("conclusion"), rs.getString("sha"),
                            rs.getString("url")));
                }
            }
        }
        return checks;
    }

    private static List<ActionLine> actions(Connection c, String deployId) throws SQLException {
        List<ActionLine> actions = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT * FROM actions WHERE deploy_id = ? ORDER BY acted_at, action_id, phase")) {
            s.setString(1, deployId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    actions.add(new ActionLine(rs.getString("action_id"), rs.getString("type"), rs.getString("target"),
                            rs.getString("phase"), rs.getBoolean("dry_run"), rs.getInt("attempt"),
                            Sql.instant(rs, "acted_at"), rs.getString("detail"), rs.getString("reason"),
                            rs.getString("rollback_to_sha"), rs.getString("verdict_id")));
                }
            }
        }
        return actions;
    }

    /** The first day of the default period of the overview: twelve weeks back from {@code today}. */
    public static LocalDate defaultFrom(LocalDate today) {
        return today.minusWeeks(12).plusDays(1);
    }
}
