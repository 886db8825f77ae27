package dev.oversight.policy;

import dev.oversight.events.kafka.Topic;
import dev.oversight.events.kafka.Topics;
import dev.oversight.ledger.LedgerKey;
import dev.oversight.ledger.kafka.Checkpointer;
import dev.oversight.policy.topology.OversightTopology;
import dev.oversight.runtime.ManagedService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** policy-stream as a service: the topology on Kafka Streams, exactly once (exactly_once_v2). */
public final class PolicyStreamService implements ManagedService {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyStreamService.class);

    private final PolicyStreamConfig config;
    private final PolicyMeters meters;
    private KafkaStreams streams;
    private UncleanStop runState;
    private KafkaStreamsMetrics streamsMetrics;
    private Checkpointer checkpointer;

    public PolicyStreamService(PolicyStreamConfig config, MeterRegistry registry) {
        this.config = config;
        this.meters = new PolicyMeters(registry);
    }

    @Override
    public String name() {
        return "policy-stream";
    }

    public Topology topology() {
        return OversightTopology.build(t -> config.kafka().topic(t).name(), config.policy(), config.retention(),
                config.punctuateEvery(), meters);
    }

    /** The Kafka Streams settings; {@code overrides} win (tests shorten commit intervals and the like). */
    public Properties streamsProperties() {
        Map<String, Object> props = new HashMap<>(config.kafka().common(config.applicationId()));
        props.remove("client.id");
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toAbsolutePath().toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.threads());
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
        // Process what has arrived without waiting for the other input topics to have data too. The deploys topic is
        // mostly empty between deploys, and waiting for it (the default) buys an ordering by timestamp across topics
        // that verdicts do not rely on: late evidence is what the grace period is for. It also spares Kafka Streams a
        // per-record check that profiles showed at 7% of the stream thread.
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, OversightRocksDbConfig.class);
        DeadLetterHandler.install(props, config.kafka().topic(Topics.DLQ).name(), meters);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), 8 * 1024 * 1024);
        // Static membership: a restarted instance (after a crash, kill -9) rejoins under the same id and gets its
        // partitions back at once, instead of waiting for the group to give up on its dead predecessor (the
        // session timeout, 45 s). Kafka Streams adds the thread's index to the id.
        props.putIfAbsent(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
                config.instanceId().orElseGet(() -> InstanceId.of(config.stateDir())));
        props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "none");
        Properties properties = new Properties();
        properties.putAll(props);
        return properties;
    }

    @Override
    public void start() {
        Topic<String, ?> verdicts = config.kafka().topic(Topics.VERDICTS);
        runState = UncleanStop.acquire(config.stateDir().resolve(config.applicationId()));
        if (runState.previousRunCrashed()) {
            List<String> tasks = runState.discardTaskState();
            LOG.warn("policy-stream did not stop cleanly last time: its local state of {} task(s) {} cannot be trusted"
                    + " under exactly-once and is restored from the changelog topics", tasks.size(), tasks);
        }
        meters.initialize(config.policy());
        streams = new KafkaStreams(topology(), streamsProperties());
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("policy-stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> LOG.debug("policy-stream {} -> {}", before, now));
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(meters.registry());
        streams.start();
        checkpointer = new Checkpointer(config.ledger(), LedgerKey.loadOrCreate(config.ledger().keyFile()),
                "policy-stream/" + config.instanceId().orElseGet(() -> InstanceId.of(config.stateDir())), config.kafka().common("oversight-policy-stream-ledger"),
                verdicts.name(), config.kafka().topic(Topics.CHECKPOINTS), this::ownedPartitions,
                () -> List.of(config.policy().version()), Clock.systemUTC());
        checkpointer.start();
        LOG.info("policy-stream started: policy '{}' ({}), verdicts to {}", config.policy().name(),
                config.policySource(), verdicts.name());
    }

    /** The verdicts partitions this instance writes: those of its active tasks (OversightTopology.chainPartition). */
    private Set<Integer> ownedPartitions() {
        KafkaStreams running = streams;
        if (running == null) {
            return Set.of();
        }
        return running.metadataForLocalThreads().stream().flatMap(t -> t.activeTasks().stream())
                .map(t -> t.taskId().partition()).collect(Collectors.toSet());
    }

    @Override
    public Readiness readiness() {
        if (streams == null) {
            return Readiness.notReady("not started");
        }
        KafkaStreams.State state = streams.state();
        boolean ready = state == KafkaStreams.State.RUNNING;
        return new Readiness(ready, "Kafka Streams " + state.name().toLowerCase(java.util.Locale.ROOT));
    }

    @Override
    public void close() {
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        Set<Integer> owned = ownedPartitions();
        if (streams != null) {
            // Leave the group on a clean stop, so a restart does not wait out the session timeout of the old member.
            boolean clean = streams.close(CloseOptions.groupMembershipOperation(
                    CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(30)));
            if (clean && runState != null) {
                runState.markStopped();
            }
        }
        if (runState != null) {
            runState.close();
            runState = null;
        }
        if (checkpointer != null) {
            // Everything this instance wrote is committed now: vouch for it before going (once).
            checkpointer.shutdown(owned);
            checkpointer = null;
        }
    }
}
