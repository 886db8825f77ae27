package dev.oversight.policy;

import dev.oversight.policy.file.PolicyException;
import dev.oversight.policy.file.PolicyFile;
import dev.oversight.policy.rules.Policy;
import dev.oversight.runtime.config.ConfigKey;
import dev.oversight.runtime.config.ConfigReader;
import dev.oversight.runtime.config.Settings;
import dev.oversight.runtime.kafka.KafkaConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * policy-stream's configuration.
 *
 * @param retention      how long closed changes, pushes and decided deploys are kept in state (and a violation
 *                       stays open to remediation)
 * @param commitInterval how often results are committed (exactly once): verdicts are visible at most this long after
 *                       they are decided; longer intervals write fewer transactions
 */
public record PolicyStreamConfig(
        String applicationId,
        Path stateDir,
        int threads,
        Duration retention,
        Duration commitInterval,
        Duration punctuateEvery,
        Policy policy,
        String policySource,
        String httpHost,
        int httpPort,
        KafkaConnection kafka) {

    public static final String POLICY_FILE = "OVERSIGHT_POLICY_FILE";
    public static final String DATA_DIR = "OVERSIGHT_DATA_DIR";
    public static final String APPLICATION_ID = "OVERSIGHT_POLICY_APPLICATION_ID";
    public static final String THREADS = "OVERSIGHT_POLICY_THREADS";
    public static final String RETENTION = "OVERSIGHT_STATE_RETENTION";
    public static final String COMMIT_INTERVAL = "OVERSIGHT_POLICY_COMMIT_INTERVAL";

    public static final List<ConfigKey> KEYS = List.of(
            ConfigKey.of(POLICY_FILE, "built-in default policy", "the policy YAML (see policy-stream/README.md)"),
            ConfigKey.of(DATA_DIR, "./data", "embedded broker and state directories"),
            ConfigKey.of(APPLICATION_ID, "oversight-policy-stream", "Kafka Streams application id (consumer group)"),
            ConfigKey.of(THREADS, "1", "stream threads of this instance"),
            ConfigKey.of(RETENTION, "30d", "how long closed changes and decided deploys stay in state"),
            ConfigKey.of(COMMIT_INTERVAL, "200ms", "how often verdicts are committed (latency against throughput)"));

    public static PolicyStreamConfig read(Settings settings, String bootstrapWhenUnset) {
        ConfigReader config = new ConfigReader(settings);
        Policy policy = config.read(POLICY_FILE, PolicyFile::loadOrDefault, PolicyException.class, PolicyException::problems);
        PolicyStreamConfig result = new PolicyStreamConfig(
                config.string(APPLICATION_ID, "oversight-policy-stream"),
                config.path(DATA_DIR, "./data").resolve("streams"),
                config.integer(THREADS, 1, 1, 64),
                config.duration(RETENTION, Duration.ofDays(30)),
                config.duration(COMMIT_INTERVAL, Duration.ofMillis(200)),
                Duration.ofSeconds(1),
                policy,
                config.string(POLICY_FILE, "built-in default policy"),
                config.string("OVERSIGHT_HTTP_HOST", "0.0.0.0"),
                config.port("OVERSIGHT_HTTP_PORT", 8080),
                KafkaConnection.read(config, bootstrapWhenUnset));
        if (result.commitInterval().toMillis() < 10 || result.commitInterval().toSeconds() > 60) {
            config.problem(COMMIT_INTERVAL + " must be between 10ms and 60s, got " + result.commitInterval().toMillis() + "ms");
        }
        config.done();
        return result;
    }
}
