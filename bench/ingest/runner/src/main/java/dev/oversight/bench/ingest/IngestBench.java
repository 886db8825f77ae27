package dev.oversight.bench.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.management.OperatingSystemMXBean;
import dev.oversight.events.json.Json;
import dev.oversight.ingest.IngestConfig;
import dev.oversight.ingest.IngestService;
import dev.oversight.ingest.github.GitHubSignature;
import dev.oversight.runtime.ServiceRunner;
import dev.oversight.runtime.config.CommonSettings;
import dev.oversight.runtime.config.Settings;
import dev.oversight.runtime.kafka.KafkaConnection;
import dev.oversight.runtime.kafka.TopicProvisioner;
import dev.oversight.runtime.metrics.MetricsSetup;
import dev.oversight.testing.kafka.RealKafka;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * Accepted deliveries per second through ingest's HTTP routes for a mix of real payloads, side by side with a plain
 * Kafka producer (idempotent, acks=all) writing the same payloads to the same broker, each with the same number of
 * requests in flight; p50 and p99 latency of both. Prints a table; see ingest/README.md, "Throughput".
 *
 * <p>Arguments: {@code --payloads=DIR} (ingest's test resources), {@code --seconds=N} measured per side,
 * {@code --warmup=N} seconds before that, {@code --concurrency=N} requests in flight. KAFKA_BOOTSTRAP_SERVERS
 * names a cluster to use; without it a single in-process broker is started. {@code --against=octokit} measures
 * ingest against octokit's Node.js receiver instead ({@link OctokitComparison}; {@code --rounds=N},
 * {@code --octokit=DIR} the receiver's directory).
 */
public final class IngestBench {

    static final String SECRET = "bench-github-secret";
    private static final String TOKEN = "bench-token";
    private static final String ID = "@@ID@@";

    /** One payload of the mix: where it goes, its headers, its body ({@link #ID} replaced by each request's id). */
    private record Payload(String name, String path, Map<String, String> headers, String idHeader, String body,
                           String key, byte[] fixed) {

        Payload(String name, String path, Map<String, String> headers, String idHeader, String body, String key) {
            this(name, path, headers, idHeader, body, key,
                    body.contains(ID) ? null : body.getBytes(StandardCharsets.UTF_8));
        }

        byte[] body(String id) {
            return fixed != null ? fixed : body.replace(ID, id).getBytes(StandardCharsets.UTF_8);
        }
    }

    /** What one side did in the measured seconds. */
    private record Result(String what, long done, long errors, double seconds, long[] latenciesNanos,
                          double cpuSeconds) {

        double rate() {
            return done / seconds;
        }

        double percentileMillis(double p) {
            if (latenciesNanos.length == 0) {
                return Double.NaN;
            }
            long[] sorted = latenciesNanos.clone();
            Arrays.sort(sorted);
            return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1e6;
        }
    }

    /**
     * The measured part of one side's run, after its warm-up: what completed in it, how long each took, and the CPU
     * time the whole process used meanwhile (broker, server and client alike).
     */
    private static final class Window {
        private final long from;
        private final long to;
        private final int seconds;
        private final AtomicLong done = new AtomicLong();
        private final AtomicLong errors = new AtomicLong();
        private long[] latencies = new long[1 << 16];
        private int size;
        private volatile long cpuFrom = -1;
        private volatile long cpuTo = -1;

        Window(int warmup, int seconds) {
            this.from = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmup);
            this.to = from + TimeUnit.SECONDS.toNanos(seconds);
            this.seconds = seconds;
            Thread cpu = new Thread(() -> {
                OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                LockSupport.parkNanos(Math.max(0, from - System.nanoTime()));
                cpuFrom = os.getProcessCpuTime();
                LockSupport.parkNanos(Math.max(0, to - System.nanoTime()));
                cpuTo = os.getProcessCpuTime();
            }, "bench-cpu");
            cpu.setDaemon(true);
            cpu.start();
        }

        boolean over() {
            return System.nanoTime() >= to;
        }

        /** Counts one request sent at {@code sent} that just completed, if it lies within the window. */
        void completed(long sent, boolean ok) {
            long now = System.nanoTime();
            if (sent < from || now > to) {
                return;
            }
            if (!ok) {
                errors.incrementAndGet();
                return;
            }
            done.incrementAndGet();
            synchronized (this) {
                if (size == latencies.length) {
                    latencies = Arrays.copyOf(latencies, size * 2);
                }
                latencies[size++] = now - sent;
            }
        }

        synchronized Result result(String what) {
            double cpuSeconds = cpuTo < 0 || cpuFrom < 0 ? Double.NaN : (cpuTo - cpuFrom) / 1e9;
            return new Result(what, done.get(), errors.get(), seconds, Arrays.copyOf(latencies, size), cpuSeconds);
        }
    }

    private IngestBench() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            String[] kv = arg.replaceFirst("^--", "").split("=", 2);
            options.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        Path payloads = Path.of(options.getOrDefault("payloads", "ingest/src/test/resources"));
        int seconds = Integer.parseInt(options.getOrDefault("seconds", "20"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "5"));
        int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "64"));
        if ("octokit".equals(options.get("against"))) {
            OctokitComparison.run(payloads, Path.of(options.getOrDefault("octokit", "bench/ingest/octokit")),
                    warmup, seconds, concurrency, Integer.parseInt(options.getOrDefault("rounds", "2")));
            System.exit(0);
        }

        List<Payload> mix = mix(payloads);
        String external = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        KafkaClusterTestKit cluster = external == null || external.isBlank() ? inProcessBroker() : null;
        String bootstrap = cluster != null ? cluster.bootstrapServers() : external;
        String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        try {
            Result plain = plainProducer(bootstrap, prefix + "plain", mix, warmup, seconds, concurrency);
            Result ingest = ingest(bootstrap, prefix, mix, warmup, seconds, concurrency);
            report(mix, concurrency, warmup, seconds, cluster != null ? "in-process KafkaClusterTestKit, 1 node"
                    : external, plain, ingest);
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
        System.exit(0);
    }

    static KafkaClusterTestKit inProcessBroker() throws Exception {
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build());
        RealKafka.singleNodeSettings().forEach(builder::setConfigProp);
        KafkaClusterTestKit cluster = builder.build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        return cluster;
    }

    /** Real payloads of every source, from ingest's test resources (their ORIGIN.md files say where they come from). */
    private static List<Payload> mix(Path dir) throws IOException {
        List<Payload> mix = new ArrayList<>();
        github(mix, dir, "pull_request", octokit(dir, "pull_request", 0));
        github(mix, dir, "pull_request_review", read(dir, "github/hub4j/pull_request_review.json"));
        github(mix, dir, "check_run", octokit(dir, "check_run", 2));
        github(mix, dir, "workflow_run", read(dir, "github/hub4j/workflow_run.json"));
        github(mix, dir, "push", read(dir, "github/hub4j/push.json"));
        github(mix, dir, "deployment_status", read(dir, "github/hub4j/deployment_status.json"));
        gitlab(mix, "Merge Request Hook", read(dir, "gitlab/go-gitlab/merge_request.json"));
        gitlab(mix, "Pipeline Hook", read(dir, "gitlab/go-gitlab/pipeline.json"));
        gitlab(mix, "Job Hook", read(dir, "gitlab/go-gitlab/job.json"));
        gitlab(mix, "Deployment Hook", read(dir, "gitlab/docs/deployment.docs.json"));
        gitlab(mix, "Push Hook", read(dir, "gitlab/go-gitlab/push.json"));
        mix.add(new Payload("jenkins build", "/webhooks/jenkins", Map.of("Content-Type", "application/json",
                "Authorization", "Bearer " + TOKEN), "Idempotency-Key",
                read(dir, "jenkins/notification-plugin-example.json"), "github:evgeny-goldin/asgard"));
        for (String file : List.of("service_deployed", "pipelinerun_finished")) {
            String cdevent = read(dir, "cdevents/v0.5.1/" + file + ".json")
                    .replace("271069a8-fc18-44f1-b38f-9d70a1695819", ID);
            JsonNode context = Json.mapper().readTree(cdevent).get("context");
            mix.add(new Payload("cdevents " + file, "/events", Map.of("Content-Type", "application/json",
                    "Authorization", "Bearer " + TOKEN, "ce-specversion", "1.0",
                    "ce-source", context.get("source").asText(), "ce-type", context.get("type").asText()),
                    "ce-id", cdevent, "cdevents:/event/source/123"));
        }
        return mix;
    }

    private static void github(List<Payload> mix, Path dir, String event, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String repository;
        try {
            repository = "github:" + Json.mapper().readTree(bytes).at("/repository/full_name").asText();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        mix.add(new Payload("github " + event, "/webhooks/github", Map.of("Content-Type", "application/json",
                "X-GitHub-Event", event, GitHubSignature.HEADER, GitHubSignature.sign(SECRET, bytes)),
                "X-GitHub-Delivery", body, repository));
    }

    private static void gitlab(List<Payload> mix, String event, String body) throws IOException {
        String path = Json.mapper().readTree(body).at("/project/path_with_namespace").asText("x/y");
        mix.add(new Payload("gitlab " + event, "/webhooks/gitlab", Map.of("Content-Type", "application/json",
                "X-Gitlab-Event", event, "X-Gitlab-Token", TOKEN), "X-Gitlab-Event-UUID", body, "gitlab:" + path));
    }

    private static String read(Path dir, String file) throws IOException {
        return Files.readString(dir.resolve(file), StandardCharsets.UTF_8);
    }

    static String octokit(Path dir, String event, int index) throws IOException {
        return Json.mapper().writeValueAsString(Json.mapper().readTree(dir.resolve("github/octokit/" + event + ".json")
                .toFile()).get(index));
    }

    /** The same payloads, one record each, to one topic: an idempotent acks=all producer, as ingest's is. */
    private static Result plainProducer(String bootstrap, String topic, List<Payload> mix, int warmup, int seconds,
                                        int concurrency) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 64 * 1024 * 1024);
        List<byte[]> bodies = mix.stream().map(p -> p.body(UUID.randomUUID().toString())).toList();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            Semaphore inFlight = new Semaphore(concurrency);
            Window window = new Window(warmup, seconds);
            for (long i = 0; !window.over(); i++) {
                inFlight.acquire();
                int n = (int) (i % mix.size());
                long sent = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, mix.get(n).key(), bodies.get(n)), (metadata, e) -> {
                    window.completed(sent, e == null);
                    inFlight.release();
                });
            }
            producer.flush();
            return window.result("plain KafkaProducer");
        }
    }

    /** Ingest on its own topics, driven over HTTP by as many requests in flight as the plain side had. */
    private static Result ingest(String bootstrap, String prefix, List<Payload> mix, int warmup, int seconds,
                                 int concurrency) throws Exception {
        Vertx vertx = Vertx.vertx();
        try (ServiceRunner runner = startIngest(bootstrap, prefix)) {
            HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
                    .setDefaultPort(runner.httpPort()).setKeepAlive(true),
                    new PoolOptions().setHttp1MaxSize(concurrency));
            AtomicLong next = new AtomicLong();
            Window window = new Window(warmup, seconds);
            CountDownLatch finished = new CountDownLatch(concurrency);
            for (int sender = 0; sender < concurrency; sender++) {
                send(client, mix, next, window, finished);
            }
            finished.await();
            client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            return window.result("ingest over HTTP");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** Ingest on the topics of this prefix, ready (Kafka reached, the dedup memory loaded), on a free port. */
    static ServiceRunner startIngest(String bootstrap, String prefix) throws Exception {
        IngestConfig config = IngestConfig.read(Settings.of(Map.of(
                KafkaConnection.BOOTSTRAP.name(), bootstrap,
                KafkaConnection.TOPIC_PREFIX.name(), prefix,
                CommonSettings.HTTP_HOST.name(), "127.0.0.1",
                CommonSettings.HTTP_PORT.name(), "0",
                IngestConfig.GITHUB_SECRET.name(), SECRET,
                IngestConfig.GITLAB_TOKEN.name(), TOKEN,
                IngestConfig.EVENTS_TOKEN.name(), TOKEN,
                IngestConfig.INSTANCE_ID.name(), prefix + "bench")), null);
        TopicProvisioner.ensure(config.kafka(), Duration.ofSeconds(30));
        PrometheusMeterRegistry registry = MetricsSetup.prometheus();
        IngestService service = new IngestService(config, registry, Clock.systemUTC());
        ServiceRunner runner = ServiceRunner.start(config.httpHost(), config.httpPort(), config.idleTimeout(),
                registry, List.of(service));
        long readyBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!service.readiness().ready() && System.nanoTime() < readyBy) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return runner;
    }

    /** One sender: a request, and when its answer came, the next, until the end. */
    private static void send(HttpClient client, List<Payload> mix, AtomicLong next, Window window,
                             CountDownLatch finished) {
        if (window.over()) {
            finished.countDown();
            return;
        }
        long sent = System.nanoTime();
        Payload payload = mix.get((int) (next.getAndIncrement() % mix.size()));
        String id = UUID.randomUUID().toString();
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setURI(payload.path());
        payload.headers().forEach(request::putHeader);
        request.putHeader(payload.idHeader(), id);
        client.request(request)
                .compose(r -> r.send(Buffer.buffer(payload.body(id))))
                .compose(response -> response.body().map(b -> response.statusCode()))
                .onComplete(answer -> {
                    window.completed(sent, answer.succeeded() && answer.result() == 202);
                    send(client, mix, next, window, finished);
                });
    }

    private static void report(List<Payload> mix, int concurrency, int warmup, int seconds, String broker,
                               Result plain, Result ingest) {
        double avgKiB = mix.stream().mapToInt(p -> p.body("00000000-0000-0000-0000-000000000000").length).average()
                .orElse(0) / 1024;
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Ingest benchmark: %d real payloads (%s), avg %.1f KiB; %d requests in "
                        + "flight; %d s measured after %d s warm-up per side; broker: %s; %d cores%n",
                mix.size(), String.join(", ", mix.stream().map(Payload::name).toList()), avgKiB, concurrency, seconds,
                warmup, broker, Runtime.getRuntime().availableProcessors()));
        out.append(String.format(Locale.ROOT, "%-22s %14s %9s %9s %8s %18s%n", "", "deliveries/s", "p50 ms", "p99 ms",
                "errors", "CPU ms / delivery"));
        for (Result r : List.of(plain, ingest)) {
            out.append(String.format(Locale.ROOT, "%-22s %14.0f %9.2f %9.2f %8d %18.3f%n", r.what(), r.rate(),
                    r.percentileMillis(0.50), r.percentileMillis(0.99), r.errors(),
                    r.cpuSeconds() * 1000 / Math.max(1, r.done())));
        }
        out.append(String.format(Locale.ROOT, "ingest / plain: %.2f of the rate%n", ingest.rate() / plain.rate()));
        System.out.print(out);
    }
}
