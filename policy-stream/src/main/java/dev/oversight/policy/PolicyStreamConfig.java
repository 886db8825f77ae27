package dev.oversight.policy;

import dev.oversight.policy.rules.Policy;
import dev.oversight.runtime.config.CommonSettings;
import dev.oversight.ledger.LedgerConfig;
import dev.oversight.runtime.config.ConfigReader;
import dev.oversight.runtime.config.LedgerSettings;
import dev.oversight.runtime.config.Setting;
import dev.oversight.runtime.config.Settings;
import dev.oversight.runtime.kafka.KafkaConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * policy-stream's configuration.
 *
 * @param retention      how long closed changes, pushes and decided deploys are kept in state (and a violation
 *                       stays open to remediation)
 * @param commitInterval how often results are committed (exactly once): verdicts are visible at most this long after
 *                       they are decided; longer intervals write fewer transactions
 * @param ledger         the key and checkpoints of the verdicts' chains
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
        KafkaConnection kafka,
        Optional<String> instanceId,
        int standbyReplicas,
        LedgerConfig ledger) {

    public static final Setting<String> APPLICATION_ID = Setting.string("OVERSIGHT_POLICY_APPLICATION_ID",
            "oversight-policy-stream", "Kafka Streams application id (consumer group)");
    public static final Setting<Integer> THREADS = Setting.integer("OVERSIGHT_POLICY_THREADS", 1, 1, 64,
            "stream threads of this instance");
    public static final Setting<Duration> RETENTION = Setting.duration("OVERSIGHT_STATE_RETENTION", Duration.ofDays(30),
            "how long evidence stays in state from when it was stored (longer while a deploy using it is open), and decided deploys from their decision");
    public static final Setting<Duration> COMMIT_INTERVAL = Setting.duration("OVERSIGHT_POLICY_COMMIT_INTERVAL",
            Duration.ofMillis(200), Duration.ofMillis(10), Duration.ofSeconds(60),
            "how often verdicts are committed (latency against throughput)");

    public static final Setting<Optional<String>> INSTANCE_ID = Setting.optional("OVERSIGHT_POLICY_INSTANCE_ID",
            "this instance's stable id in the group (static membership: a restart takes its partitions back at once);"
                    + " default: one made on first start and kept in the state directory");

    public static final Setting<Integer> STANDBY_REPLICAS = Setting.integer("OVERSIGHT_POLICY_STANDBY_REPLICAS", 1, 0,
            8, "warm copies of each task's state on other instances (used when more than one runs): a failover "
                    + "resumes without restoring from the changelogs");

    /**
     * policy-stream's own keys; it also reads {@link CommonSettings#POLICY_FILE}, {@link CommonSettings#DATA_DIR},
     * the HTTP ones, Kafka's and the ledger's ({@link LedgerSettings}).
     */
    public static final List<Setting<?>> KEYS = List.of(APPLICATION_ID, THREADS, RETENTION, COMMIT_INTERVAL,
            INSTANCE_ID, STANDBY_REPLICAS);

    /** Reads policy-stream's configuration alone (its own {@code main}), reporting every problem at once. */
    public static PolicyStreamConfig read(Settings settings, String bootstrapWhenUnset) {
        return ConfigReader.read(settings, config -> read(config, bootstrapWhenUnset));
    }

    /** Reads policy-stream's configuration with a reader that may be shared; its owner reports the problems. */
    public static PolicyStreamConfig read(ConfigReader config, String bootstrapWhenUnset) {
        return new PolicyStreamConfig(
                config.get(APPLICATION_ID),
                config.get(CommonSettings.DATA_DIR).resolve("streams"),
                config.get(THREADS),
                config.get(RETENTION),
                config.get(COMMIT_INTERVAL),
                Duration.ofSeconds(1),
                config.get(CommonSettings.POLICY_FILE),
                config.source(CommonSettings.POLICY_FILE),
                config.get(CommonSettings.HTTP_HOST),
                config.get(CommonSettings.HTTP_PORT),
                KafkaConnection.read(config, bootstrapWhenUnset),
                config.get(INSTANCE_ID),
                config.get(STANDBY_REPLICAS),
                LedgerSettings.read(config));
    }

    /** This configuration with another Kafka connection (the embedded broker's, once it has started). */
    public PolicyStreamConfig withKafka(KafkaConnection kafka) {
        return new PolicyStreamConfig(applicationId, stateDir, threads, retention, commitInterval, punctuateEvery,
                policy, policySource, httpHost, httpPort, kafka, instanceId, standbyReplicas, ledger);
    }
}
