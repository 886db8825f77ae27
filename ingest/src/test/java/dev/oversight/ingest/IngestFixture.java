package dev.oversight.ingest;

import dev.oversight.events.DeliveryReceipt;
import dev.oversight.events.Evidence;
import dev.oversight.events.RawDelivery;
import dev.oversight.events.kafka.CloudEventHeaders;
import dev.oversight.events.kafka.Topic;
import dev.oversight.ingest.github.GitHubSignature;
import dev.oversight.ingest.gitlab.GitLabSource;
import dev.oversight.runtime.ServiceRunner;
import dev.oversight.runtime.config.CommonSettings;
import dev.oversight.runtime.config.Settings;
import dev.oversight.runtime.kafka.TopicProvisioner;
import dev.oversight.runtime.metrics.MetricsSetup;
import dev.oversight.testing.kafka.TopicProbe;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * An ingest service on loopback, on its own topics of a real broker, with a client for each source: what the
 * integration tests drive. Started ready: Kafka reachable and the dedup memory loaded.
 */
public final class IngestFixture implements AutoCloseable {

    public static final String GITHUB_SECRET = "it-github-secret";
    public static final String GITLAB_TOKEN = "it-gitlab-token-5e2c";
    public static final String EVENTS_TOKEN = "it-events-token-9f1d";

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private final String bootstrapServers;
    private final String prefix;
    private final IngestConfig config;
    private final PrometheusMeterRegistry registry;
    private final ServiceRunner runner;

    private IngestFixture(String bootstrapServers, String prefix, IngestConfig config, PrometheusMeterRegistry registry,
                          ServiceRunner runner) {
        this.bootstrapServers = bootstrapServers;
        this.prefix = prefix;
        this.config = config;
        this.registry = registry;
        this.runner = runner;
    }

    /** A new prefix for an IT class's topics: {@code it-<name>-<random>.}. */
    public static String newPrefix(String name) {
        return "it-" + name + "-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    }

    /** Ingest on the topics with this prefix (created when missing); {@code settings} override the defaults. */
    public static IngestFixture start(String bootstrapServers, String prefix, Map<String, String> settings)
            throws Exception {
        Map<String, String> values = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", bootstrapServers,
                "OVERSIGHT_TOPIC_PREFIX", prefix,
                "OVERSIGHT_TOPIC_PARTITIONS", "2",
                CommonSettings.HTTP_HOST.name(), "127.0.0.1",
                CommonSettings.HTTP_PORT.name(), "0",
                IngestConfig.MAX_BODY.name(), "256KiB",
                IngestConfig.GITHUB_SECRET.name(), "an-older-secret," + GITHUB_SECRET,
                IngestConfig.GITLAB_TOKEN.name(), GITLAB_TOKEN,
                IngestConfig.EVENTS_TOKEN.name(), EVENTS_TOKEN,
                IngestConfig.INSTANCE_ID.name(), prefix + "ingest"));
        values.putAll(settings);
        IngestConfig config = IngestConfig.read(Settings.of(values), null);
        TopicProvisioner.ensure(config.kafka(), Duration.ofSeconds(30));
        PrometheusMeterRegistry registry = MetricsSetup.prometheus();
        ServiceRunner runner = ServiceRunner.start(config.httpHost(), config.httpPort(), config.idleTimeout(), registry,
                List.of(new IngestService(config, registry, Clock.systemUTC())));
        IngestFixture fixture = new IngestFixture(bootstrapServers, prefix, config, registry, runner);
        fixture.awaitReady(Duration.ofSeconds(60));
        return fixture;
    }

    /** Waits until /health/ready answers 200. */
    public void awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(uri("/health/ready")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (ready.statusCode() == 200) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("ingest not ready after " + timeout + ": " + ready.body());
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos()); // between polls of the condition
        }
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + runner.httpPort() + path);
    }

    public int port() {
        return runner.httpPort();
    }

    public String prefix() {
        return prefix;
    }

    public IngestConfig config() {
        return config;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public ServiceRunner runner() {
        return runner;
    }

    /** A POST with exactly these headers (none added but Content-Length). */
    public HttpResponse<String> post(String path, Map<String, String> headers, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A GitHub delivery, signed with the configured secret. */
    public HttpResponse<String> github(String event, String delivery, byte[] body) throws Exception {
        return post("/webhooks/github", Map.of("Content-Type", "application/json", "X-GitHub-Event", event,
                "X-GitHub-Delivery", delivery, GitHubSignature.HEADER, GitHubSignature.sign(GITHUB_SECRET, body)), body);
    }

    /** A GitLab delivery with the configured token. */
    public HttpResponse<String> gitlab(String event, String uuid, byte[] body) throws Exception {
        return post("/webhooks/gitlab", Map.of("Content-Type", "application/json", "X-Gitlab-Event", event,
                "X-Gitlab-Event-UUID", uuid, GitLabSource.TOKEN_HEADER, GITLAB_TOKEN), body);
    }

    /** A Jenkins Notification plugin delivery with the token in the URL, the way the plugin is configured. */
    public HttpResponse<String> jenkins(byte[] body) throws Exception {
        return post("/webhooks/jenkins?token=" + EVENTS_TOKEN, Map.of("Content-Type", "application/json"), body);
    }

    /** CloudEvents on /events with the bearer token; {@code headers} add ce-* attributes in binary mode. */
    public HttpResponse<String> events(String contentType, Map<String, String> headers, byte[] body) throws Exception {
        Map<String, String> all = new HashMap<>(headers);
        all.put("Content-Type", contentType);
        all.put("Authorization", "Bearer " + EVENTS_TOKEN);
        return post("/events", all, body);
    }

    /** Reads one of this fixture's topics from its beginning, read_committed. */
    public <V> TopicProbe<V> probe(Topic<String, V> topic) {
        return new TopicProbe<>(bootstrapServers, prefix + topic.suffix(), topic.valueSerde().deserializer());
    }

    /** The records one delivery left on a topic, once there is at least one (read_committed). */
    public <V> List<ConsumerRecord<String, V>> awaitDelivery(Topic<String, V> topic, String deliveryId) {
        try (TopicProbe<V> probe = probe(topic)) {
            return probe.awaitRecords(records -> records.stream().anyMatch(r -> of(r, deliveryId)),
                    Duration.ofSeconds(30)).stream().filter(r -> of(r, deliveryId)).toList();
        }
    }

    /** Everything committed on a topic now, as bytes (to look for what must never be there). */
    public List<ConsumerRecord<String, byte[]>> readAll(Topic<String, ?> topic) {
        try (TopicProbe<byte[]> probe = new TopicProbe<>(bootstrapServers, prefix + topic.suffix(),
                new ByteArrayDeserializer())) {
            return probe.readToEnd(Duration.ofSeconds(30));
        }
    }

    /**
     * The one record of a delivery on a topic as stored: key and value as bytes, found by its {@code ce_id} (a raw
     * record's is its delivery id). Fails when there is not exactly one.
     */
    public ConsumerRecord<byte[], byte[]> stored(Topic<String, ?> topic, String deliveryId) {
        List<ConsumerRecord<byte[], byte[]>> found = readAll(topic).stream()
                .filter(r -> deliveryId.equals(CloudEventHeaders.read(r.headers(), CloudEventHeaders.ID)))
                .map(r -> new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(), r.timestampType(),
                        r.serializedKeySize(), r.serializedValueSize(),
                        r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8), r.value(), r.headers(),
                        r.leaderEpoch()))
                .toList();
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " records of delivery " + deliveryId + " on " + topic.name());
        }
        return found.get(0);
    }

    private static boolean of(ConsumerRecord<String, ?> record, String deliveryId) {
        Object value = record.value();
        String id = value instanceof Evidence e ? e.deliveryId() : value instanceof RawDelivery r ? r.deliveryId()
                : value instanceof DeliveryReceipt d ? d.deliveryId() : null;
        return deliveryId.equals(id);
    }

    @Override
    public void close() {
        runner.close();
    }
}
