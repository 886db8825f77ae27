package dev.oversight.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped configuration, checked by the tools that run it: promtool (scrape configurations, alerting rules and
 * their unit tests), amtool (the Alertmanager example), docker-compose (docker-compose.yml), and Grafana's own
 * dashboard schema (@grafana/schema, through schema-check/validate.mjs).
 */
class ShippedConfigurationIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    @Test
    void prometheusAcceptsBothScrapeConfigurations() {
        for (String config : List.of("prometheus.yml", "prometheus-oversight-up.yml")) {
            ExternalTool.Result result = ExternalTool.run(Shipped.PROMETHEUS, TIMEOUT,
                    List.of("promtool", "check", "config", "--syntax-only", config));
            assertThat(result.exitCode()).as(result.output()).isZero();
            assertThat(result.output()).contains("SUCCESS");
        }
    }

    @Test
    void theConfigurationForOversightUpTakesItsPortFromTheTargetsFile() throws Exception {
        assertThat(Files.readString(Shipped.PROMETHEUS.resolve("prometheus-oversight-up.yml")))
                .as("no port in the configuration").doesNotContainPattern("targets: \\[\"[^\"]*:[0-9]+\"");
        ExternalTool.Result discovered = ExternalTool.run(Shipped.PROMETHEUS, TIMEOUT,
                List.of("promtool", "check", "service-discovery", "prometheus-oversight-up.yml", "oversight"));
        assertThat(discovered.exitCode()).as(discovered.output()).isZero();
        assertThat(discovered.output()).contains("\"instance\": \"127.0.0.1:8080\"")
                .contains("targets/oversight-up.yml");
    }

    @Test
    void alertingRulesAreValidAndPassTheirUnitTests() {
        ExternalTool.Result check = ExternalTool.run(Shipped.PROMETHEUS, TIMEOUT,
                List.of("promtool", "check", "rules", "rules/oversight.rules.yml"));
        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS: 6 rules found");
        ExternalTool.Result tests = ExternalTool.run(Shipped.PROMETHEUS, TIMEOUT,
                List.of("promtool", "test", "rules", "tests/oversight.rules.test.yml"));
        assertThat(tests.exitCode()).as(tests.output()).isZero();
        assertThat(tests.output()).contains("SUCCESS");
    }

    @Test
    void everyAlertingRuleHasSeveritySummaryAndDescription() throws Exception {
        String rules = Files.readString(Shipped.PROMETHEUS.resolve("rules/oversight.rules.yml"));
        int alerts = rules.split("- alert: ", -1).length - 1;
        assertThat(alerts).isEqualTo(6);
        assertThat(rules.split("severity: ", -1).length - 1).isEqualTo(alerts);
        assertThat(rules.split("summary: ", -1).length - 1).isEqualTo(alerts);
        assertThat(rules.split("description: ", -1).length - 1).isEqualTo(alerts);
    }

    @Test
    void aBrokenRuleFileFailsTheCheck(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("broken.yml"), "groups:\n  - name: x\n    rules:\n      - alert: X\n        expr: sum(rate(\n");
        ExternalTool.Result result = ExternalTool.run(dir, TIMEOUT, List.of("promtool", "check", "rules", "broken.yml"));
        assertThat(result.exitCode()).isNotZero();
    }

    @Test
    void alertmanagerAcceptsTheExampleWithRoutesPerSeverity() throws Exception {
        ExternalTool.Result result = ExternalTool.run(Shipped.ALERTMANAGER, TIMEOUT,
                List.of("amtool", "check-config", "alertmanager.yml"));
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS");
        String config = Files.readString(Shipped.ALERTMANAGER.resolve("alertmanager.yml"));
        assertThat(config).contains("severity=\"critical\"").contains("severity=\"warning\"");
    }

    @Test
    void dockerComposeFileIsValid() {
        ExternalTool.Result result = ExternalTool.run(Shipped.REPOSITORY, TIMEOUT,
                List.of("docker-compose", "config", "-q"));
        assertThat(result.exitCode()).as(result.output()).isZero();
        ExternalTool.Result services = ExternalTool.run(Shipped.REPOSITORY, TIMEOUT,
                List.of("docker-compose", "config", "--services"));
        assertThat(services.output().lines().toList()).containsExactlyInAnyOrder(
                "kafka", "ingest", "policy-stream", "rollback-worker", "report", "prometheus", "alertmanager", "grafana");
        ExternalTool.Result config = ExternalTool.run(Shipped.REPOSITORY, TIMEOUT, List.of("docker-compose", "config"));
        assertThat(config.output()).as("Prometheus keeps what the Compliance dashboard's 90 days read")
                .contains("--storage.tsdb.retention.time=91d");
        ExternalTool.Result volumes = ExternalTool.run(Shipped.REPOSITORY, TIMEOUT,
                List.of("docker-compose", "config", "--volumes"));
        assertThat(volumes.output().lines().toList()).contains("kafka-data", "policy-state", "report-data",
                "prometheus-data", "grafana-data");
    }

    @Test
    void dashboardsMatchGrafanasDashboardSchema(@TempDir Path dir) throws Exception {
        ExternalTool.Result install = ExternalTool.run(Shipped.SCHEMA_CHECK, Duration.ofMinutes(5),
                List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"));
        assertThat(install.exitCode()).as(install.output()).isZero();

        List<String> command = new ArrayList<>(List.of("node", "validate.mjs"));
        Shipped.dashboards().forEach(d -> command.add(d.toString()));
        ExternalTool.Result valid = ExternalTool.run(Shipped.SCHEMA_CHECK, TIMEOUT, command);
        assertThat(valid.exitCode()).as(valid.output()).isZero();
        assertThat(valid.output().lines().filter(l -> l.endsWith(": valid")).count()).isEqualTo(4);

        // The check can fail: the overview with a panel's grid position taken away, and a misspelt key.
        String overview = Files.readString(Shipped.DASHBOARDS.resolve("overview.json"));
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, overview.replaceFirst("\"gridPos\": \\{", "\"gridPosition\": {")
                .replaceFirst("\"title\":", "\"titel\":"));
        ExternalTool.Result invalid = ExternalTool.run(Shipped.SCHEMA_CHECK, TIMEOUT,
                List.of("node", "validate.mjs", broken.toString()));
        assertThat(invalid.exitCode()).isEqualTo(1);
        assertThat(invalid.output()).contains("INVALID").contains("titel");
    }
}
