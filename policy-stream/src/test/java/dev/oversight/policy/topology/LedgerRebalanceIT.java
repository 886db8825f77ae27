package dev.oversight.policy.topology;

import static dev.oversight.policy.topology.EvidenceScript.sha;
import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.events.CiResult.CiConclusion;
import dev.oversight.events.Evidence;
import dev.oversight.events.Verdict;
import dev.oversight.events.json.Json;
import dev.oversight.events.kafka.Topics;
import dev.oversight.ledger.Report;
import dev.oversight.policy.PolicyStreamConfig;
import dev.oversight.policy.PolicyStreamService;
import dev.oversight.runtime.config.Settings;
import dev.oversight.runtime.kafka.TopicProvisioner;
import dev.oversight.testing.Await;
import dev.oversight.testing.kafka.RealKafka;
import dev.oversight.testing.kafka.TopicProbe;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two policy-stream instances in one group: the second joins (tasks move to it), the first leaves (they move back),
 * with verdicts decided all along. Each verdicts partition stays one unbroken chain, every link vouched for by the
 * checkpoints the instances wrote at their shutdown.
 */
@ExtendWith(RealKafka.class)
class LedgerRebalanceIT {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final List<String> REPOSITORIES = List.of("acme/one", "acme/two", "acme/three", "acme/four",
            "acme/five", "acme/six");

    @TempDir
    Path dir;

    private final String prefix = "it-rebalance-" + UUID.randomUUID().toString().substring(0, 8) + ".";

    private PolicyStreamService instance(String name) {
        PolicyStreamConfig config = PolicyStreamConfig.read(Settings.of(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", RealKafka.bootstrapServers(),
                "OVERSIGHT_TOPIC_PREFIX", prefix,
                "OVERSIGHT_TOPIC_PARTITIONS", "3",
                "OVERSIGHT_DATA_DIR", dir.resolve(name).toString(),
                "OVERSIGHT_POLICY_APPLICATION_ID", prefix + "policy-stream",
                "OVERSIGHT_POLICY_INSTANCE_ID", prefix + name)), null);
        TopicProvisioner.ensure(config.kafka(), Duration.ofSeconds(30));
        PolicyStreamService service = new PolicyStreamService(config, new SimpleMeterRegistry());
        service.start();
        Await.until(name + " running", service::readiness, r -> r.ready(), WAIT);
        return service;
    }

    private void deploys(KafkaProducer<String, byte[]> producer, long round) throws Exception {
        Instant now = Instant.now();
        for (String repository : REPOSITORIES) {
            EvidenceScript script = new EvidenceScript(repository);
            long n = round;
            for (Evidence e : List.of(script.opened(n, "alice", sha(repository + "h" + n), now.minusSeconds(30)),
                    script.approved(n, "alice", "bob", sha(repository + "h" + n), now.minusSeconds(20)),
                    script.merged(n, "alice", sha(repository + "h" + n), sha(repository + "m" + n), now.minusSeconds(10)),
                    script.check(sha(repository + "m" + n), "build", CiConclusion.SUCCESS, now.minusSeconds(5)),
                    script.deployed(n, sha(repository + "m" + n), "production", now))) {
                producer.send(new ProducerRecord<>(prefix + Topics.forEvidence(e).suffix(), e.repository(),
                        Json.toBytes(e))).get();
            }
        }
    }

    private void awaitVerdicts(TopicProbe<Verdict> verdicts, long round) {
        verdicts.await(list -> REPOSITORIES.stream().allMatch(r -> list.stream().anyMatch(v ->
                v.deployId().equals(new EvidenceScript(r).deployId(round)) && v.status().isFinal())), WAIT);
    }

    @Test
    void eachChainStaysUnbrokenWhileTasksMoveBetweenInstances() throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, RealKafka.bootstrapServers());
        PolicyStreamService first = instance("first");
        PolicyStreamService second = null;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer());
             TopicProbe<Verdict> verdicts = new TopicProbe<>(RealKafka.bootstrapServers(), prefix + "verdicts",
                     Topics.VERDICTS.valueSerde().deserializer())) {
            deploys(producer, 1);
            awaitVerdicts(verdicts, 1);
            second = instance("second");
            deploys(producer, 2);
            awaitVerdicts(verdicts, 2);
            first.close();
            first = null;
            deploys(producer, 3);
            awaitVerdicts(verdicts, 3);
        } finally {
            if (first != null) {
                first.close();
            }
            if (second != null) {
                second.close();
            }
        }
        Report report = LedgerChecks.verdicts(RealKafka.bootstrapServers(), prefix, false,
                dir.resolve("first/ledger/ledger-key.pem"), dir.resolve("second/ledger/ledger-key.pem"));
        assertThat(report.problems()).as(report.toJson()).isEmpty();
        assertThat(report.chains()).as("one chain per verdicts partition written").hasSizeGreaterThan(1)
                .allSatisfy(chain -> {
                    assertThat(chain.firstSeq()).isEqualTo(1);
                    assertThat(chain.records()).isEqualTo((int) chain.lastSeq());
                    assertThat(chain.vouchedTo()).isEqualTo(chain.lastSeq());
                });
        assertThat(report.records()).isGreaterThanOrEqualTo(REPOSITORIES.size() * 3);
    }
}
