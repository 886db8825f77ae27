package dev.oversight.report;

import dev.oversight.events.Action;
import dev.oversight.events.ReasonCode;
import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import dev.oversight.events.json.Json;
import dev.oversight.events.kafka.Topics;
import dev.oversight.runtime.ServiceRunner;
import dev.oversight.runtime.kafka.KafkaConnection;
import dev.oversight.runtime.kafka.TopicProvisioner;
import dev.oversight.runtime.metrics.MetricsSetup;
import dev.oversight.testing.Await;
import dev.oversight.testing.kafka.RealKafka;
import dev.oversight.testing.kafka.TopicProbe;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A report service on a real broker, fed with generated deploys ({@link Samples}) through the topics, on a free
 * loopback port; plus a deploy whose deployer's login is a {@code <script>} (and who authored its change).
 */
public final class ReportFixture implements AutoCloseable {

    public static final Instant START = Instant.parse("2026-03-02T08:00:00Z");
    public static final String SCRIPT_LOGIN = "<script>alert('owned')</script>";
    public static final String SCRIPT_DEPLOY = "github:acme/payments/deployments/script";

    public final KafkaConnection kafka;
    public final ReportService service;
    public final ServiceRunner runner;
    public final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private ReportFixture(KafkaConnection kafka, ReportService service, ServiceRunner runner) {
        this.kafka = kafka;
        this.service = service;
        this.runner = runner;
    }

    /** Produces {@code deploys} deploys, starts the report and waits until it has read them. */
    public static ReportFixture start(Path dataDir, int deploys, Optional<String> token) throws Exception {
        KafkaConnection kafka = new KafkaConnection(RealKafka.bootstrapServers(),
                "rp" + UUID.randomUUID().toString().substring(0, 8) + ".", 3, 1, Map.of());
        TopicProvisioner.ensure(kafka, Duration.ofSeconds(30));
        int records = produce(kafka, deploys);
        ReportConfig config = new ReportConfig(dataDir.resolve("report").resolve("report.duckdb"), token, 500, 20,
                Duration.ofDays(30), "127.0.0.1", 0, kafka);
        ReportService service = new ReportService(config, MetricsSetup.prometheus(),
                Clock.fixed(START.plus(Duration.ofDays(30)), ZoneOffset.UTC));
        ServiceRunner runner = ServiceRunner.start("127.0.0.1", 0, Duration.ofSeconds(30), MetricsSetup.prometheus(),
                List.of(service));
        ReportFixture fixture = new ReportFixture(kafka, service, runner);
        Await.until("the report has read every verdict", () -> {
            try {
                return service.database().count("verdicts") + service.database().count("actions");
            } catch (Exception e) {
                return -1L;
            }
        }, n -> n == records, Duration.ofSeconds(60));
        return fixture;
    }

    private static int produce(KafkaConnection kafka, int deploys) {
        Samples samples = new Samples(42, START);
        int records = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.common("report-fixture"),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < deploys; i++) {
                Samples.Deploy d = samples.next();
                for (Verdict v : d.verdicts()) {
                    producer.send(new ProducerRecord<>(kafka.topic(Topics.VERDICTS).name(), v.repository(),
                            Json.toBytes(v)));
                    records++;
                }
                for (Action a : d.actions()) {
                    producer.send(new ProducerRecord<>(kafka.topic(Topics.ACTIONS).name(), a.verdictId(),
                            Json.toBytes(a)));
                    records++;
                }
            }
            Verdict script = new Verdict(2, Verdict.verdictId(SCRIPT_DEPLOY, 1), 1, SCRIPT_DEPLOY,
                    "github:acme/payments", "payments", "production", "a".repeat(40), null, VerdictStatus.VIOLATION,
                    List.of(new Verdict.Reason(ReasonCode.SELF_APPROVAL, "approved only by " + SCRIPT_LOGIN)),
                    List.of(new Verdict.ChangeSummary("github:acme/payments#9", "<img src=x onerror=alert(1)>", null,
                            SCRIPT_LOGIN, List.of(SCRIPT_LOGIN), "a".repeat(40), "a".repeat(40))),
                    List.of(), new Verdict.PolicyRef("acme-default", "sha256:00"), START.plusSeconds(90),
                    START.plusSeconds(30), SCRIPT_LOGIN, "payments", null, null, List.of("d-1"),
                    new Verdict.Decision(true, "alert", false));
            producer.send(new ProducerRecord<>(kafka.topic(Topics.VERDICTS).name(), script.repository(),
                    Json.toBytes(script)));
            records++;
            producer.flush();
        }
        return records;
    }

    public String base() {
        return "http://127.0.0.1:" + runner.httpPort();
    }

    public HttpResponse<String> get(String pathAndQuery, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + pathAndQuery)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The deploys' final statuses as on the verdicts topic: the status of each deploy's highest revision. */
    public Map<String, String> finalStatusesOnTheTopic() {
        try (TopicProbe<Verdict> probe = new TopicProbe<>(kafka.bootstrapServers(),
                kafka.topic(Topics.VERDICTS).name(), kafka.topic(Topics.VERDICTS).valueSerde().deserializer())) {
            Map<String, Verdict> latest = new LinkedHashMap<>();
            for (ConsumerRecord<String, Verdict> r : probe.readToEnd(Duration.ofSeconds(30))) {
                Verdict v = r.value();
                latest.merge(v.deployId(), v, (a, b) -> b.revision() >= a.revision() ? b : a);
            }
            Map<String, String> statuses = new LinkedHashMap<>();
            latest.forEach((id, v) -> statuses.put(id, v.status().name()));
            return statuses;
        }
    }

    /** Parses RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks. */
    public static List<List<String>> parseCsv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
            } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                row.add(field.toString());
                field.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                i++;
            } else {
                field.append(c);
            }
        }
        if (!row.isEmpty() || field.length() > 0) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }

    @Override
    public void close() {
        runner.close();
    }
}
