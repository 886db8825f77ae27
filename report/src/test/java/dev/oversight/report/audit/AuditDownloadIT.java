package dev.oversight.report.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oversight.report.ReportFixture;
import dev.oversight.testing.kafka.RealKafka;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /reports/audit} of a running report service fed through a real broker, behind its token. */
@ExtendWith(RealKafka.class)
class AuditDownloadIT {

    private static final String TOKEN = "audit-token-0123456789";
    private static final String MARCH = "/reports/audit?from=2026-03-01&to=2026-03-31";

    @TempDir
    static Path dir;

    private static ReportFixture report;

    @BeforeAll
    static void start() throws Exception {
        report = ReportFixture.start(dir, 120, Optional.of(TOKEN));
    }

    @AfterAll
    static void stop() {
        if (report != null) {
            report.close();
        }
    }

    @Test
    void thePackageIsAZipOfThePopulationFromTheTopicWithEveryFileHashed() throws Exception {
        HttpResponse<byte[]> response = download(MARCH + "&seed=3&sample=10&team=payments");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/zip");
        assertThat(response.headers().firstValue("Content-Disposition").orElseThrow())
                .contains("oversight-audit-2026-03-01_2026-03-31.zip");
        Map<String, byte[]> files = unzip(response.body(), "oversight-audit-2026-03-01_2026-03-31/");
        JsonNode manifest = new ObjectMapper().readTree(files.get("manifest.json"));
        assertThat(manifest.get("files")).hasSize(files.size() - 1);
        for (JsonNode f : manifest.get("files")) {
            byte[] content = files.get(f.get("name").asText());
            assertThat(content).as(f.get("name").asText()).isNotNull();
            assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)))
                    .isEqualTo(f.get("sha256").asText());
        }
        assertThat(manifest.at("/source/kind").asText()).isEqualTo("service");
        assertThat(manifest.at("/query").asText()).isEqualTo(MARCH + "&seed=3&sample=10&team=payments");
        assertThat(manifest.at("/sample/seed").asLong()).isEqualTo(3);

        // Every deploy of the team on the topic is in the population, with its final status from the topic.
        Map<String, String> onTopic = report.finalStatusesOnTheTopic();
        List<List<String>> population = ReportFixture.parseCsv(
                new String(files.get("population.csv"), StandardCharsets.UTF_8));
        List<String> header = population.get(0);
        Map<String, String> statuses = new LinkedHashMap<>();
        for (List<String> row : population.subList(1, population.size())) {
            assertThat(row.get(header.indexOf("team"))).isEqualTo("payments");
            statuses.put(row.get(0), row.get(header.indexOf("status")));
        }
        long payments = population.size() - 1;
        assertThat(payments).isPositive().isEqualTo(manifest.at("/rows/population.csv").asLong());
        statuses.forEach((deploy, status) -> assertThat(status).as(deploy).isEqualTo(onTopic.get(deploy)));
        assertThat(onTopic.keySet().stream().filter(id -> id.startsWith("github:acme/payments/")
                || id.startsWith("github:acme/ledger/")).count()).isEqualTo(payments);
    }

    @Test
    void evidenceShowsWhatTheVerdictSaidEscapedInTheHtmlAndLegibleInThePdf() throws Exception {
        HttpResponse<byte[]> response = download(MARCH + "&seed=8&sample=1000");
        Map<String, byte[]> files = unzip(response.body(), "oversight-audit-2026-03-01_2026-03-31/");
        String name = "evidence/" + AuditPackage.fileName(ReportFixture.SCRIPT_DEPLOY);
        String html = new String(files.get(name + ".html"), StandardCharsets.UTF_8);
        assertThat(html).doesNotContain(ReportFixture.SCRIPT_LOGIN).contains("&lt;script&gt;");
        String pdf;
        try (PDDocument document = Loader.loadPDF(files.get(name + ".pdf"))) {
            pdf = new PDFTextStripper().getText(document).replaceAll("\\s+", " ");
        }
        assertThat(pdf).contains(ReportFixture.SCRIPT_DEPLOY, ReportFixture.SCRIPT_LOGIN, "SELF_APPROVAL",
                "MARKED: the deployer");
    }

    @Test
    void withoutTheTokenOrWithoutAPeriodThereIsNoPackage() throws Exception {
        HttpResponse<String> anonymous = report.http.send(HttpRequest.newBuilder(
                URI.create(report.base() + MARCH)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        HttpResponse<byte[]> noPeriod = download("/reports/audit?from=2026-03-01&sample=-1");
        assertThat(noPeriod.statusCode()).isEqualTo(400);
        assertThat(new String(noPeriod.body(), StandardCharsets.UTF_8)).contains("to is required",
                "sample must be a number of deploys from 0 to 1000");
    }

    private static HttpResponse<byte[]> download(String pathAndQuery) throws IOException, InterruptedException {
        return report.http.send(HttpRequest.newBuilder(URI.create(report.base() + pathAndQuery))
                .header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static Map<String, byte[]> unzip(byte[] zip, String folder) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                assertThat(e.getName()).startsWith(folder);
                files.put(e.getName().substring(folder.length()), in.readAllBytes());
            }
        }
        return files;
    }
}
