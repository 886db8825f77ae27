package dev.oversight.report.audit;

import dev.oversight.report.web.Fmt;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The summary a manager can forward: the compliance rate of the period (judged deploys never flagged, of all judged
 * deploys; PENDING and BASELINE are not judged), its trend by ISO week, the exceptions by state and by reason, the
 * time from a flag to its resolution, and the deploys whose deployer authored a change in them.
 */
record Summary(long deploys, long judged, long compliant, long deployerAuthored, List<Week> weeks,
               List<long[]> states, List<String> stateNames, List<String[]> reasons, long resolved,
               Duration medianToRemediate, Duration p90ToRemediate) {

    record Week(LocalDate monday, long deploys, long judged, long compliant) {
        double rate() {
            return judged == 0 ? 1.0 : (double) compliant / judged;
        }
    }

    static final String JUDGED = "d.status NOT IN ('PENDING', 'BASELINE')";

    static Summary load(Connection c, AuditScope scope) throws SQLException {
        long deploys;
        long judged;
        long compliant;
        long authored;
        try (PreparedStatement s = scope.prepare(c, "SELECT count(*), count(*) FILTER (WHERE " + JUDGED + "), "
                + "count(*) FILTER (WHERE " + JUDGED + " AND d.flagged_status IS NULL), "
                + "count(*) FILTER (WHERE d.deployer_authored) FROM deploys d WHERE " + AuditScope.WHERE_MARK);
             ResultSet rs = s.executeQuery()) {
            rs.next();
            deploys = rs.getLong(1);
            judged = rs.getLong(2);
            compliant = rs.getLong(3);
            authored = rs.getLong(4);
        }
        List<Week> weeks = new ArrayList<>();
        try (PreparedStatement s = scope.prepare(c, "SELECT CAST(date_trunc('week', d.deployed_at) AS DATE), "
                + "count(*), count(*) FILTER (WHERE " + JUDGED + "), "
                + "count(*) FILTER (WHERE " + JUDGED + " AND d.flagged_status IS NULL) FROM deploys d WHERE "
                + AuditScope.WHERE_MARK + " GROUP BY 1 ORDER BY 1"); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                weeks.add(new Week(rs.getObject(1, LocalDate.class), rs.getLong(2), rs.getLong(3), rs.getLong(4)));
            }
        }
        List<String> stateNames = List.of("open", "remediated", "rolled-back", "expired");
        List<long[]> states = new ArrayList<>();
        long resolved;
        Duration median;
        Duration p90;
        // The register's WITH clauses, without the final SELECT of its columns.
        String register = AuditPackage.EXCEPTIONS.substring(0,
                AuditPackage.EXCEPTIONS.indexOf("SELECT deploy_id, deployed_at, flagged_status"));
        try (PreparedStatement s = scope.prepare(c, register + """
                SELECT count(*) FILTER (WHERE state = 'open'), count(*) FILTER (WHERE state = 'remediated'),
                       count(*) FILTER (WHERE state = 'rolled-back'), count(*) FILTER (WHERE state = 'expired'),
                       count(*) FILTER (WHERE flagged_status = 'VIOLATION'),
                       count(*) FILTER (WHERE flagged_status = 'EXCEPTION'),
                       count(resolved_at), median(epoch(resolved_at) - epoch(flagged_at)),
                       quantile_cont(epoch(resolved_at) - epoch(flagged_at), 0.9)
                FROM register"""); ResultSet rs = s.executeQuery()) {
            rs.next();
            for (int i = 0; i < stateNames.size(); i++) {
                states.add(new long[] {rs.getLong(i + 1)});
            }
            states.add(new long[] {rs.getLong(5), rs.getLong(6)});
            resolved = rs.getLong(7);
            median = seconds(rs, 8);
            p90 = seconds(rs, 9);
        }
        List<String[]> reasons = new ArrayList<>();
        try (PreparedStatement s = scope.prepare(c, """
                SELECT r.code, count(DISTINCT r.deploy_id) AS n
                FROM verdict_reasons r JOIN deploys d USING (deploy_id)
                WHERE d.flagged_status IS NOT NULL AND /*scope*/
                GROUP BY r.code ORDER BY n DESC, r.code"""); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                reasons.add(new String[] {rs.getString(1), Long.toString(rs.getLong(2))});
            }
        }
        return new Summary(deploys, judged, compliant, authored, weeks, states, stateNames, reasons, resolved, median,
                p90);
    }

    private static Duration seconds(ResultSet rs, int column) throws SQLException {
        double s = rs.getDouble(column);
        return rs.wasNull() ? null : Duration.ofSeconds(Math.round(s));
    }

    static String percent(long part, long whole) {
        return whole == 0 ? "–" : Fmt.percent(100.0 * part / whole);
    }

    long flagged() {
        return states.get(stateNames.size())[0] + states.get(stateNames.size())[1];
    }

    String page(AuditScope scope, String extractedAt) {
        Xhtml page = new Xhtml("Compliance summary " + scope.from() + " to " + scope.to());
        page.text("h1", null, "Compliance summary, " + scope.from() + " to " + scope.to());
        page.text("p", "meta", "Oversight audit package, extracted " + extractedAt + ". Deploys of the period (UTC)"
                + (scope.filters().isEmpty() ? "" : ", only " + scope.filters()) + ".");
        page.raw("<p>Compliance rate: <span class=\"big\">").raw(Xhtml.escape(percent(compliant, judged)))
                .raw("</span></p>");
        page.text("p", null, compliant + " of " + judged + " judged deploys were compliant (never flagged); "
                + deploys + " deploys in all (" + (deploys - judged) + " pending or baseline, not judged).");
        page.facts(List.of(
                new String[] {"Deploys", Long.toString(deploys)},
                new String[] {"Judged", Long.toString(judged)},
                new String[] {"Compliant", Long.toString(compliant)},
                new String[] {"Violations", Long.toString(states.get(stateNames.size())[0])},
                new String[] {"Emergency deploys (break-glass exceptions)", Long.toString(
                        states.get(stateNames.size())[1])},
                new String[] {"Deployer authored a change (segregation of duties)", Long.toString(deployerAuthored)}));
        page.text("h2", null, "Compliance rate by week");
        page.raw("<table><tr><th>week of</th><th class=\"num\">deploys</th><th class=\"num\">judged</th>"
                + "<th class=\"num\">compliant</th><th class=\"num\">rate</th><th style=\"width: 40%\">"
                + "</th></tr>");
        for (Week w : weeks) {
            int width = (int) Math.round(w.rate() * 100);
            page.raw("<tr><td>").raw(Xhtml.escape(w.monday().toString())).raw("</td><td class=\"num\">")
                    .raw(Long.toString(w.deploys())).raw("</td><td class=\"num\">").raw(Long.toString(w.judged()))
                    .raw("</td><td class=\"num\">").raw(Long.toString(w.compliant())).raw("</td><td class=\"num\">")
                    .raw(Xhtml.escape(percent(w.compliant(), w.judged()))).raw("</td><td>")
                    .raw("<div class=\"" + (w.rate() < 0.9 ? "bar-bad" : "bar") + "\" style=\"width: " + width
                            + "%\"></div></td></tr>");
        }
        page.raw("</table>");
        page.text("h2", null, "Exceptions register");
        List<List<String>> stateRows = new ArrayList<>();
        for (int i = 0; i < stateNames.size(); i++) {
            stateRows.add(List.of(stateNames.get(i), Long.toString(states.get(i)[0])));
        }
        page.table(List.of("state", "deploys"), stateRows, "No exception.");
        page.text("h2", null, "Reasons of the exceptions");
        page.table(List.of("reason", "deploys"), reasons.stream().map(List::of).toList(), "No exception.");
        page.text("h2", null, "Time to remediate");
        page.facts(List.of(
                new String[] {"Flagged deploys", Long.toString(flagged())},
                new String[] {"Resolved (remediated or rolled back)", Long.toString(resolved)},
                new String[] {"Median time from flag to resolution", Fmt.duration(medianToRemediate)},
                new String[] {"90th percentile", Fmt.duration(p90ToRemediate)}));
        page.text("p", "meta", "The files of this package (population, sample, evidence pages, exceptions register) "
                + "and their SHA-256 are listed in manifest.json.");
        return page.done();
    }
}
