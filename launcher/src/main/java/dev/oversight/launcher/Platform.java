package dev.oversight.launcher;

import dev.oversight.ingest.IngestConfig;
import dev.oversight.ingest.IngestService;
import dev.oversight.policy.PolicyStreamConfig;
import dev.oversight.policy.PolicyStreamService;
import dev.oversight.rollback.RollbackWorker;
import dev.oversight.rollback.Sinks;
import dev.oversight.rollback.WorkerConfig;
import dev.oversight.runtime.ManagedService;
import dev.oversight.runtime.ServiceRunner;
import dev.oversight.runtime.config.CommonSettings;
import dev.oversight.runtime.config.ConfigException;
import dev.oversight.runtime.config.ConfigReader;
import dev.oversight.runtime.config.Setting;
import dev.oversight.runtime.config.Settings;
import dev.oversight.runtime.kafka.KafkaConnection;
import dev.oversight.runtime.kafka.TopicProvisioner;
import dev.oversight.runtime.metrics.MetricsSetup;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The whole platform in one JVM: the embedded broker (unless KAFKA_BOOTSTRAP_SERVERS names a cluster), ingest,
 * policy-stream and rollback-worker, with one HTTP port for webhooks, /metrics and /health.
 */
public final class Platform implements AutoCloseable {

    public static final Setting<Integer> KAFKA_PORT = Setting.port("OVERSIGHT_KAFKA_PORT", 9092,
            "client port of the embedded broker (`oversight up`; it listens on 127.0.0.1 only; 0 picks a free one)");

    /** The launcher's own keys; it reads every service's too. */
    public static final List<Setting<?>> KEYS = List.of(KAFKA_PORT);

    private final EmbeddedKafka broker;
    private final ServiceRunner runner;
    private final List<ManagedService> services;
    private final String bootstrapServers;
    private final KafkaConnection kafka;
    private final Path dataDir;

    private Platform(EmbeddedKafka broker, ServiceRunner runner, List<ManagedService> services, String bootstrapServers,
                     KafkaConnection kafka, Path dataDir) {
        this.broker = broker;
        this.runner = runner;
        this.services = services;
        this.bootstrapServers = bootstrapServers;
        this.kafka = kafka;
        this.dataDir = dataDir;
    }

    /** Reads every service's configuration first, so all problems are reported together, then starts. */
    public static Platform start(Settings settings) throws Exception {
        ConfigReader launcher = new ConfigReader(settings);
        Path dataDir = launcher.get(CommonSettings.DATA_DIR);
        int kafkaPort = launcher.get(KAFKA_PORT);
        String external = launcher.get(KafkaConnection.BOOTSTRAP).orElse(null);
        String placeholder = external != null ? external : "embedded";
        List<String> problems = new ArrayList<>(launcher.problems());
        IngestConfig ingestConfig = collect(problems, () -> IngestConfig.read(settings, placeholder));
        PolicyStreamConfig policyConfig = collect(problems, () -> PolicyStreamConfig.read(settings, placeholder));
        WorkerConfig workerConfig = collect(problems, () -> WorkerConfig.read(settings, placeholder));
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        EmbeddedKafka broker = null;
        String bootstrap = external;
        if (external == null) {
            broker = EmbeddedKafka.start(dataDir.resolve("kafka"), kafkaPort);
            bootstrap = broker.bootstrapServers();
        }
        try {
            Settings resolved = settings.with(java.util.Map.of(KafkaConnection.BOOTSTRAP.name(), bootstrap));
            ingestConfig = IngestConfig.read(resolved, null);
            policyConfig = PolicyStreamConfig.read(resolved, null);
            workerConfig = WorkerConfig.read(resolved, null);
            TopicProvisioner.ensure(ingestConfig.kafka(), Duration.ofSeconds(30));
            PrometheusMeterRegistry registry = MetricsSetup.prometheus();
            Clock clock = Clock.systemUTC();
            List<ManagedService> services = List.of(
                    new PolicyStreamService(policyConfig, registry),
                    new RollbackWorker(workerConfig, Sinks.from(workerConfig, clock), registry, clock),
                    new IngestService(ingestConfig, registry, clock));
            ServiceRunner runner = ServiceRunner.start(ingestConfig.httpHost(), ingestConfig.httpPort(),
                    ingestConfig.idleTimeout(), registry, services);
            return new Platform(broker, runner, services, bootstrap, ingestConfig.kafka(), dataDir);
        } catch (Exception | Error e) {
            if (broker != null) {
                broker.close();
            }
            throw e;
        }
    }

    private interface ConfigRead<T> {
        T read();
    }

    private static <T> T collect(List<String> problems, ConfigRead<T> read) {
        try {
            return read.read();
        } catch (ConfigException e) {
            e.problems().stream().filter(p -> !problems.contains(p)).forEach(problems::add);
            return null;
        }
    }

    /** Waits until every service says it is ready. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (services.stream().allMatch(s -> s.readiness().ready())) {
                return true;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return false;
    }

    /** Waits until ingest alone is ready: webhooks are accepted from then on. */
    public boolean awaitIngestReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ManagedService ingest = services.get(services.size() - 1);
        while (System.nanoTime() < deadline) {
            if (ingest.readiness().ready()) {
                return true;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return false;
    }

    public List<ManagedService> services() {
        return services;
    }

    public int httpPort() {
        return runner.httpPort();
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public boolean embedded() {
        return broker != null;
    }

    public KafkaConnection kafka() {
        return kafka;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        runner.close();
        if (broker != null) {
            broker.close();
        }
    }
}
