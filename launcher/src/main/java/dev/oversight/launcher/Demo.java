package dev.oversight.launcher;

import dev.oversight.events.Action;
import dev.oversight.events.ReasonCode;
import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import dev.oversight.events.json.Json;
import dev.oversight.events.kafka.Topic;
import dev.oversight.events.kafka.Topics;
import dev.oversight.ingest.IngestConfig;
import dev.oversight.rollback.WorkerConfig;
import dev.oversight.runtime.config.CommonSettings;
import dev.oversight.runtime.config.Settings;
import dev.oversight.runtime.http.RecordingHttpServer;
import dev.oversight.runtime.kafka.KafkaConnection;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@code oversight demo}: the whole platform on the embedded broker, a scripted set of signed GitHub webhooks
 * played through HTTP, then the verdicts and what the worker did, as a user would see them.
 */
public final class Demo {

    /** The demo's policy: the default's rules, with a grace period short enough to watch. */
    static final String POLICY = """
            # The demo's policy: the built-in default's rules, with a 3 s grace period so the demo finishes quickly.
            name: oversight-demo
            grace: 3s
            environments:
              production: { protected: true, action: alert }
            rules:
              - match: {}
                approvals: { count: 1, onFinalHead: true }
                checks: all-reported
            """;

    /** The prefix of the demo's topics: never those of {@code oversight up}, whatever broker they would be on. */
    static final String TOPIC_PREFIX = "oversight-demo.";

    private final PrintStream out;
    private final PrintStream err;
    private final SecureRandom random = new SecureRandom();

    public Demo(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** A step of the script and the verdict it should lead to. */
    private record Scenario(String title, long deploymentId, String deployId, VerdictStatus expected,
                            ReasonCode expectedReason, List<GitHubPayloads.Delivery> deliveries) {}

    /**
     * Runs the demo on an Oversight of its own: a temporary data directory (removed at the end, on Ctrl-C too), its
     * own embedded broker on a free port, topics of its own ({@link #TOPIC_PREFIX}); none of the user's
     * configuration is read, so neither the data of {@code oversight up} nor its alert sinks are ever touched.
     *
     * @param httpPort its HTTP port; 0 picks a free one
     * @param keep     leave it running after the scenarios, until Ctrl-C
     * @return 0 when every scenario got the verdict it should have, 1 otherwise
     */
    public int run(int httpPort, boolean keep) throws Exception {
        Path dataDir = Files.createTempDirectory("oversight-demo-");
        Cleanup cleanup = new Cleanup(dataDir);
        Thread hook = new Thread(cleanup::run, "oversight-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            int status = run(dataDir, httpPort, keep, cleanup);
            if (keep && status == 0) {
                new CountDownLatch(1).await();
            }
            return status;
        } finally {
            cleanup.run();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running, or has.
            }
        }
    }

    /** Stops the demo's platform and removes its data, once, whether the demo ended or was interrupted. */
    private final class Cleanup implements Runnable {
        private final Path dataDir;
        private final List<AutoCloseable> open = new ArrayList<>();
        private boolean done;

        Cleanup(Path dataDir) {
            this.dataDir = dataDir;
        }

        synchronized void closeAtEnd(AutoCloseable closeable) {
            open.add(0, closeable);
        }

        @Override
        public synchronized void run() {
            if (done) {
                return;
            }
            done = true;
            for (AutoCloseable closeable : open) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    err.println("oversight demo: " + e);
                }
            }
            try {
                deleteRecursively(dataDir);
            } catch (IOException | UncheckedIOException e) {
                err.println("oversight demo: could not remove " + dataDir + ": " + e.getMessage());
            }
        }
    }

    private int run(Path dataDir, int httpPort, boolean keep, Cleanup cleanup) throws Exception {
        long started = System.nanoTime();
        String secret = HexFormat.of().formatHex(bytes(16));
        Path policyFile = dataDir.resolve("demo-policy.yaml");
        Files.writeString(policyFile, POLICY);
        RecordingHttpServer receiver = RecordingHttpServer.start();
        cleanup.closeAtEnd(receiver);
        Map<String, String> demo = new LinkedHashMap<>();
        demo.put(CommonSettings.DATA_DIR.name(), dataDir.toString());
        demo.put(Platform.KAFKA_PORT.name(), "0");
        demo.put(KafkaConnection.TOPIC_PREFIX.name(), TOPIC_PREFIX);
        demo.put(CommonSettings.HTTP_HOST.name(), "127.0.0.1");
        demo.put(CommonSettings.HTTP_PORT.name(), Integer.toString(httpPort));
        demo.put(IngestConfig.GITHUB_SECRET.name(), secret);
        demo.put(IngestConfig.INSTANCE_ID.name(), "demo");
        demo.put(CommonSettings.POLICY_FILE.name(), policyFile.toString());
        demo.put(WorkerConfig.ALERT_WEBHOOK_URL.name(), receiver.url("/oversight-alerts").toString());
        out.println("Starting a demo Oversight of its own: an embedded Kafka broker on a free port, topics "
                + TOPIC_PREFIX + "*, data in " + dataDir + " (removed at the end) ...");
        // Kafka Streams warns of state in a temporary directory: the demo's is, on purpose.
        cleanup.closeAtEnd(KafkaLogging.quiet(List.of("org.apache.kafka.streams.processor.internals.StateDirectory")));
        Platform.Config config = Platform.read(Settings.of(demo));
        Platform platform = Platform.start(config, "oversight demo", err::println);
        cleanup.closeAtEnd(platform);
        if (!platform.awaitReady(Duration.ofSeconds(90))) {
            out.println("Oversight did not become ready in 90 s; see the log above.");
            return 1;
        }
        out.printf("Oversight is up in %.1f s; ingest on http://127.0.0.1:%d, Kafka at %s.%n%n",
                (System.nanoTime() - started) / 1e9, platform.httpPort(), platform.bootstrapServers());
        List<Scenario> scenarios = script();
        HttpClient http = HttpClient.newHttpClient();
        URI webhook = URI.create("http://127.0.0.1:" + platform.httpPort() + "/webhooks/github");
        for (Scenario scenario : scenarios) {
            out.println(scenario.title());
            for (GitHubPayloads.Delivery delivery : scenario.deliveries()) {
                int status = post(http, webhook, delivery, secret);
                out.printf("  -> %-90s %d%n", delivery.description(), status);
                if (status != 202) {
                    out.println("  ingest did not accept the delivery; stopping.");
                    return 1;
                }
            }
            out.println();
        }
        Set<String> deployIds = scenarios.stream().map(Scenario::deployId).collect(Collectors.toSet());
        out.println("Waiting for the verdicts (grace period of the demo policy: 3 s) ...");
        List<Verdict> verdicts = read(platform, Topics.VERDICTS, v -> deployIds.contains(v.deployId()),
                list -> deployIds.stream().allMatch(id -> list.stream()
                        .anyMatch(v -> v.deployId().equals(id) && v.status().isFinal())),
                Duration.ofSeconds(60));
        out.println();
        out.println("Verdicts on " + platform.kafka().topic(Topics.VERDICTS).name() + ":");
        for (Verdict verdict : verdicts) {
            printVerdict(verdict);
        }
        Set<String> violations = verdicts.stream().filter(v -> v.status() == VerdictStatus.VIOLATION)
                .map(Verdict::verdictId).collect(Collectors.toSet());
        List<RecordingHttpServer.Received> alerts = receiver.await(list -> violations.stream().allMatch(
                id -> list.stream().anyMatch(r -> id.equals(r.header("X-Oversight-Delivery")))),
                Duration.ofSeconds(30));
        out.println();
        out.println("Alerts, as the receiving webhook got them (" + receiver.url("/oversight-alerts") + "):");
        for (RecordingHttpServer.Received alert : alerts) {
            if (!violations.contains(alert.header("X-Oversight-Delivery"))) {
                continue;
            }
            out.println("  " + alert.method() + " " + alert.path());
            for (String header : List.of("content-type", "x-oversight-event", "x-oversight-delivery",
                    "x-oversight-signature-256")) {
                if (alert.header(header) != null) {
                    out.println("  " + header + ": " + alert.header(header));
                }
            }
            out.println(indent(Json.toPrettyString(Json.mapper().readTree(alert.body())), "    "));
            out.println();
        }
        List<Action> actions = read(platform, Topics.ACTIONS, a -> violations.contains(a.verdictId()),
                list -> violations.stream().allMatch(id -> list.stream().anyMatch(a -> a.verdictId().equals(id))),
                Duration.ofSeconds(30));
        out.println("What the worker did (" + platform.kafka().topic(Topics.ACTIONS).name() + "):");
        for (Action action : actions) {
            out.printf("  %-8s %-13s %-10s %s (%s)%n", action.type(), action.target(), action.phase(),
                    action.verdictId(), action.detail());
        }
        out.println();
        int status = check(scenarios, verdicts, violations, alerts);
        String base = "http://127.0.0.1:" + platform.httpPort();
        out.println("The report of these deploys, as a manager reads it: " + base + "/overview"
                + (keep ? "" : " (the demo's Oversight stops now: run `oversight demo --keep` to read it)"));
        if (keep && status == 0) {
            cleanup.closeAtEnd(VerdictConsole.start(platform.kafka(), config.policyStream().policy(), out));
            out.println();
            out.println("The demo's Oversight keeps running (--keep):");
            out.println("  Webhooks   " + base + "/webhooks/github   (GitHub; secret " + secret + ")");
            out.println("  Metrics    " + base + "/metrics");
            out.println("  Health     " + base + "/health/ready");
            out.println("  Verdicts   kcat -b " + platform.bootstrapServers() + " -C -t "
                    + platform.kafka().topic(Topics.VERDICTS).name()
                    + " -f '%k %s\\n' -X isolation.level=read_committed");
            out.println("  Alerts     " + receiver.url("/oversight-alerts") + " (the demo's receiver)");
            out.println("  Report     " + ReportBanner.describe(base, config.report()));
            out.println("Press Ctrl-C to stop; " + dataDir + " is removed then. Each final verdict of a "
                    + "protected environment is printed below.");
            out.flush();
        }
        return status;
    }

    private int check(List<Scenario> scenarios, List<Verdict> verdicts, Set<String> violations,
                      List<RecordingHttpServer.Received> alerts) {
        List<String> wrong = new ArrayList<>();
        for (Scenario scenario : scenarios) {
            Verdict last = verdicts.stream().filter(v -> v.deployId().equals(scenario.deployId()) && v.status().isFinal())
                    .findFirst().orElse(null);
            if (last == null || last.status() != scenario.expected()
                    || (scenario.expectedReason() != null && !last.hasReason(scenario.expectedReason()))) {
                wrong.add(scenario.title() + ": expected " + scenario.expected()
                        + (scenario.expectedReason() == null ? "" : " with " + scenario.expectedReason())
                        + ", got " + (last == null ? "nothing" : last.status() + " " + last.reasons()));
            }
        }
        for (String id : violations) {
            if (alerts.stream().noneMatch(r -> id.equals(r.header("X-Oversight-Delivery")))) {
                wrong.add("no alert arrived for " + id);
            }
        }
        if (wrong.isEmpty()) {
            out.println("Demo complete: every deploy got the verdict it should, and each violation alerted.");
            return 0;
        }
        out.println("The demo did not go as scripted:");
        wrong.forEach(w -> out.println("  - " + w));
        return 1;
    }

    /** Three deploys of acme/payments to production: compliant, self-approved, and of an unknown commit. */
    private List<Scenario> script() {
        GitHubPayloads github = new GitHubPayloads("acme/payments");
        String repository = "github:" + github.fullName();
        long base = 10_000 + random.nextInt(80_000);
        Instant now = Instant.now();
        List<Scenario> scenarios = new ArrayList<>();

        String head1 = sha();
        String merge1 = sha();
        long deploy1 = base * 10 + 1;
        scenarios.add(new Scenario("1. Reviewed by someone else, merged, CI green, deployed", deploy1,
                repository + "/deployments/" + deploy1, VerdictStatus.COMPLIANT, null, List.of(
                github.pullRequest("opened", base + 1, "Add refund endpoint", "alice", head1, null, null,
                        now.minusSeconds(600)),
                github.review(base + 1, "alice", "bob", "approved", head1, now.minusSeconds(300)),
                github.pullRequest("closed", base + 1, "Add refund endpoint", "alice", head1, merge1, "bob",
                        now.minusSeconds(200)),
                github.checkRun("build", merge1, "success", now.minusSeconds(100)),
                github.deploymentStatus(deploy1, merge1, "production", "deploy-bot", "success", now.minusSeconds(5)))));

        String head2 = sha();
        String merge2 = sha();
        long deploy2 = base * 10 + 2;
        scenarios.add(new Scenario("2. Approved only by its own author, merged, CI green, deployed", deploy2,
                repository + "/deployments/" + deploy2, VerdictStatus.VIOLATION, ReasonCode.SELF_APPROVAL, List.of(
                github.pullRequest("opened", base + 2, "Change the interest calculation", "carol", head2, null, null,
                        now.minusSeconds(500)),
                github.review(base + 2, "carol", "carol", "approved", head2, now.minusSeconds(250)),
                github.pullRequest("closed", base + 2, "Change the interest calculation", "carol", head2, merge2,
                        "carol", now.minusSeconds(150)),
                github.checkRun("build", merge2, "success", now.minusSeconds(60)),
                github.deploymentStatus(deploy2, merge2, "production", "carol", "success", now.minusSeconds(4)))));

        String unknown = sha();
        long deploy3 = base * 10 + 3;
        scenarios.add(new Scenario("3. A commit no pull request contains, CI green, deployed", deploy3,
                repository + "/deployments/" + deploy3, VerdictStatus.VIOLATION, ReasonCode.UNKNOWN_CHANGE, List.of(
                github.checkRun("build", unknown, "success", now.minusSeconds(30)),
                github.deploymentStatus(deploy3, unknown, "production", "dave", "success", now.minusSeconds(3)))));
        return scenarios;
    }

    private void printVerdict(Verdict v) {
        out.printf("  [%s] revision %d of %s: %s to %s, commit %s%n", v.status(), v.revision(), v.deployId(),
                v.service(), v.environment(), v.sha().substring(0, 7));
        for (Verdict.Reason reason : v.reasons()) {
            out.println("      " + reason.code() + ": " + reason.detail());
        }
        for (Verdict.ChangeSummary change : v.changes()) {
            out.println("      change " + change.id() + " by " + change.author()
                    + (change.approvers().isEmpty() ? ", no valid approval" : ", approved by "
                    + String.join(", ", change.approvers())));
        }
        for (Verdict.CheckSummary check : v.ci()) {
            out.println("      check " + check.name() + ": " + check.conclusion());
        }
    }

    private static int post(HttpClient http, URI url, GitHubPayloads.Delivery delivery, String secret)
            throws IOException, InterruptedException {
        return http.send(delivery.request(url, secret), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Reads a topic from the start until the matching records satisfy the condition. */
    private static <V> List<V> read(Platform platform, Topic<String, V> catalogued, Predicate<V> wanted,
                                    Predicate<List<V>> done, Duration timeout) {
        String topic = platform.kafka().topic(catalogued).name();
        Deserializer<V> values = catalogued.valueSerde().deserializer();
        Map<String, Object> props = platform.kafka().common("oversight-demo");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<V> matching = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, new StringDeserializer(), values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(matching) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() != null && wanted.test(record.value())) {
                        matching.add(record.value());
                    }
                }
            }
        }
        return matching;
    }

    private String sha() {
        return HexFormat.of().formatHex(bytes(20));
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static String indent(String text, String prefix) {
        return text.lines().map(l -> prefix + l).collect(Collectors.joining("\n"));
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
