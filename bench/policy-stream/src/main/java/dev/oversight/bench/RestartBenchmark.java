package dev.oversight.bench;

import dev.oversight.launcher.EmbeddedKafka;
import dev.oversight.runtime.kafka.KafkaConnection;
import dev.oversight.runtime.kafka.TopicProvisioner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * How soon each service is back after kill -9: each runs in a JVM of its own ({@code IngestMain},
 * {@code PolicyStreamMain}, {@code RollbackWorkerMain}) on one broker, is killed with SIGKILL once ready, and started
 * again on the same data directory; measured is the time from that start until {@code /health/ready} answers 200
 * (ingest: Kafka reachable, it accepts webhooks; policy-stream: Kafka Streams RUNNING, its state restored; the worker:
 * its consumer assigned). Usage: {@code RestartBenchmark [--rounds N]}; KAFKA_BOOTSTRAP_SERVERS or an embedded broker.
 */
public final class RestartBenchmark {

    private RestartBenchmark() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length == 2 && args[0].equals("--rounds") ? Integer.parseInt(args[1]) : 3;
        Path workDir = Files.createTempDirectory("oversight-restart-bench-");
        String external = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        EmbeddedKafka broker = external == null ? EmbeddedKafka.start(workDir.resolve("kafka"), 0) : null;
        String bootstrap = external != null ? external : broker.bootstrapServers();
        try {
            String prefix = "restart-" + UUID.randomUUID().toString().substring(0, 8) + ".";
            KafkaConnection kafka = new KafkaConnection(bootstrap, prefix, 3, 1, Map.of());
            TopicProvisioner.ensure(kafka, Duration.ofSeconds(30));
            System.out.printf("Broker %s; %d cores; %d kill -9 and restart rounds per service; logs in %s%n",
                    bootstrap, Runtime.getRuntime().availableProcessors(), rounds, workDir);
            for (ChildService.Kind kind : ChildService.Kind.values()) {
                measure(kind, kafka, workDir, rounds);
            }
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
    }

    private static void measure(ChildService.Kind kind, KafkaConnection kafka, Path workDir, int rounds)
            throws Exception {
        Path data = workDir.resolve(kind.logName);
        Path log = workDir.resolve(kind.logName + ".log");
        Map<String, String> settings = Map.of(
                "OVERSIGHT_POLICY_APPLICATION_ID", kafka.topicPrefix() + "policy-stream",
                "OVERSIGHT_WORKER_GROUP_ID", kafka.topicPrefix() + "rollback-worker",
                "OVERSIGHT_GITHUB_WEBHOOK_SECRET", "restart-bench");
        ChildService service = ChildService.start(kind, kafka, data, log, settings);
        double first = service.awaitReady(Duration.ofMinutes(5));
        List<Double> afterKill = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            service.kill();
            service = ChildService.start(kind, kafka, data, log, settings);
            afterKill.add(service.awaitReady(Duration.ofMinutes(5)));
        }
        service.stop();
        List<Double> sorted = afterKill.stream().sorted().toList();
        System.out.printf("  %-16s first start ready after %4.1f s; after kill -9: %s (median %.1f s)%n", kind.logName,
                first, afterKill.stream().map(s -> String.format("%.1f s", s)).toList(), sorted.get(sorted.size() / 2));
    }
}
