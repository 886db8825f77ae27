package dev.oversight.launcher;

import dev.oversight.ingest.IngestConfig;
import dev.oversight.ingest.IngestService;
import dev.oversight.policy.PolicyStreamConfig;
import dev.oversight.policy.PolicyStreamService;
import dev.oversight.report.ReportConfig;
import dev.oversight.report.ReportService;
import dev.oversight.rollback.RollbackWorker;
import dev.oversight.rollback.Sinks;
import dev.oversight.rollback.WorkerConfig;
import dev.oversight.runtime.ManagedService;
import dev.oversight.runtime.ServiceRunner;
import dev.oversight.runtime.config.CommonSettings;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The whole platform in one JVM: the embedded broker (unless KAFKA_BOOTSTRAP_SERVERS names a cluster), ingest,
 * policy-stream, rollback-worker and the report, with one HTTP port for webhooks, the report's pages, /metrics and
 * /health.
 */
public final class Platform implements AutoCloseable {

    public static final Setting<Integer> KAFKA_PORT = Setting.port("OVERSIGHT_KAFKA_PORT", 9092,
            "client port of the embedded broker (`oversight up`; it listens on 127.0.0.1 only; 0 picks a free one)");

    /** The launcher's own keys; it reads every service's too. */
    public static final List<Setting<?>> KEYS = List.of(KAFKA_PORT);

    /** What the services are given as Kafka's address until the embedded broker has started and has one. */
    private static final String EMBEDDED = "embedded";

    private final EmbeddedKafka broker;
    private final ServiceRunner runner;
    private final List<ManagedService> services;
    private final String bootstrapServers;
    private final KafkaConnection kafka;
    private final Path dataDir;
    private final DataDirectoryLock lock;

    private Platform(DataDirectoryLock lock, EmbeddedKafka broker, ServiceRunner runner, List<ManagedService> services,
                     String bootstrapServers, KafkaConnection kafka, Path dataDir) {
        this.lock = lock;
        this.broker = broker;
        this.runner = runner;
        this.services = services;
        this.bootstrapServers = bootstrapServers;
        this.kafka = kafka;
        this.dataDir = dataDir;
    }

    /**
     * Every configuration of the platform, each read once from one reader: what the services share (the HTTP port,
     * Kafka, the policy — parsed once, the same object for policy-stream and the worker) is read once.
     *
     * @param embedded whether to start the embedded broker (no KAFKA_BOOTSTRAP_SERVERS)
     */
    public record Config(Path dataDir, int kafkaPort, boolean embedded, IngestConfig ingest,
                         PolicyStreamConfig policyStream, WorkerConfig worker, ReportConfig report) {

        /** The same configuration with the servers Kafka is at, once the embedded broker has started. */
        Config withBootstrapServers(String servers) {
            KafkaConnection kafka = ingest.kafka().withBootstrapServers(servers);
            return new Config(dataDir, kafkaPort, embedded, ingest.withKafka(kafka), policyStream.withKafka(kafka),
                    worker.withKafka(kafka), report.withKafka(kafka));
        }
    }

    /**
     * Reads every service's configuration, so that all problems are reported together, before anything starts.
     * On the embedded broker, policy-stream keeps no standby replicas unless told to: the data directory's lock
     * makes it the only instance, so a standby could never be placed (Kafka Streams would warn at every start).
     */
    public static Config read(Settings settings) {
        if (!isSet(settings, KafkaConnection.BOOTSTRAP) && !isSet(settings, PolicyStreamConfig.STANDBY_REPLICAS)) {
            settings = settings.with(Map.of(PolicyStreamConfig.STANDBY_REPLICAS.name(), "0"));
        }
        return ConfigReader.read(settings, Platform::read);
    }

    /** Whether a setting is given; one given as an unreadable file counts as given (its reader reports it). */
    private static boolean isSet(Settings settings, Setting<?> setting) {
        try {
            return settings.get(setting.name()).isPresent();
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    static Config read(ConfigReader config) {
        Optional<String> external = config.get(KafkaConnection.BOOTSTRAP);
        String bootstrap = external.orElse(EMBEDDED);
        return new Config(config.get(CommonSettings.DATA_DIR), config.get(KAFKA_PORT), external.isEmpty(),
                IngestConfig.read(config, bootstrap), PolicyStreamConfig.read(config, bootstrap),
                WorkerConfig.read(config, bootstrap), ReportConfig.read(config, bootstrap));
    }

    /** Reads every configuration, then starts. */
    public static Platform start(Settings settings) throws Exception {
        return start(read(settings));
    }

    /** Starts with the configuration given, saying nothing of its progress. */
    public static Platform start(Config config) throws Exception {
        return start(config, "oversight", line -> {});
    }

    /**
     * Starts the embedded broker (unless Kafka is elsewhere) and the services, with the configuration given. First
     * what can fail at once: the data directory is locked (before anything touches it), the ports are free, an
     * external Kafka answers.
     *
     * @param command  what runs the platform, as a second process refused the data directory is told
     * @param progress told, one line at a time, what is being started or waited for
     * @throws DataDirectoryLock.InUse when another process uses the data directory
     * @throws Preflight.Failure       when a port is taken or Kafka cannot be reached
     */
    public static Platform start(Config config, String command, Consumer<String> progress) throws Exception {
        DataDirectoryLock lock = DataDirectoryLock.acquire(config.dataDir(), command);
        EmbeddedKafka broker = null;
        try {
            IngestConfig http = config.ingest();
            Preflight.httpPortFree(http.httpHost(), http.httpPort());
            if (config.embedded()) {
                Preflight.kafkaPortFree(config.kafkaPort());
                progress.accept("Starting the embedded Kafka broker (data in " + config.dataDir().resolve("kafka")
                        + ") ...");
                broker = EmbeddedKafka.start(config.dataDir().resolve("kafka"), config.kafkaPort());
                config = config.withBootstrapServers(broker.bootstrapServers());
            } else {
                Preflight.awaitKafka(config.ingest().kafka(), Preflight.KAFKA_WAIT, progress);
            }
            progress.accept("Starting policy-stream, rollback-worker, the report and ingest on Kafka at "
                    + config.ingest().kafka().bootstrapServers() + " ...");
            KafkaConnection kafka = config.ingest().kafka();
            TopicProvisioner.ensure(kafka, Duration.ofSeconds(30));
            PrometheusMeterRegistry registry = MetricsSetup.prometheus();
            Clock clock = Clock.systemUTC();
            WorkerConfig worker = config.worker();
            IngestConfig ingest = config.ingest();
            List<ManagedService> services = List.of(
                    new PolicyStreamService(config.policyStream(), registry),
                    new RollbackWorker(worker, Sinks.from(worker, clock), registry, clock),
                    new ReportService(config.report(), registry, clock),
                    new IngestService(ingest, registry, clock));
            ServiceRunner runner = ServiceRunner.start(ingest.httpHost(), ingest.httpPort(), ingest.idleTimeout(),
                    registry, services);
            return new Platform(lock, broker, runner, services, kafka.bootstrapServers(), kafka, config.dataDir());
        } catch (Exception | Error e) {
            if (broker != null) {
                broker.close();
            }
            lock.close();
            throw e;
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

    /**
     * Stops the services, then the broker; the data directory is released last. A deliberate stop: Kafka's warnings
     * of it are not shown ({@link KafkaLogging}).
     */
    @Override
    public void close() {
        KafkaLogging.Restore levels = KafkaLogging.quietWhileStopping();
        try {
            runner.close();
            if (broker != null) {
                broker.close();
            }
        } finally {
            levels.close();
            lock.close();
        }
    }
}
