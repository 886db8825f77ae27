package dev.oversight.rollback;

import dev.oversight.policy.file.PolicyException;
import dev.oversight.policy.file.PolicyFile;
import dev.oversight.policy.rules.Policy;
import dev.oversight.runtime.config.ConfigKey;
import dev.oversight.runtime.config.ConfigReader;
import dev.oversight.runtime.config.Settings;
import dev.oversight.runtime.kafka.KafkaConnection;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** rollback-worker's configuration: where alerts go, the policy, and Kafka. */
public record WorkerConfig(
        String groupId,
        Optional<URI> alertWebhookUrl,
        String alertWebhookSecret,
        Optional<URI> alertmanagerUrl,
        Duration httpTimeout,
        Policy policy,
        String httpHost,
        int httpPort,
        KafkaConnection kafka) {

    public static final String GROUP_ID = "OVERSIGHT_WORKER_GROUP_ID";
    public static final String ALERT_WEBHOOK_URL = "OVERSIGHT_ALERT_WEBHOOK_URL";
    public static final String ALERT_WEBHOOK_SECRET = "OVERSIGHT_ALERT_WEBHOOK_SECRET";
    public static final String ALERTMANAGER_URL = "OVERSIGHT_ALERTMANAGER_URL";
    public static final String HTTP_TIMEOUT = "OVERSIGHT_WORKER_HTTP_TIMEOUT";

    public static final List<ConfigKey> KEYS = List.of(
            ConfigKey.of(ALERT_WEBHOOK_URL, null, "receives every alert and resolution as JSON"),
            ConfigKey.secret(ALERT_WEBHOOK_SECRET, "signs webhook alerts (X-Oversight-Signature-256, as GitHub signs)"),
            ConfigKey.of(ALERTMANAGER_URL, null, "Alertmanager base URL; alerts go to its /api/v2/alerts"),
            ConfigKey.of(GROUP_ID, "oversight-rollback-worker", "consumer group of the workers"),
            ConfigKey.of(HTTP_TIMEOUT, "10s", "timeout of each call to an alert sink or executor"));

    public static WorkerConfig read(Settings settings, String bootstrapWhenUnset) {
        ConfigReader config = new ConfigReader(settings);
        String policyFile = config.string("OVERSIGHT_POLICY_FILE", null);
        Policy policy = null;
        try {
            policy = policyFile == null ? PolicyFile.defaultPolicy() : PolicyFile.load(Path.of(policyFile));
        } catch (PolicyException e) {
            e.problems().forEach(p -> config.problem("OVERSIGHT_POLICY_FILE (" + policyFile + "): " + p));
        }
        WorkerConfig result = new WorkerConfig(
                config.string(GROUP_ID, "oversight-rollback-worker"),
                config.url(ALERT_WEBHOOK_URL),
                config.optional(ALERT_WEBHOOK_SECRET).orElse(null),
                config.url(ALERTMANAGER_URL),
                config.duration(HTTP_TIMEOUT, Duration.ofSeconds(10)),
                policy,
                config.string("OVERSIGHT_HTTP_HOST", "0.0.0.0"),
                config.port("OVERSIGHT_HTTP_PORT", 8080),
                KafkaConnection.read(config, bootstrapWhenUnset));
        config.done();
        return result;
    }

    @Override
    public String toString() {
        return "WorkerConfig[webhook=" + alertWebhookUrl.map(URI::getHost).orElse("-") + ", alertmanager="
                + alertmanagerUrl.map(URI::getHost).orElse("-") + ", kafka=" + kafka.bootstrapServers() + "]";
    }
}
