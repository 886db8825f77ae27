package dev.oversight.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The house rules of a dashboard: a fixed uid, the DS_PROMETHEUS variable, rows, and the filters users expect. */
class DashboardsTest {

    @Test
    void thereAreTheFourDashboardsOneForEachAudience() {
        assertThat(Shipped.dashboards()).extracting(p -> p.getFileName().toString())
                .containsExactly("compliance.json", "on-call.json", "overview.json", "pipeline-health.json");
        Set<String> uids = new HashSet<>();
        for (Path file : Shipped.dashboards()) {
            JsonNode dashboard = Shipped.read(file);
            assertThat(dashboard.path("uid").asText()).as(file + " uid").startsWith("oversight-");
            assertThat(uids.add(dashboard.path("uid").asText())).as("uid unique").isTrue();
            assertThat(dashboard.path("id").isMissingNode() || dashboard.path("id").isNull())
                    .as(file + ": no instance-specific id").isTrue();
        }
    }

    @Test
    void everyDashboardHasTheDatasourceVariableAndFiltersAndRows() {
        for (Path file : Shipped.dashboards()) {
            JsonNode dashboard = Shipped.read(file);
            List<String> variables = new ArrayList<>();
            dashboard.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
            List<String> expected = new ArrayList<>(List.of("DS_PROMETHEUS", "environment", "service", "team"));
            if (file.getFileName().toString().equals("compliance.json")) {
                expected.add("report_url"); // where its panels link to the report pages
            }
            assertThat(variables).as(file.toString()).containsExactlyElementsOf(expected);
            JsonNode datasource = dashboard.path("templating").path("list").get(0);
            assertThat(datasource.path("type").asText()).isEqualTo("datasource");
            assertThat(datasource.path("query").asText()).isEqualTo("prometheus");
            long rows = 0;
            for (JsonNode panel : dashboard.path("panels")) {
                if ("row".equals(panel.path("type").asText())) {
                    rows++;
                }
            }
            assertThat(rows).as(file + " rows").isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void everyPanelSaysWhatItShowsAndQueriesThroughTheVariable() {
        for (Path file : Shipped.dashboards()) {
            for (JsonNode panel : Shipped.panels(Shipped.read(file))) {
                String name = file.getFileName() + " / " + panel.path("title").asText();
                assertThat(panel.path("title").asText()).as(name).isNotBlank();
                assertThat(panel.path("description").asText()).as(name + " description").isNotBlank();
                assertThat(panel.path("datasource").path("uid").asText()).as(name).isEqualTo("${DS_PROMETHEUS}");
                assertThat(panel.path("targets")).as(name + " targets").isNotEmpty();
                for (JsonNode target : panel.path("targets")) {
                    assertThat(target.path("expr").asText()).as(name + " query").isNotBlank();
                    assertThat(target.path("datasource").path("uid").asText()).isEqualTo("${DS_PROMETHEUS}");
                }
            }
        }
    }

    /**
     * Grafana keeps the trends, the report keeps the evidence: every panel of the Compliance dashboard links to the
     * report page that shows the same thing for the dashboard's period (and a bar or series to its deploys), with
     * only the paths and filters the report serves.
     */
    @Test
    void everyCompliancePanelLinksToTheMatchingReportPage() {
        Path file = Shipped.dashboards().stream().filter(p -> p.getFileName().toString().equals("compliance.json"))
                .findFirst().orElseThrow();
        Pattern link = Pattern.compile("\\$\\{report_url}/(overview|deploys|exceptions)\\?(.*)");
        Set<String> filters = Set.of("from", "to", "team", "service", "environment", "status", "reason", "state");
        for (JsonNode panel : Shipped.panels(Shipped.read(file))) {
            String name = panel.path("title").asText();
            List<JsonNode> links = new ArrayList<>();
            panel.path("links").forEach(links::add);
            panel.path("fieldConfig").path("defaults").path("links").forEach(links::add);
            assertThat(panel.path("links")).as(name + ": a link to the report").isNotEmpty();
            for (JsonNode l : links) {
                Matcher m = link.matcher(l.path("url").asText());
                assertThat(m.matches()).as(name + ": " + l.path("url").asText()).isTrue();
                Set<String> given = new HashSet<>();
                for (String pair : m.group(2).split("&")) {
                    given.add(pair.substring(0, pair.indexOf('=')));
                }
                assertThat(filters).as(name + ": filters the report serves").containsAll(given);
                assertThat(given).as(name + ": the dashboard's period").contains("from", "to");
                assertThat(l.path("url").asText()).contains("from=${__from:date:YYYY-MM-DD}",
                        "to=${__to:date:YYYY-MM-DD}");
            }
        }
    }

    /**
     * A counter series that appears with its first increment has one sample in a window that begins before it, and
     * increase() and rate() need two: every count and rate adds, for a series absent at the start of its window while
     * Prometheus was scraping its target, the series' own value (FirstEventCountsIT proves the form on promtool).
     */
    @Test
    void everyCountAndRateIncludesTheFirstSampleOfASeriesThatBeginsInItsWindow() {
        Pattern counted = Pattern.compile("(increase|rate)\\(([a-z_]+(?:\\{[^}]*})?)\\[(\\d+)([mhd])]\\)");
        int checked = 0;
        for (Path file : Shipped.dashboards()) {
            for (JsonNode panel : Shipped.panels(Shipped.read(file))) {
                for (JsonNode target : panel.path("targets")) {
                    String expr = target.path("expr").asText();
                    Matcher m = counted.matcher(expr);
                    while (m.find()) {
                        String series = m.group(2);
                        String range = m.group(3) + m.group(4);
                        String first = series + " unless " + series + " offset " + range
                                + " and on (job, instance) up offset " + range;
                        long seconds = Long.parseLong(m.group(3)) * switch (m.group(4)) {
                            case "m" -> 60;
                            case "h" -> 3600;
                            default -> 86400;
                        };
                        assertThat(expr).as(file.getFileName() + " / " + panel.path("title").asText())
                                .contains(m.group(1).equals("increase") ? first + " or " + m.group()
                                        : "(" + first + ") / " + seconds + " or " + m.group());
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(40);
    }

    @Test
    void ratesAreOverFiveMinutesAndNoQueryNamesASha() {
        for (Path file : Shipped.dashboards()) {
            for (JsonNode panel : Shipped.panels(Shipped.read(file))) {
                for (JsonNode target : panel.path("targets")) {
                    String expr = target.path("expr").asText();
                    if (expr.contains("rate(")) {
                        assertThat(expr).as(expr).containsPattern("rate\\([^\\[]+\\[5m\\]\\)");
                    }
                    assertThat(expr).doesNotContainPattern("[0-9a-f]{40}");
                }
            }
        }
    }
}
