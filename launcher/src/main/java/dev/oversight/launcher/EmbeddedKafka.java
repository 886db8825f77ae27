package dev.oversight.launcher;

import dev.oversight.runtime.kafka.KafkaConnection;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real Kafka server, in-process: one node that is both broker and KRaft controller, its data in a directory
 * that survives restarts (formatted on first use). Listens on 127.0.0.1 only.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path directory;

    private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers, Path directory) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.directory = directory;
    }

    /**
     * Starts the broker and waits until it answers.
     *
     * @param port the client port; 0 picks a free one
     */
    public static EmbeddedKafka start(Path directory, int port) {
        try {
            Files.createDirectories(directory);
            int brokerPort = port == 0 ? freePort() : port;
            int controllerPort = freePort();
            Preflight.kafkaPortFree(brokerPort);
            String dir = directory.toAbsolutePath().normalize().toString();
            Map<String, Object> props = new HashMap<>();
            props.put("process.roles", "broker,controller");
            props.put("node.id", "1");
            props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
            props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
            props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
            props.put("controller.listener.names", "CONTROLLER");
            props.put("inter.broker.listener.name", "PLAINTEXT");
            props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            props.put("log.dirs", dir);
            props.put("metadata.log.dir", dir);
            props.put("offsets.topic.replication.factor", "1");
            props.put("offsets.topic.num.partitions", "3");
            props.put("transaction.state.log.replication.factor", "1");
            props.put("transaction.state.log.min.isr", "1");
            props.put("transaction.state.log.num.partitions", "3");
            props.put("share.coordinator.state.topic.replication.factor", "1");
            props.put("share.coordinator.state.topic.min.isr", "1");
            props.put("group.initial.rebalance.delay.ms", "0");
            props.put("auto.create.topics.enable", "false");
            props.put("log.cleaner.dedupe.buffer.size", "4194304");
            props.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
            if (!Files.exists(directory.resolve("meta.properties"))) {
                format(dir);
            }
            KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
            try {
                server.startup();
            } catch (RuntimeException e) {
                String message = String.valueOf(e.getMessage());
                if (message.contains("lock")) {
                    throw new IllegalStateException("the Kafka data in " + directory + " is in use by another "
                            + "process (is Oversight already running? stop it, or set OVERSIGHT_DATA_DIR)", e);
                }
                throw e;
            }
            String bootstrap = "127.0.0.1:" + brokerPort;
            EmbeddedKafka kafka = new EmbeddedKafka(server, bootstrap, directory);
            kafka.awaitReady(Duration.ofSeconds(60));
            return kafka;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the embedded Kafka broker in " + directory + ": " + e, e);
        }
    }

    private static void format(String dir) {
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(1)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(dir))
                    .setMetadataLogDirectory(dir)
                    .setControllerListenerName("CONTROLLER")
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .run();
            LOG.info("Formatted a new Kafka data directory in {}", dir);
        } catch (Exception e) {
            throw new IllegalStateException("cannot format the Kafka data directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private void awaitReady(Duration timeout) {
        Map<String, Object> props = KafkaConnection.local(bootstrapServers).common("oversight-embedded-check");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(props)) {
            while (true) {
                try {
                    admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
                    return;
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the embedded Kafka broker did not become ready in " + timeout, e);
                    }
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while waiting for Kafka", interrupted);
                    }
                }
            }
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path directory() {
        return directory;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }
}
