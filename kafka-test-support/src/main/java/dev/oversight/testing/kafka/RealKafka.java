package dev.oversight.testing.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Gives tests a real Kafka broker, one per test JVM, shared by every test class that uses it:
 * <ol>
 *   <li>KAFKA_BOOTSTRAP_SERVERS set: that cluster;</li>
 *   <li>a Docker engine available: Testcontainers' {@code apache/kafka} at the project's Kafka version;</li>
 *   <li>otherwise: the real broker in-process ({@link KafkaClusterTestKit}, one combined KRaft node).</li>
 * </ol>
 * Use with {@code @ExtendWith(RealKafka.class)} and read {@link #bootstrapServers()}. The broker is stopped when
 * the test run ends.
 */
public final class RealKafka implements BeforeAllCallback {

    private static final Logger LOG = LoggerFactory.getLogger(RealKafka.class);
    private static final String KAFKA_VERSION = "4.3.1";

    private static Broker broker;

    /** A broker, however it was obtained. */
    interface Broker extends AutoCloseable {
        String bootstrapServers();

        String kind();

        @Override
        void close() throws Exception;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(RealKafka.class.getName(), k -> new Shutdown(), Shutdown.class);
        broker();
    }

    public static synchronized String bootstrapServers() {
        return broker().bootstrapServers();
    }

    private static synchronized Broker broker() {
        if (broker == null) {
            long started = System.nanoTime();
            broker = start();
            LOG.info("Kafka for tests: {} at {} (ready in {} ms)", broker.kind(), broker.bootstrapServers(),
                    (System.nanoTime() - started) / 1_000_000);
        }
        return broker;
    }

    private static Broker start() {
        String external = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        if (external != null && !external.isBlank()) {
            return new Broker() {
                public String bootstrapServers() { return external; }

                public String kind() { return "external cluster (KAFKA_BOOTSTRAP_SERVERS)"; }

                public void close() {}
            };
        }
        if (dockerAvailable()) {
            KafkaContainer container = new KafkaContainer(DockerImageName.parse("apache/kafka:" + KAFKA_VERSION));
            container.start();
            return new Broker() {
                public String bootstrapServers() { return container.getBootstrapServers(); }

                public String kind() { return "Testcontainers apache/kafka:" + KAFKA_VERSION; }

                public void close() { container.stop(); }
            };
        }
        return inProcess();
    }

    /** Cheap test first: without a socket or DOCKER_HOST there is no engine to ask. */
    private static boolean dockerAvailable() {
        boolean maybe = System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"));
        if (!maybe) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Broker inProcess() {
        try {
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build());
            singleNodeSettings().forEach(builder::setConfigProp);
            KafkaClusterTestKit cluster = builder.build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new Broker() {
                public String bootstrapServers() { return cluster.bootstrapServers(); }

                public String kind() { return "in-process broker (KafkaClusterTestKit)"; }

                public void close() throws Exception { cluster.close(); }
            };
        } catch (Exception e) {
            throw new IllegalStateException("cannot start an in-process Kafka broker", e);
        }
    }

    /** What a single-node cluster needs so transactions, groups and Streams work on it. */
    public static Map<String, String> singleNodeSettings() {
        return Map.of(
                "offsets.topic.replication.factor", "1",
                "offsets.topic.num.partitions", "3",
                "transaction.state.log.replication.factor", "1",
                "transaction.state.log.min.isr", "1",
                "transaction.state.log.num.partitions", "3",
                "share.coordinator.state.topic.replication.factor", "1",
                "share.coordinator.state.topic.min.isr", "1",
                "group.initial.rebalance.delay.ms", "0",
                "auto.create.topics.enable", "false");
    }

    /** Stops the broker when the whole test run is over. */
    private static final class Shutdown implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() throws Exception {
            synchronized (RealKafka.class) {
                if (broker != null) {
                    broker.close();
                    broker = null;
                }
            }
        }
    }
}
