package dev.oversight.ingest;

import dev.oversight.events.Durations;
import dev.oversight.events.kafka.Topics;
import dev.oversight.runtime.config.CommonSettings;
import dev.oversight.runtime.config.ConfigReader;
import dev.oversight.runtime.config.Setting;
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

    /** How long {@code oversight.ingest-dedup} keeps receipts: the longest window a restart can remember. */
    public static final Duration DEDUP_RETENTION = Topics.INGEST_DEDUP.spec().retention();

    public static final Setting<Long> MAX_BODY = Setting.bytes("OVERSIGHT_MAX_BODY", 25L * 1024 * 1024, 1024,
            "largest request body accepted (GitHub's own maximum is 25 MiB)");
    public static final Setting<List<String>> GITHUB_SECRET = Setting.list("OVERSIGHT_GITHUB_WEBHOOK_SECRET",
            "GitHub webhook secret(s), comma-separated for rotation; unsigned GitHub deliveries are refused")
            .asSecret();
    public static final Setting<List<String>> GITLAB_TOKEN = Setting.list("OVERSIGHT_GITLAB_WEBHOOK_TOKEN",
            "GitLab webhook secret token(s), comma-separated for rotation; GitLab deliveries without one of them are "
                    + "refused").asSecret();
    public static final Setting<List<String>> EVENTS_TOKEN = Setting.list("OVERSIGHT_EVENTS_TOKEN",
            "bearer token(s) for /events (CloudEvents, CDEvents, Argo CD) and /webhooks/jenkins (which may also pass "
                    + "it as ?token=), comma-separated for rotation").asSecret();
    public static final Setting<String> INSTANCE_ID = Setting.string("OVERSIGHT_INGEST_INSTANCE_ID", "the host name",
            IngestConfig::hostName, "this ingest instance's id; unique per instance");
    public static final Setting<Duration> KAFKA_TIMEOUT = Setting.duration("OVERSIGHT_INGEST_KAFKA_TIMEOUT",
            Duration.ofSeconds(5), Duration.ofMillis(100), null,
            "how long a delivery waits for Kafka before the answer is 503");
    public static final Setting<Duration> IDLE_TIMEOUT = Setting.duration("OVERSIGHT_HTTP_IDLE_TIMEOUT",
            Duration.ofSeconds(30), "idle connections (abandoned uploads) are closed after this");
    public static final Setting<Duration> BODY_TIMEOUT = Setting.duration("OVERSIGHT_HTTP_BODY_TIMEOUT",
            Duration.ofSeconds(60), Duration.ofMillis(100), null,
            "a request body still arriving this long after its headers is answered 408 (uploads that trickle in)");
    public static final Setting<Duration> DEDUP_WINDOW = Setting.duration("OVERSIGHT_INGEST_DEDUP_WINDOW",
            Duration.ofHours(72), Duration.ofMinutes(1), DEDUP_RETENTION,
            "how long a delivery id is remembered to answer its repetition 'duplicate' (at most "
                    + Durations.format(DEDUP_RETENTION) + ", the retention of oversight.ingest-dedup)");
    public static final Setting<Integer> DEDUP_MAX = Setting.integer("OVERSIGHT_INGEST_DEDUP_MAX", 250_000, 1_000,
            50_000_000, "how many delivery ids are remembered at most (oldest forgotten first)");

    /** Ingest's own keys; it also reads the HTTP ones of {@link CommonSettings} and Kafka's. */
    public static final List<Setting<?>> KEYS = List.of(MAX_BODY, GITHUB_SECRET, GITLAB_TOKEN, EVENTS_TOKEN,
            INSTANCE_ID, KAFKA_TIMEOUT, IDLE_TIMEOUT, BODY_TIMEOUT, DEDUP_WINDOW, DEDUP_MAX);

    /** Reads ingest's configuration alone (its own {@code main}), reporting every problem at once. */
    public static IngestConfig read(Settings settings, String bootstrapWhenUnset) {
        return ConfigReader.read(settings, config -> read(config, bootstrapWhenUnset));
    }

    /** Reads ingest's configuration with a reader that may be shared; its problems are reported by its owner. */
    public static IngestConfig read(ConfigReader config, String bootstrapWhenUnset) {
        return new IngestConfig(
                config.get(CommonSettings.HTTP_HOST),
                config.get(CommonSettings.HTTP_PORT),
                config.get(MAX_BODY),
                config.get(GITHUB_SECRET),
                config.get(GITLAB_TOKEN),
                config.get(EVENTS_TOKEN),
                config.get(INSTANCE_ID),
                config.get(KAFKA_TIMEOUT),
                config.get(IDLE_TIMEOUT),
                config.get(BODY_TIMEOUT),
                config.get(DEDUP_WINDOW),
                config.get(DEDUP_MAX),
                KafkaConnection.read(config, bootstrapWhenUnset));
    }

    /** This configuration with another Kafka connection (the embedded broker's, once it has started). */
    public IngestConfig withKafka(KafkaConnection kafka) {
        return new IngestConfig(httpHost, httpPort, maxBodyBytes, githubSecrets, gitlabTokens, eventsTokens, instanceId,
                kafkaTimeout, idleTimeout, bodyTimeout, dedupWindow, dedupMaxEntries, kafka);
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
