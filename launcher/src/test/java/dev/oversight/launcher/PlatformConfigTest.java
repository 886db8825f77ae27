package dev.oversight.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oversight.policy.PolicyStreamConfig;
import dev.oversight.runtime.config.ConfigException;
import dev.oversight.runtime.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code oversight up} reads each configuration once, before anything starts; the services share what is common. */
class PlatformConfigTest {

    @Test
    void thePolicyIsParsedOnceForPolicyStreamAndTheWorker(@TempDir Path dir) throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                name: acme
                environments:
                  production: { protected: true, action: alert }
                """);
        Platform.Config config = Platform.read(Settings.of(Map.of("OVERSIGHT_POLICY_FILE", policy.toString())));
        assertThat(config.policyStream().policy().name()).isEqualTo("acme");
        assertThat(config.worker().policy()).isSameAs(config.policyStream().policy());
        assertThat(config.embedded()).isTrue();
    }

    @Test
    void aProblemOfASharedSettingIsReportedOnceWithEveryOther(@TempDir Path dir) throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), "name: broken\ngrace: soon\n");
        assertThatThrownBy(() -> Platform.read(Settings.of(Map.of(
                "OVERSIGHT_HTTP_PORT", "eighty",
                "OVERSIGHT_POLICY_FILE", policy.toString(),
                "OVERSIGHT_INGEST_DEDUP_MAX", "ten",
                "OVERSIGHT_ROLLBACK_STORM_LIMIT", "-1"))))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .containsExactlyInAnyOrder(
                                "OVERSIGHT_HTTP_PORT must be a whole number, got 'eighty'",
                                "OVERSIGHT_POLICY_FILE (" + policy + "): grace: must be a duration such as 60s, 15m "
                                        + "or 24h, got 'soon'",
                                "OVERSIGHT_INGEST_DEDUP_MAX must be a whole number, got 'ten'",
                                "OVERSIGHT_ROLLBACK_STORM_LIMIT must be a whole number, got '-1' "
                                        + "(must be between 0 and 1000)"));
    }

    @Test
    void theEmbeddedBrokersAddressReachesEveryService() {
        Platform.Config config = Platform.read(Settings.of(Map.of("OVERSIGHT_TOPIC_PREFIX", "acme.")))
                .withBootstrapServers("127.0.0.1:19092");
        assertThat(config.ingest().kafka().bootstrapServers()).isEqualTo("127.0.0.1:19092");
        assertThat(config.policyStream().kafka().bootstrapServers()).isEqualTo("127.0.0.1:19092");
        assertThat(config.worker().kafka().bootstrapServers()).isEqualTo("127.0.0.1:19092");
        assertThat(config.worker().kafka().topicPrefix()).isEqualTo("acme.");
    }

    @Test
    void onTheEmbeddedBrokerPolicyStreamKeepsNoStandbyUnlessAskedTo() {
        assertThat(Platform.read(Settings.of(Map.of())).policyStream().standbyReplicas()).isZero();
        assertThat(Platform.read(Settings.of(Map.of("OVERSIGHT_POLICY_STANDBY_REPLICAS", "2"))).policyStream()
                .standbyReplicas()).isEqualTo(2);
        assertThat(Platform.read(Settings.of(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092"))).policyStream()
                .standbyReplicas()).isEqualTo(PolicyStreamConfig.STANDBY_REPLICAS.defaultValue());
    }
}
