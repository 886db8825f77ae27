package dev.oversight.ingest;

import dev.oversight.events.kafka.Topics;
import dev.oversight.runtime.config.ConfigKey;
import dev.oversight.runtime.config.ConfigReader;
import dev.oversight.runtime.config.Settings;
import dev.oversight.runtime.kafka.KafkaConnection;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

/**
 * Ingest's configuration, read from the environment (or a config file), validated at start.
 *
 * @param githubSecrets   every secret a GitHub delivery may be signed with (several during rotation)
 * @param gitlabTokens    every token a GitLab delivery may carry in {@code X-Gitlab-Token} (several during rotation)
 * @param eventsTokens    every bearer token accepted on {@code /events} and {@code /webhooks/jenkins}
 * @param instanceId      names this instance's transactional producer: unique per instance, stable across restarts
 * @param kafkaTimeout    how long a delivery may wait for Kafka before it is answered 503
 * @param idleTimeout     a connection that sends nothing for this long is closed (abandoned uploads)
 * @param bodyTimeout     a request whose body has not fully arrived this long after its headers is answered 408
 *                        (uploads that trickle in)
 * @param dedupWindow     how long a delivery id is remembered, so that its repetition is answered "duplicate"
 * @param dedupMaxEntries at most this many delivery ids are remembered (the oldest are forgotten first)
 */
public record IngestConfig(
        String httpHost,
        int httpPort,
        long maxBodyBytes,
        List<String> githubSecrets,
        List<String> gitlabTokens,
        List<String> eventsTokens,
        String instanceId,
        Duration kafkaTimeout,
        Duration idleTimeout,
        Duration bodyTimeout,
        Duration dedupWindow,
        int dedupMaxEntries,
        KafkaConnection kafka) {

    public static final String HTTP_HOST = "OVERSIGHT_HTTP_HOST";
    public static final String HTTP_PORT = "OVERSIGHT_HTTP_PORT";
    public static final String MAX_BODY = "OVERSIGHT_MAX_BODY";
    public static final String GITHUB_SECRET = "OVERSIGHT_GITHUB_WEBHOOK_SECRET";
    public static final String GITLAB_TOKEN = "OVERSIGHT_GITLAB_WEBHOOK_TOKEN";
    public static final String EVENTS_TOKEN = "OVERSIGHT_EVENTS_TOKEN";
    public static final String INSTANCE_ID = "OVERSIGHT_INGEST_INSTANCE_ID";
    public static final String KAFKA_TIMEOUT = "OVERSIGHT_INGEST_KAFKA_TIMEOUT";
    public static final String IDLE_TIMEOUT = "OVERSIGHT_HTTP_IDLE_TIMEOUT";
    public static final String BODY_TIMEOUT = "OVERSIGHT_HTTP_BODY_TIMEOUT";
    public static final String DEDUP_WINDOW = "OVERSIGHT_INGEST_DEDUP_WINDOW";
    public static final String DEDUP_MAX = "OVERSIGHT_INGEST_DEDUP_MAX";

    /** How long {@code oversight.ingest-dedup} keeps receipts: the longest window a restart can remember. */
    public static final Duration DEDUP_RETENTION = Topics.INGEST_DEDUP.spec().retention();

    public static final long DEFAULT_MAX_BODY = 25L * 1024 * 1024;

    public static final List<ConfigKey> KEYS = List.of(
            ConfigKey.of(HTTP_HOST, "0.0.0.0", "address the HTTP server binds to"),
            ConfigKey.of(HTTP_PORT, "8080", "port of webhooks, /metrics and /health"),
            ConfigKey.of(MAX_BODY, "25MiB", "largest request body accepted (GitHub's own maximum is 25 MiB)"),
            ConfigKey.secret(GITHUB_SECRET, "GitHub webhook secret(s), comma-separated for rotation; "
                    + "unsigned GitHub deliveries are refused"),
            ConfigKey.secret(GITLAB_TOKEN, "GitLab webhook secret token(s), comma-separated for rotation; "
                    + "GitLab deliveries without one of them are refused"),
            ConfigKey.secret(EVENTS_TOKEN, "bearer token(s) for /events (CloudEvents, CDEvents, Argo CD) and "
                    + "/webhooks/jenkins (which may also pass it as ?token=), comma-separated for rotation"),
            ConfigKey.of(INSTANCE_ID, "the host name", "this ingest instance's id; unique per instance"),
            ConfigKey.of(KAFKA_TIMEOUT, "5s", "how long a delivery waits for Kafka before the answer is 503"),
            ConfigKey.of(IDLE_TIMEOUT, "30s", "idle connections (abandoned uploads) are closed after this"),
            ConfigKey.of(BODY_TIMEOUT, "60s", "a request body still arriving this long after its headers is "
                    + "answered 408 (uploads that trickle in)"),
            ConfigKey.of(DEDUP_WINDOW, "72h", "how long a delivery id is remembered to answer its repetition "
                    + "'duplicate' (at most 7d, the retention of oversight.ingest-dedup)"),
            ConfigKey.of(DEDUP_MAX, "250000", "how many delivery ids are remembered at most (oldest forgotten first)"));

    public static IngestConfig read(Settings settings, String bootstrapWhenUnset) {
        ConfigReader config = new ConfigReader(settings);
        IngestConfig ingest = new IngestConfig(
                config.string(HTTP_HOST, "0.0.0.0"),
                config.port(HTTP_PORT, 8080),
                config.bytes(MAX_BODY, DEFAULT_MAX_BODY),
                config.list(GITHUB_SECRET),
                config.list(GITLAB_TOKEN),
                config.list(EVENTS_TOKEN),
                config.string(INSTANCE_ID, hostName()),
                config.duration(KAFKA_TIMEOUT, Duration.ofSeconds(5)),
                config.duration(IDLE_TIMEOUT, Duration.ofSeconds(30)),
                config.duration(BODY_TIMEOUT, Duration.ofSeconds(60)),
                config.duration(DEDUP_WINDOW, Duration.ofHours(72)),
                config.integer(DEDUP_MAX, 250_000, 1_000, 50_000_000),
                KafkaConnection.read(config, bootstrapWhenUnset));
        if (ingest.maxBodyBytes() < 1024) {
            config.problem(MAX_BODY + " must be at least 1KiB");
        }
        if (ingest.kafkaTimeout().toMillis() < 100) {
            config.problem(KAFKA_TIMEOUT + " must be at least 100ms");
        }
        if (ingest.bodyTimeout().toMillis() < 100) {
            config.problem(BODY_TIMEOUT + " must be at least 100ms");
        }
        if (ingest.dedupWindow().compareTo(Duration.ofMinutes(1)) < 0
                || ingest.dedupWindow().compareTo(DEDUP_RETENTION) > 0) {
            config.problem(DEDUP_WINDOW + " must be between 1m and " + DEDUP_RETENTION.toDays()
                    + "d (the retention of the dedup topic)");
        }
        config.done();
        return ingest;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "ingest";
        }
    }

    @Override
    public String toString() {
        // Never print secrets.
        return "IngestConfig[http=" + httpHost + ":" + httpPort + ", maxBody=" + maxBodyBytes
                + ", githubSecrets=" + githubSecrets.size() + ", gitlabTokens=" + gitlabTokens.size()
                + ", eventsTokens=" + eventsTokens.size() + ", instanceId=" + instanceId
                + ", kafka=" + kafka.bootstrapServers() + "]";
    }
}
