package dev.oversight.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.events.json.Json;
import dev.oversight.report.web.Fmt;
import dev.oversight.testing.kafka.RealKafka;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The pages and exports of a report fed through a real broker, read over HTTP from loopback (no token). */
@ExtendWith(RealKafka.class)
class ReportPagesIT {

    @TempDir
    static Path dir;

    private static ReportFixture report;

    @BeforeAll
    static void start() throws Exception {
        report = ReportFixture.start(dir, 120, Optional.empty());
    }

    @AfterAll
    static void stop() {
        if (report != null) {
            report.close();
        }
    }

    @Test
    void theCsvExportHoldsEveryDeployWithItsFinalVerdictFromTheTopic() throws Exception {
        HttpResponse<String> csv = report.get("/deploys?format=csv");
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
        // Streamed in chunks: the length is not known before the last row.
        assertThat(csv.headers().firstValue("Content-Length")).isEmpty();
        List<List<String>> rows = ReportFixture.parseCsv(csv.body());
        List<String> header = rows.get(0);
        assertThat(header).startsWith("deploy_id", "deployed_at", "status");
        Map<String, String> exported = new HashMap<>();
        rows.subList(1, rows.size()).forEach(r -> exported.put(r.get(0), r.get(2)));
        assertThat(rows).hasSize(exported.size() + 1);
        assertThat(exported).isEqualTo(report.finalStatusesOnTheTopic());
    }

    @Test
    void aFilteredExportHoldsOnlyWhatTheFilterLetsThrough() throws Exception {
        List<List<String>> rows = ReportFixture.parseCsv(
                report.get("/deploys?format=csv&service=payments&environment=production").body());
        int service = rows.get(0).indexOf("service");
        int environment = rows.get(0).indexOf("environment");
        assertThat(rows).hasSizeGreaterThan(2);
        assertThat(rows.subList(1, rows.size())).allSatisfy(r -> {
            assertThat(r.get(service)).isEqualTo("payments");
            assertThat(r.get(environment)).isEqualTo("production");
        });
        Map<String, String> expected = new HashMap<>();
        report.finalStatusesOnTheTopic().forEach((id, status) -> {
            if (id.startsWith("github:acme/payments/")) {
                expected.put(id, status);
            }
        });
        assertThat(rows.size() - 1).isLessThanOrEqualTo(expected.size());
    }

    @Test
    void theJsonLinesExportHasOneObjectPerDeploy() throws Exception {
        String body = report.get("/deploys?format=jsonl&status=VIOLATION").body();
        List<String> lines = body.lines().toList();
        assertThat(lines).isNotEmpty();
        for (String line : lines) {
            JsonNode row = Json.mapper().readTree(line);
            assertThat(row.get("status").asText()).isEqualTo("VIOLATION");
            assertThat(row.get("reasons").isArray()).isTrue();
            assertThat(row.get("deployed_at").asText()).endsWith("Z");
        }
        long violations = report.finalStatusesOnTheTopic().values().stream().filter("VIOLATION"::equals).count();
        assertThat(lines).hasSize((int) violations);
    }

    @Test
    void theOverviewShowsTheRatesAsSvgForThePeriodInTheAddress() throws Exception {
        HttpResponse<String> page = report.get("/overview?from=2026-03-01&to=2026-03-31");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Compliance rate by week", "<svg", "Violations by reason", "Break-glass",
                "value=\"2026-03-01\"");
        assertThat(page.body()).doesNotContain("<script");
        HttpResponse<String> empty = report.get("/overview?from=2020-01-01&to=2020-01-31");
        assertThat(empty.body()).contains("0 of 0 judged deploys");
    }

    @Test
    void aDeployPageAnswersAtItsIdEncodedOrNot() throws Exception {
        String id = "github:acme/search/deployments/1003";
        Map<String, String> statuses = report.finalStatusesOnTheTopic();
        String anyId = statuses.keySet().stream().filter(k -> !k.equals(ReportFixture.SCRIPT_DEPLOY)).findFirst()
                .orElseThrow();
        for (String path : List.of(Fmt.deployLink(anyId), "/deploys/" + URLEncoder.encode(anyId, StandardCharsets.UTF_8))) {
            HttpResponse<String> page = report.get(path);
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            assertThat(page.body()).contains(anyId, "Verdicts", "Changes", "Evidence", statuses.get(anyId));
        }
        assertThat(report.get(Fmt.deployLink(id + "-none")).statusCode()).isEqualTo(404);
    }

    @Test
    void userDataIsEscapedEverywhere() throws Exception {
        HttpResponse<String> page = report.get(Fmt.deployLink(ReportFixture.SCRIPT_DEPLOY));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).doesNotContain("<script>alert", "<img src=x")
                .contains("&lt;script&gt;alert(")
                .contains("segregation of duties");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                csp -> assertThat(csp).contains("default-src 'none'"));
        String list = report.get("/deploys?service=payments&sod=true").body();
        assertThat(list).contains(ReportFixture.SCRIPT_DEPLOY).doesNotContain("<script>alert");
        String filter = report.get("/deploys?team=%3Cscript%3Ealert(1)%3C/script%3E").body();
        assertThat(filter).doesNotContain("<script>alert");
    }

    @Test
    void theExceptionsRegisterListsEveryFlaggedDeployWithItsState() throws Exception {
        List<List<String>> rows = ReportFixture.parseCsv(report.get("/exceptions?format=csv").body());
        int state = rows.get(0).indexOf("state");
        assertThat(rows.subList(1, rows.size())).extracting(r -> r.get(state))
                .containsAnyOf("open", "remediated", "rolled-back", "expired")
                .allMatch(s -> List.of("open", "remediated", "rolled-back", "expired").contains(s));
        List<List<String>> rolledBack = ReportFixture.parseCsv(report.get("/exceptions?format=csv&state=rolled-back").body());
        assertThat(rolledBack.subList(1, rolledBack.size())).allSatisfy(r -> assertThat(r.get(state)).isEqualTo("rolled-back"));
        assertThat(report.get("/exceptions?state=rolled-back").body()).contains("SUCCEEDED");
    }

    @Test
    void anUnreadableFilterIsABadRequestThatSaysWhich() throws Exception {
        HttpResponse<String> bad = report.get("/deploys?from=yesterday&status=GREEN");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("from must be a day as YYYY-MM-DD", "status must be one of");
    }

    @Test
    void pagingKeepsTheFilter() throws Exception {
        String first = report.get("/deploys?environment=production").body();
        assertThat(first).contains("page 1 of").contains("href=\"/deploys?environment=production&amp;page=2\"");
        String second = report.get("/deploys?environment=production&page=2").body();
        assertThat(second).contains("page 2 of");
    }
}
