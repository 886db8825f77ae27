package dev.oversight.policy.topology;

import static dev.oversight.policy.topology.EvidenceScript.sha;
import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.events.CiResult.CiConclusion;
import dev.oversight.events.Evidence;
import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import dev.oversight.events.json.Json;
import dev.oversight.events.kafka.Topics;
import dev.oversight.testing.Await;
import dev.oversight.testing.kafka.RealKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * policy-stream in a JVM of its own ({@code PolicyStreamMain}), killed with SIGKILL while it works, then started
 * again on the same data directory: how long until it decides verdicts again. A member that dies without leaving
 * keeps its partitions until the group gives up on it (45 s by default); a restarted policy-stream must not wait
 * for that.
 */
@ExtendWith(RealKafka.class)
class CrashRestartIT {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private final String prefix = "it-crash-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    private final EvidenceScript acme = new EvidenceScript("acme/payments");

    private Process start(String name) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-cp", System.getProperty("java.class.path"), "dev.oversight.policy.PolicyStreamMain")
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("OVERSIGHT_") || k.startsWith("KAFKA_"));
        builder.environment().putAll(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", RealKafka.bootstrapServers(),
                "OVERSIGHT_TOPIC_PREFIX", prefix,
                "OVERSIGHT_TOPIC_PARTITIONS", "3",
                "OVERSIGHT_DATA_DIR", dir.resolve("data").toString(),
                "OVERSIGHT_HTTP_HOST", "127.0.0.1",
                "OVERSIGHT_HTTP_PORT", "0",
                "OVERSIGHT_POLICY_APPLICATION_ID", prefix + "policy-stream"));
        return builder.start();
    }

    private void send(KafkaProducer<String, byte[]> producer, Evidence... evidence) throws Exception {
        for (Evidence e : evidence) {
            producer.send(new ProducerRecord<>(prefix + Topics.forEvidence(e).suffix(), e.repository(),
                    Json.toBytes(e))).get();
        }
    }

    /** A change reviewed by someone else, merged, green, and deployed now: a COMPLIANT verdict at once. */
    private void reviewedDeploy(KafkaProducer<String, byte[]> producer, long n) throws Exception {
        Instant now = Instant.now();
        send(producer, acme.opened(n, "alice", sha("h" + n), now.minusSeconds(30)),
                acme.approved(n, "alice", "bob", sha("h" + n), now.minusSeconds(20)),
                acme.merged(n, "alice", sha("h" + n), sha("m" + n), now.minusSeconds(10)),
                acme.check(sha("m" + n), "build", CiConclusion.SUCCESS, now.minusSeconds(5)),
                acme.deployed(n, sha("m" + n), "production", now));
    }

    private static Verdict await(KafkaConsumer<String, byte[]> consumer, String deployId) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                Verdict v = Json.fromBytes(r.value(), Verdict.class);
                if (v.deployId().equals(deployId) && v.status() == VerdictStatus.COMPLIANT) {
                    return v;
                }
            }
        }
        throw new AssertionError("no verdict for " + deployId + " in " + WAIT);
    }

    @Test
    void aKilledPolicyStreamDecidesAgainSoonAfterItIsStartedAgain() throws Exception {
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, RealKafka.bootstrapServers());
        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, RealKafka.bootstrapServers());
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, prefix + "reader");
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Process first = start("first");
        Process second = null;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                new ByteArraySerializer());
             KafkaConsumer<String, byte[]> verdicts = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                     new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            // Topics are created by the service; wait for them, then for a first verdict.
            Await.until("the verdicts topic", () -> producer.partitionsFor(prefix + Topics.VERDICTS.suffix()),
                    partitions -> !partitions.isEmpty(), WAIT);
            verdicts.subscribe(List.of(prefix + Topics.VERDICTS.suffix()));
            reviewedDeploy(producer, 1);
            await(verdicts, acme.deployId(1));
            // Work in flight when it dies: evidence of other changes keeps arriving.
            for (long n = 100; n < 120; n++) {
                reviewedDeploy(producer, n);
            }
            first.destroyForcibly();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).as("killed").isTrue();
            long restarted = System.nanoTime();
            second = start("second");
            reviewedDeploy(producer, 2);
            Verdict next = await(verdicts, acme.deployId(2));
            double seconds = (System.nanoTime() - restarted) / 1e9;
            System.out.printf("policy-stream decided again %.1f s after it was restarted (killed with SIGKILL)%n",
                    seconds);
            Files.writeString(dir.resolve("restart-seconds.txt"), String.valueOf(seconds));
            assertThat(next.status()).isEqualTo(VerdictStatus.COMPLIANT);
            // The verdicts' chains: the transaction the kill aborted left nothing behind, the restart continued each
            // chain from its committed head — one unbroken chain per partition, from seq 1, no gap, no fork.
            dev.oversight.ledger.Report report = LedgerChecks.verdicts(RealKafka.bootstrapServers(), prefix, true,
                    dir.resolve("data").resolve("ledger").resolve("ledger-key.pem"));
            assertThat(report.problems()).as(report.toJson()).isEmpty();
            assertThat(report.chains()).isNotEmpty().allSatisfy(chain -> {
                assertThat(chain.firstSeq()).isEqualTo(1);
                assertThat(chain.records()).isEqualTo((int) chain.lastSeq());
            });
            assertThat(report.chains().stream().mapToInt(dev.oversight.ledger.Report.Chain::records).sum())
                    .as("every verdict chained").isEqualTo(report.records());
        } finally {
            first.destroyForcibly();
            // The two runs' logs, kept with the test reports.
            for (String name : List.of("first", "second")) {
                if (Files.exists(dir.resolve(name + ".log"))) {
                    Files.copy(dir.resolve(name + ".log"), Path.of("target", "crash-restart-" + name + ".log"),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            if (second != null) {
                second.destroy();
                if (!second.waitFor(60, TimeUnit.SECONDS)) {
                    second.destroyForcibly();
                }
            }
        }
    }
}
