package dev.oversight.ingest;

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
 * @param instanceId      names this instance's transactional producer: unique per instance, stable across restarts
 * @param kafkaTimeout    how long a delivery may wait for Kafka before it is answered 503
 * @param idleTimeout     a connection that sends nothing for this long is closed (slow or abandoned uploads)
 */
public record IngestConfig(
        String httpHost,
        int httpPort,
        long maxBodyBytes,
        List<String> githubSecrets,
        String instanceId,
        Duration kafkaTimeout,
        Duration idleTimeout,
        KafkaConnection kafka) {

    public static final String HTTP_HOST = "OVERSIGHT_HTTP_HOST";
    public static final String HTTP_PORT = "OVERSIGHT_HTTP_PORT";
    public static final String MAX_BODY = "OVERSIGHT_MAX_BODY";
    public static final String GITHUB_SECRET = "OVERSIGHT_GITHUB_WEBHOOK_SECRET";
    public static final String INSTANCE_ID = "OVERSIGHT_INGEST_INSTANCE_ID";
    public static final String KAFKA_TIMEOUT = "OVERSIGHT_INGEST_KAFKA_TIMEOUT";
    public static final String IDLE_TIMEOUT = "OVERSIGHT_HTTP_IDLE_TIMEOUT";

    public static final long DEFAULT_MAX_BODY = 25L * 1024 * 1024;

    public static final List<ConfigKey> KEYS = List.of(
            ConfigKey.of(HTTP_HOST, "0.0.0.0", "address the HTTP server binds to"),
            ConfigKey.of(HTTP_PORT, "8080", "port of webhooks, /metrics and /health"),
            ConfigKey.of(MAX_BODY, "25MiB", "largest request body accepted (GitHub's own maximum is 25 MiB)"),
            ConfigKey.secret(GITHUB_SECRET, "GitHub webhook secret(s), comma-separated for rotation; "
                    + "unsigned GitHub deliveries are refused"),
            ConfigKey.of(INSTANCE_ID, "the host name", "this ingest instance's id; unique per instance"),
            ConfigKey.of(KAFKA_TIMEOUT, "5s", "how long a delivery waits for Kafka before the answer is 503"),
            ConfigKey.of(IDLE_TIMEOUT, "30s", "idle connections (slow or abandoned uploads) are closed after this"));

    public static IngestConfig read(Settings settings, String bootstrapWhenUnset) {
        ConfigReader config = new ConfigReader(settings);
        IngestConfig ingest = new IngestConfig(
                config.string(HTTP_HOST, "0.0.0.0"),
                config.port(HTTP_PORT, 8080),
                config.bytes(MAX_BODY, DEFAULT_MAX_BODY),
                config.list(GITHUB_SECRET),
                config.string(INSTANCE_ID, hostName()),
                config.duration(KAFKA_TIMEOUT, Duration.ofSeconds(5)),
                config.duration(IDLE_TIMEOUT, Duration.ofSeconds(30)),
                KafkaConnection.read(config, bootstrapWhenUnset));
        if (ingest.maxBodyBytes() < 1024) {
            config.problem(MAX_BODY + " must be at least 1KiB");
        }
        if (ingest.kafkaTimeout().toMillis() < 100) {
            config.problem(KAFKA_TIMEOUT + " must be at least 100ms");
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
                + ", githubSecrets=" + githubSecrets.size() + ", instanceId=" + instanceId
                + ", kafka=" + kafka.bootstrapServers() + "]";
    }
}
