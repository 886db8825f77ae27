package dev.oversight.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import dev.oversight.events.json.Json;
import dev.oversight.events.kafka.Topics;
import dev.oversight.runtime.kafka.KafkaConnection;
import dev.oversight.runtime.kafka.TopicProvisioner;
import dev.oversight.testing.kafka.RealKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code oversight report} against a real cluster: the package of the period, as the command line writes it. */
@ExtendWith(RealKafka.class)
class ReportCommandIT {

    @Test
    void writesTheAuditPackageOfThePeriodFromTheCluster(@TempDir Path dir) throws Exception {
        // The default topic names, as the command reads them without OVERSIGHT_TOPIC_PREFIX; a period of its own.
        KafkaConnection kafka = KafkaConnection.local(RealKafka.bootstrapServers());
        TopicProvisioner.ensure(kafka, Duration.ofSeconds(30));
        List<String> inPeriod = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.common("report-command-it"),
                new StringSerializer(), new ByteArraySerializer())) {
            Instant first = Instant.parse("2031-02-27T10:00:00Z");
            for (int i = 0; i < 12; i++) {
                Instant at = first.plus(Duration.ofHours(12L * i));  // Feb 27 to Mar 4
                Verdict v = verdict("github:acme/ledger/deployments/" + (700 + i), at,
                        i % 3 == 0 ? VerdictStatus.VIOLATION : VerdictStatus.COMPLIANT);
                producer.send(new ProducerRecord<>(kafka.topic(Topics.VERDICTS).name(), v.repository(),
                        Json.toBytes(v)));
                if (!at.isBefore(Instant.parse("2031-03-01T00:00:00Z"))) {
                    inPeriod.add(v.deployId());
                }
            }
        }
        Path out = dir.resolve("audit");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int status = OversightCli.run(new String[] {"report", "--from", "2031-03-01", "--to", "2031-03-31",
                "--out", out.toString(), "--bootstrap-servers", RealKafka.bootstrapServers(), "--seed", "9",
                "--sample", "3"}, new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));

        assertThat(status).as(stderr.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("reading the verdicts and actions [",
                "100%");
        assertThat(stdout.toString(StandardCharsets.UTF_8)).contains(inPeriod.size() + " deploys, 3 sampled (seed 9)");
        List<String> population = Files.readAllLines(out.resolve("population.csv"));
        assertThat(population.subList(1, population.size())).extracting(line -> line.substring(0, line.indexOf(',')))
                .containsExactlyElementsOf(inPeriod);
        JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertThat(manifest.at("/query").asText()).startsWith("oversight report --from 2031-03-01");
        assertThat(manifest.at("/source/bootstrapServers").asText()).isEqualTo(RealKafka.bootstrapServers());
        assertThat(manifest.at("/sample/deployIds")).hasSize(3);
        assertThat(out.resolve("summary.pdf")).isNotEmptyFile();
    }

    private static Verdict verdict(String deployId, Instant at, VerdictStatus status) {
        String sha = "ab".repeat(20);
        return new Verdict(2, Verdict.verdictId(deployId, 1), 1, deployId, "github:acme/ledger", "ledger",
                "production", sha, null, status, List.of(),
                List.of(new Verdict.ChangeSummary("github:acme/ledger#1", "Fix", null, "ana", List.of("bo"), sha,
                        sha)),
                List.of(new Verdict.CheckSummary("build", "success", sha, null)),
                new Verdict.PolicyRef("acme", "sha256:00"), at.plusSeconds(60), at, "deploy-bot", "ledger", null,
                null, List.of("delivery-1"), new Verdict.Decision(true, "alert", false));
    }
}
