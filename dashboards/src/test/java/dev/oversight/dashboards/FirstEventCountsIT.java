package dev.oversight.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped panel queries, as they are in the dashboards, evaluated by promtool on series that begin with their
 * first event, the way a counter appears in {@code /metrics} when nothing registered it at zero (a service the policy
 * does not name, after each start): each count and rate includes that first event. The same queries with a bare
 * {@code increase()} or {@code rate()} miss it, which is what the dashboards did before, and the test says so.
 */
class FirstEventCountsIT {

    private static final String TARGET = "job=\"oversight\",instance=\"127.0.0.1:8080\"";
    private static final String VERDICTS = "oversight_verdicts_total";

    @TempDir
    Path dir;

    /** A panel's query with Grafana's variables as "All" selects them. */
    private static String query(String dashboard, String title) {
        for (JsonNode panel : Shipped.panels(Shipped.read(Shipped.DASHBOARDS.resolve(dashboard)))) {
            if (panel.path("title").asText().equals(title)) {
                return MetricsProofIT.resolve(panel.path("targets").get(0).path("expr").asText());
            }
        }
        throw new AssertionError("no panel " + title + " in " + dashboard);
    }

    /** The query as it was: a bare increase() or rate(), without the term that counts a series' first sample. */
    static String bare(String query) {
        String first = "([a-z_]+(?:\\{[^}]*})?) unless \\1 offset (\\w+) and on \\(job, instance\\) up offset \\2";
        String rates = replace(query, Pattern.compile("\\(" + first + "\\) / \\d+ or (rate\\(\\1\\[\\2]\\))"));
        return replace(rates, Pattern.compile(first + " or (increase\\(\\1\\[\\2]\\))"));
    }

    /** Each match replaced by its third group. */
    private static String replace(String text, Pattern pattern) {
        Matcher m = pattern.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(3)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** A promtool test file with one test: its name, its sample interval, and its target up for that many samples. */
    private static String header(String name, String interval, int samples) {
        return """
                rule_files: []
                evaluation_interval: 1m
                tests:
                  - name: %s
                    interval: %s
                    input_series:
                """.formatted(name, interval) + series("up", "", "1x" + samples);
    }

    /** Verdicts of one status of a service in production. */
    private static String verdicts(String status, String service, String team, String values) {
        return series(VERDICTS, "status=\"" + status + "\",environment=\"production\",service=\"" + service
                + "\",team=\"" + team + "\"", values);
    }

    private static String series(String name, String labels, String values) {
        return "      - series: '" + name + "{" + TARGET + "," + labels + "}'\n        values: \"" + values + "\"\n";
    }

    private static String expect(String expr, String evalTime, String... samples) {
        StringBuilder test = new StringBuilder("      - expr: '" + expr.replace("'", "''") + "'\n        eval_time: "
                + evalTime + "\n        exp_samples:\n");
        for (int i = 0; i < samples.length; i += 2) {
            test.append("          - labels: '").append(samples[i]).append("'\n            value: ")
                    .append(samples[i + 1]).append('\n');
        }
        return test.toString();
    }

    /**
     * Over days and weeks, hourly samples: payments (named by the policy, its series at zero from the start) has a
     * compliant and a violating deploy every hour; search (not named) has its first violation at hour 230 and its
     * first compliant deploy at hour 235, each series beginning with it; its first failed rollback at hour 238.
     */
    private String hours(boolean bare) {
        StringBuilder file = new StringBuilder(header(
                "counts over 24 h and 7 d include the first event of a series that begins with it", "1h", 240));
        file.append(verdicts("compliant", "payments", "payments", "0+1x240"));
        file.append(verdicts("violation", "payments", "payments", "0+1x240"));
        file.append(verdicts("violation", "search", "none", "_x230 1x10"));
        file.append(verdicts("compliant", "search", "none", "_x235 3x5"));
        file.append(series("oversight_rollbacks_total", "executor=\"command\",outcome=\"failed\",reason=\"rollback_failed\","
                + "environment=\"production\",service=\"search\",team=\"none\"", "_x238 1x2"));
        file.append("    promql_expr_test:\n");
        file.append(expect(q(bare, "compliance.json", "By service, 7d"), "240h",
                "{service=\"payments\"}", "0.5", "{service=\"search\"}", "0.75"));
        file.append(expect(q(bare, "overview.json", "Violations by service (24 h)"), "240h",
                "{service=\"payments\"}", "24", "{service=\"search\"}", "1"));
        file.append(expect(q(bare, "on-call.json", "Failed rollbacks (24 h)"), "240h", "{}", "1"));
        return file.toString();
    }

    /**
     * Over 90 days, daily samples: the team finance's only service appears with 3 compliant deploys on day 150 and
     * one violation on day 160.
     */
    private String days(boolean bare) {
        return header("the 90-day compliance of a team whose series began inside the window", "1d", 200)
                + verdicts("compliant", "ledger", "finance", "_x150 3x50")
                + verdicts("violation", "ledger", "finance", "_x160 1x40")
                + "    promql_expr_test:\n"
                + expect(q(bare, "compliance.json", "By team, 90d"), "200d", "{team=\"finance\"}", "0.75");
    }

    /**
     * Per-second rates over 5 minutes, samples each minute: a status whose series begins with 3 verdicts at minute 10,
     * beside one that rises by 6 a minute.
     */
    private String minutes(boolean bare) {
        return header("a 5-minute rate includes the first sample of a series that begins with it", "1m", 20)
                + verdicts("compliant", "payments", "payments", "0+6x20")
                + verdicts("violation", "search", "none", "_x10 3x10")
                + "    promql_expr_test:\n"
                + expect(q(bare, "overview.json", "Verdicts by status"), "12m",
                        "{status=\"compliant\"}", "0.1", "{status=\"violation\"}", "0.01");
    }

    private static String q(boolean bare, String dashboard, String title) {
        String query = query(dashboard, title);
        return bare ? bare(query) : query;
    }

    private ExternalTool.Result promtool(String name, String file) throws Exception {
        Path path = Files.writeString(dir.resolve(name), file);
        return ExternalTool.run(dir, Duration.ofMinutes(2), List.of("promtool", "test", "rules", path.toString()));
    }

    @Test
    void countsOverDaysAndWeeksIncludeTheFirstEventOfEachSeries() throws Exception {
        ExternalTool.Result result = promtool("hours.test.yml", hours(false));
        assertThat(result.exitCode()).as(hours(false) + "\n" + result.output()).isZero();
        ExternalTool.Result before = promtool("hours-bare.test.yml", hours(true));
        assertThat(before.exitCode()).as("a bare increase() misses the first event").isNotZero();
        assertThat(before.output()).contains("{service=\"search\"} 0E+00");
    }

    @Test
    void theNinetyDayComplianceOfATeamWhoseSeriesBeganInsideTheWindowIsRight() throws Exception {
        ExternalTool.Result result = promtool("days.test.yml", days(false));
        assertThat(result.exitCode()).as(days(false) + "\n" + result.output()).isZero();
        assertThat(promtool("days-bare.test.yml", days(true)).exitCode()).isNotZero();
    }

    @Test
    void aFiveMinuteRateIncludesTheFirstSampleOfASeries() throws Exception {
        ExternalTool.Result result = promtool("minutes.test.yml", minutes(false));
        assertThat(result.exitCode()).as(minutes(false) + "\n" + result.output()).isZero();
        assertThat(promtool("minutes-bare.test.yml", minutes(true)).exitCode()).isNotZero();
    }

    @Test
    void theBareFormIsTheQueryWithoutItsFirstEventTerm() {
        assertThat(bare("sum(x{a=\"b\"} unless x{a=\"b\"} offset 7d and on (job, instance) up offset 7d "
                + "or increase(x{a=\"b\"}[7d])) by (team)")).isEqualTo("sum(increase(x{a=\"b\"}[7d])) by (team)");
        assertThat(bare("sum((y unless y offset 5m and on (job, instance) up offset 5m) / 300 or rate(y[5m]))"))
                .isEqualTo("sum(rate(y[5m]))");
    }
}
