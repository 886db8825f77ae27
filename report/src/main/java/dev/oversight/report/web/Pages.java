package dev.oversight.report.web;

import dev.oversight.report.web.ReportQueries.Choices;
import dev.oversight.report.web.ReportQueries.Count;
import dev.oversight.report.web.ReportQueries.DeployDetail;
import dev.oversight.report.web.ReportQueries.DeployLine;
import dev.oversight.report.web.ReportQueries.ExceptionLine;
import dev.oversight.report.web.ReportQueries.Overview;
import dev.oversight.report.web.ReportQueries.Page;
import dev.oversight.report.web.ReportQueries.Rate;
import java.util.List;
import java.util.function.Function;

/** What each template is given: the page's data, worked into charts where it is drawn. */
public final class Pages {

    private Pages() {}

    public record OverviewPage(Filter filter, Choices choices, Overview overview, Chart weekly, Chart teams,
                               Chart services, Chart environments, Chart reasons, Chart remediation, boolean logout) {

        static OverviewPage of(Filter filter, Choices choices, Overview o, boolean logout) {
            Filter f = filter.withPage(1);
            return new OverviewPage(filter, choices, o,
                    rates("Compliance rate by week", o.byWeek(), r -> null),
                    rates("Compliance rate by team", o.byTeam(), r -> link(f, "team", r)),
                    rates("Compliance rate by service", o.byService(), r -> link(f, "service", r)),
                    rates("Compliance rate by environment", o.byEnvironment(), r -> link(f, "environment", r)),
                    counts("Violations by reason", o.byReason(), c -> f.link("/exceptions", "reason", c.label())),
                    counts("Time from violation to remediation", o.remediation().buckets(), c -> null),
                    logout);
        }

        private static String link(Filter f, String parameter, Rate r) {
            return r.group().startsWith("(") ? null : f.link("/deploys", parameter, r.group());
        }
    }

    public record DeploysPage(Filter filter, Choices choices, Page<DeployLine> lines, boolean logout) {}

    public record ExceptionsPage(Filter filter, Choices choices, Page<ExceptionLine> lines, boolean logout) {}

    public record DeployPage(DeployDetail deploy, boolean logout) {}

    /**
     * The what-if page: the form (with what was typed in it), the problems of what was sent (a policy file's, or the
     * form's), and the run when there was one.
     */
    public record WhatIfPage(java.util.Map<String, String> form, String problemsTitle, List<String> problems,
                             dev.oversight.whatif.WhatIf.Run run, boolean logout) {

        public String value(String name) {
            String v = form.get(name);
            return v == null ? "" : v;
        }
    }

    static Chart rates(String title, List<Rate> rates, Function<Rate, String> link) {
        return new Chart(title, rates.stream().map(r -> new Chart.Bar(r.group(), r.percent(),
                Fmt.percent(r.percent()) + " of " + r.judged(), link.apply(r))).toList(), 100);
    }

    static Chart counts(String title, List<Count> counts, Function<Count, String> link) {
        long max = counts.stream().mapToLong(Count::count).max().orElse(0);
        return new Chart(title, counts.stream().map(c -> new Chart.Bar(c.label(), c.count(),
                Long.toString(c.count()), link.apply(c))).toList(), max);
    }
}
