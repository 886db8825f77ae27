package dev.oversight.report.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oversight.events.Action;
import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import dev.oversight.events.json.Json;
import dev.oversight.events.kafka.Topics;
import dev.oversight.report.Samples;
import dev.oversight.runtime.kafka.KafkaConnection;
import dev.oversight.runtime.kafka.TopicProvisioner;
import dev.oversight.testing.kafka.RealKafka;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit package read from a real broker fed with verdicts and actions as policy-stream and the worker write
 * them: what is in it is checked against what was produced, not against the package's own numbers.
 */
@ExtendWith(RealKafka.class)
class AuditPackageIT {

    private static final LocalDate FROM = LocalDate.parse("2026-03-03");
    private static final LocalDate TO = LocalDate.parse("2026-03-07");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static KafkaConnection kafka;
    /** The final verdict of every deploy produced, by deploy id; and every verdict, to know what was flagged. */
    private static final Map<String, Verdict> finals = new LinkedHashMap<>();
    private static final Map<String, List<Verdict>> history = new HashMap<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void produce() {
        kafka = new KafkaConnection(RealKafka.bootstrapServers(), "audit" + UUID.randomUUID().toString()
                .substring(0, 8) + ".", 3, 1, Map.of());
        TopicProvisioner.ensure(kafka, Duration.ofSeconds(30));
        Samples samples = new Samples(1313, Instant.parse("2026-03-01T08:00:00Z"));
        Map<String, Object> props = kafka.common("audit-it");
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "audit-it-" + UUID.randomUUID());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 400; i++) {   // 37 minutes apart: ten days from March 1st
                Samples.Deploy d = samples.next();
                for (Verdict v : d.verdicts()) {
                    producer.send(new ProducerRecord<>(kafka.topic(Topics.VERDICTS).name(), v.repository(),
                            Json.toBytes(v)));
                    finals.put(v.deployId(), v);
                    history.computeIfAbsent(v.deployId(), k -> new ArrayList<>()).add(v);
                }
                for (Action a : d.actions()) {
                    producer.send(new ProducerRecord<>(kafka.topic(Topics.ACTIONS).name(), a.verdictId(),
                            Json.toBytes(a)));
                }
            }
            producer.commitTransaction();
        }
    }

    @Test
    void thePopulationIsEveryDeployInScopeWithItsFinalVerdict() throws Exception {
        Path out = extract("seed=7", "environment=production");
        List<String> expected = inScope("production").map(Verdict::deployId).toList();
        List<Map<String, String>> population = csv(out.resolve("population.csv"));
        assertThat(population).extracting(r -> r.get("deploy_id")).containsExactlyElementsOf(expected);
        for (Map<String, String> row : population) {
            assertThat(row.get("status")).isEqualTo(finals.get(row.get("deploy_id")).status().name());
        }
        assertThat(population).extracting(r -> r.get("status")).contains("COMPLIANT");
        assertThat(Files.readAllLines(out.resolve("population.jsonl"))).hasSize(expected.size())
                .allSatisfy(line -> assertThat(JSON.readTree(line).get("environment").asText())
                        .isEqualTo("production"));
        List<String> flagged = inScope("production").filter(v -> flagged(v.deployId())).map(Verdict::deployId)
                .toList();
        assertThat(csv(out.resolve("exceptions.csv"))).extracting(r -> r.get("deploy_id"))
                .containsExactlyElementsOf(flagged);
        JsonNode manifest = JSON.readTree(out.resolve("manifest.json").toFile());
        assertThat(manifest.at("/rows/population.csv").asLong()).isEqualTo(expected.size());
        assertThat(manifest.at("/filters/environment").asText()).isEqualTo("production");
        assertThat(manifest.at("/source/kind").asText()).isEqualTo("kafka");
        // These verdicts were written without ledger links: every chain's head is the empty one.
        assertThat(manifest.at("/ledger/status").asText()).isEqualTo("available");
        assertThat(manifest.at("/ledger/heads")).isNotEmpty()
                .allSatisfy(head -> assertThat(head.get("seq").asLong()).isZero());
    }

    @Test
    void theSampleIsTheSameForTheSameSeedAndDrawnAsDocumented() throws Exception {
        List<String> first = sample(extract("seed=42", "sample=12"));
        List<String> again = sample(extract("seed=42", "sample=12"));
        List<String> other = sample(extract("seed=43", "sample=12"));
        assertThat(first).hasSize(12).isEqualTo(again).isNotEqualTo(other);
        // Drawn again from the population alone, by the algorithm the README gives.
        List<String> population = inScope(null).map(Verdict::deployId).toList();
        List<String> byKey = population.stream().sorted(Comparator.comparing(id -> sha256("42:" + id))).limit(12)
                .toList();
        assertThat(first).containsExactlyElementsOf(population.stream().filter(byKey::contains).toList());
    }

    @Test
    void theManifestHashesEveryFileOfThePackage() throws Exception {
        Path out = extract("seed=5", "sample=4");
        JsonNode manifest = JSON.readTree(out.resolve("manifest.json").toFile());
        Set<String> listed = new java.util.HashSet<>();
        for (JsonNode f : manifest.get("files")) {
            Path file = out.resolve(f.get("name").asText());
            assertThat(sha256(Files.readAllBytes(file))).as(f.get("name").asText()).isEqualTo(f.get("sha256").asText());
            assertThat(Files.size(file)).isEqualTo(f.get("bytes").asLong());
            listed.add(f.get("name").asText());
        }
        try (Stream<Path> files = Files.walk(out)) {
            Set<String> present = files.filter(Files::isRegularFile).map(p -> out.relativize(p).toString())
                    .filter(name -> !name.equals("manifest.json")).collect(Collectors.toSet());
            assertThat(listed).isEqualTo(present);
        }
        assertThat(listed).contains("summary.pdf", "population.csv", "population.jsonl", "sample.csv",
                "exceptions.csv");
        assertThat(listed.stream().filter(n -> n.startsWith("evidence/") && n.endsWith(".pdf"))).hasSize(4);
        assertThat(manifest.at("/sample/seed").asLong()).isEqualTo(5);
    }

    @Test
    void thePdfsSayWhoWroteApprovedAndDeployedAndTheComplianceRate() throws Exception {
        Path out = extract("seed=11", "sample=25");
        for (String deployId : sample(out)) {
            Verdict v = finals.get(deployId);
            String text = pdfText(out.resolve("evidence").resolve(AuditPackage.fileName(deployId) + ".pdf"));
            assertThat(text).contains(deployId, v.status().name(), v.deployer(), v.policy().version());
            for (Verdict.ChangeSummary change : v.changes()) {
                assertThat(text).contains(change.author());
                change.approvers().forEach(approver -> assertThat(text).contains(approver));
            }
            boolean authored = v.changes().stream().anyMatch(c -> c.author().equalsIgnoreCase(v.deployer()));
            assertThat(text.contains("MARKED: the deployer")).as(deployId).isEqualTo(authored);
        }
        List<Verdict> judged = inScope(null).filter(v -> v.status() != VerdictStatus.PENDING
                && v.status() != VerdictStatus.BASELINE).toList();
        long compliant = judged.stream().filter(v -> !flagged(v.deployId())).count();
        String rate = String.format(Locale.ROOT, "%.1f %%", 100.0 * compliant / judged.size());
        assertThat(pdfText(out.resolve("summary.pdf"))).contains("Compliance rate: " + rate,
                compliant + " of " + judged.size() + " judged deploys");
    }

    private Path extract(String... params) throws Exception {
        Map<String, String> p = new HashMap<>(Map.of("from", FROM.toString(), "to", TO.toString()));
        for (String kv : params) {
            p.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        AuditScope scope = AuditScope.parse(p::get);
        Path out = dir.resolve(UUID.randomUUID().toString());
        try (PackageOutput files = PackageOutput.directory(out)) {
            new KafkaExtract(kafka, Duration.ofSeconds(30)).write(scope, "test " + p,
                    new AuditPackage(Clock.systemUTC()), files, (read, total) -> { });
        }
        return out;
    }

    /** The final verdicts of the deploys in [FROM, TO] (UTC days), in the deploys' order. */
    private static Stream<Verdict> inScope(String environment) {
        Instant start = FROM.atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant end = TO.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        return finals.values().stream()
                .filter(v -> !v.deployedAt().isBefore(start) && v.deployedAt().isBefore(end))
                .filter(v -> environment == null || environment.equals(v.environment()))
                .sorted(Comparator.comparing(Verdict::deployedAt).thenComparing(Verdict::deployId));
    }

    private static boolean flagged(String deployId) {
        return history.get(deployId).stream().anyMatch(v -> v.status() == VerdictStatus.VIOLATION
                || v.status() == VerdictStatus.EXCEPTION);
    }

    private static List<String> sample(Path out) throws IOException {
        return csv(out.resolve("sample.csv")).stream().map(r -> r.get("deploy_id")).toList();
    }

    /** A CSV file as rows keyed by the header (fields here hold no comma, quote or line break but reasons). */
    private static List<Map<String, String>> csv(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        String[] header = lines.get(0).split(",", -1);
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.length; i++) {
                row.put(header[i], fields[i]);
            }
            rows.add(row);
        }
        return rows;
    }

    private static String pdfText(Path pdf) throws IOException {
        try (PDDocument document = Loader.loadPDF(pdf.toFile())) {
            return new PDFTextStripper().getText(document).replaceAll("\\s+", " ");
        }
    }

    private static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
