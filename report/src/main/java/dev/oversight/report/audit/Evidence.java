package dev.oversight.report.audit;

import dev.oversight.report.web.Sql;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The evidence of one deploy, as the auditor's sample shows it: the deploy and its final verdict, every verdict
 * revision with its reasons, each change of its change set (author, approvers and the commit they approved), the
 * checks on the deployed commit, the actions taken and their outcomes, the evidence delivery ids, and the
 * segregation-of-duties mark.
 */
record Evidence(
        Map<String, Object> deploy,
        List<List<String>> revisions,
        List<List<String>> changes,
        List<List<String>> checks,
        List<List<String>> actions,
        Set<String> deliveries) {

    /** The evidence of the given deploys, in five queries whatever their number; absent ones are left out. */
    static Map<String, Evidence> load(Connection c, List<String> deployIds) throws SQLException {
        Map<String, Evidence> all = new LinkedHashMap<>();
        if (deployIds.isEmpty()) {
            return all;
        }
        String in = " IN (" + String.join(",", Collections.nCopies(deployIds.size(), "?")) + ")";
        try (PreparedStatement s = prepare(c, "SELECT * FROM deploys WHERE deploy_id" + in, deployIds);
             ResultSet rs = s.executeQuery()) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= columns; i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), value(rs.getObject(i)));
                }
                all.put((String) row.get("deploy_id"), new Evidence(row, new ArrayList<>(), new ArrayList<>(),
                        new ArrayList<>(), new ArrayList<>(), new LinkedHashSet<>()));
            }
        }
        each(c, """
                SELECT v.deploy_id, v.revision, v.status, v.decided_at, v.policy_name, v.policy_version, v.evidence,
                       (SELECT string_agg(r.code || CASE WHEN r.detail IS NULL THEN '' ELSE ': ' || r.detail END,
                                          '; ' ORDER BY r.position)
                        FROM verdict_reasons r WHERE r.verdict_id = v.verdict_id) AS reasons
                FROM verdicts v WHERE v.deploy_id""" + in + " ORDER BY v.deploy_id, v.revision", deployIds, all,
                (e, rs) -> {
            e.revisions.add(List.of(rs.getString("revision"), rs.getString("status"),
                    Xhtml.time(Sql.instant(rs.getObject("decided_at"))), text(rs.getString("reasons")),
                    text(rs.getString("policy_name")) + " " + text(rs.getString("policy_version"))));
            e.deliveries.addAll(Sql.list(rs.getObject("evidence")));
        });
        each(c, """
                SELECT ch.deploy_id, ch.change_id, ch.title, ch.author, ch.approvers, ch.head_sha, ch.merge_sha, ch.url
                FROM verdict_changes ch JOIN deploys d ON d.verdict_id = ch.verdict_id
                WHERE d.deploy_id""" + in + " ORDER BY ch.deploy_id, ch.position", deployIds, all, (e, rs) -> {
            List<String> approvers = Sql.list(rs.getObject("approvers"));
            e.changes.add(List.of(text(rs.getString("change_id")) + " " + text(rs.getString("title")),
                    text(rs.getString("author")),
                    approvers.isEmpty() ? "nobody" : String.join(", ", approvers),
                    text(rs.getString("head_sha")), text(rs.getString("merge_sha"))));
        });
        each(c, """
                SELECT ck.deploy_id, ck.name, ck.conclusion, ck.sha
                FROM verdict_checks ck JOIN deploys d ON d.verdict_id = ck.verdict_id
                WHERE d.deploy_id""" + in + " ORDER BY ck.deploy_id, ck.position", deployIds, all, (e, rs) -> {
            e.checks.add(List.of(text(rs.getString("name")), text(rs.getString("conclusion")),
                    text(rs.getString("sha"))));
        });
        each(c, """
                SELECT deploy_id, type, target, phase, dry_run, attempt, acted_at, detail FROM actions
                WHERE deploy_id""" + in + " ORDER BY deploy_id, acted_at, action_id, phase", deployIds, all,
                (e, rs) -> {
            e.actions.add(List.of(rs.getString("type"), text(rs.getString("target")),
                    rs.getString("phase") + (rs.getBoolean("dry_run") ? " (dry run)" : ""),
                    rs.getString("attempt"), Xhtml.time(Sql.instant(rs.getObject("acted_at"))),
                    text(rs.getString("detail"))));
        });
        return all;
    }

    /** What to take from one row of a query on the sampled deploys, for the deploy it belongs to. */
    @FunctionalInterface
    private interface Row {
        void take(Evidence e, ResultSet rs) throws SQLException;
    }

    /** Runs a query whose {@code ?}s are the deploy ids and hands each row to its deploy's evidence. */
    private static void each(Connection c, String sql, List<String> ids, Map<String, Evidence> all, Row row)
            throws SQLException {
        try (PreparedStatement s = prepare(c, sql, ids); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                Evidence e = all.get(rs.getString("deploy_id"));
                if (e != null) {
                    row.take(e, rs);
                }
            }
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, List<String> ids) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql);
        for (int i = 0; i < ids.size(); i++) {
            s.setString(i + 1, ids.get(i));
        }
        return s;
    }

    String deployId() {
        return (String) deploy.get("deploy_id");
    }

    boolean deployerAuthored() {
        return Boolean.TRUE.equals(deploy.get("deployer_authored"));
    }

    /** The page, as XHTML. */
    String page(String extractedAt) {
        Xhtml page = new Xhtml("Evidence: " + deployId());
        page.text("h1", null, "Evidence of deploy " + deployId());
        page.text("p", "meta", "Oversight audit package, extracted " + extractedAt + ". Final verdict: "
                + get("status") + " (revision " + get("revision") + " of " + get("revisions") + ").");
        List<String[]> facts = new ArrayList<>();
        facts.add(new String[] {"Deploy", deployId(), "mono"});
        facts.add(new String[] {"Final verdict", get("status")});
        facts.add(new String[] {"Repository", get("repository")});
        facts.add(new String[] {"Service / environment / team", get("service") + " / " + get("environment") + " / "
                + get("team")});
        facts.add(new String[] {"Deployed commit", get("sha"), "mono"});
        facts.add(new String[] {"Previous commit", get("previous_sha"), "mono"});
        facts.add(new String[] {"Deployed by", get("deployer")});
        facts.add(new String[] {"Deployed at", get("deployed_at")});
        facts.add(new String[] {"Decided at", get("decided_at")});
        facts.add(new String[] {"Policy", get("policy_name") + " version " + get("policy_version"), "mono"});
        facts.add(new String[] {"Segregation of duties", deployerAuthored()
                ? "MARKED: the deployer " + get("deployer") + " authored a change in this deploy"
                : "the deployer authored no change in this deploy", deployerAuthored() ? "mark" : "ok"});
        if (deploy.get("flagged_status") != null) {
            facts.add(new String[] {"Flagged", get("flagged_status") + " at " + get("flagged_at")});
            facts.add(new String[] {"Remediated", get("remediated_at")});
        }
        if (Boolean.TRUE.equals(deploy.get("break_glass"))) {
            facts.add(new String[] {"Break-glass review due", get("deadline")});
        }
        facts.add(new String[] {"Link", get("url")});
        page.facts(facts);
        page.text("h2", null, "Changes: who wrote them, who approved them, on which commit");
        page.table(List.of("change", "author", "approved by", "approved commit (head)", "merge commit"), changes,
                "No change was recorded for this deploy.");
        page.text("h2", null, "Checks on the deployed commit");
        page.table(List.of("check", "conclusion", "commit"), checks, "No check reported on the deployed commit.");
        page.text("h2", null, "Verdict revisions");
        page.table(List.of("revision", "status", "decided at", "reasons", "policy"), revisions, "No revision.");
        page.text("h2", null, "Actions taken");
        page.table(List.of("action", "target", "outcome", "attempt", "at", "detail"), actions, "No action was taken.");
        page.text("h2", null, "Evidence deliveries (oversight.raw)");
        page.table(List.of("delivery id"), deliveries.stream().map(List::of).toList(), "No delivery recorded.");
        return page.done();
    }

    private String get(String column) {
        Object v = deploy.get(column);
        return v == null ? "–" : v instanceof Instant at ? Xhtml.time(at) : v.toString();
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }

    /** A database value as the pages use it: times as instants (UTC), lists as lists of text. */
    static Object value(Object v) throws SQLException {
        if (v instanceof LocalDateTime || v instanceof Timestamp) {
            return Sql.instant(v);
        }
        if (v instanceof Array || v instanceof Object[]) {
            return Sql.list(v);
        }
        return v;
    }

}
