package dev.oversight.report.audit;

import dev.oversight.events.kafka.Topics;
import dev.oversight.report.ReportConfig;
import dev.oversight.report.projection.Projection;
import dev.oversight.report.projection.ProjectionMeters;
import dev.oversight.report.projection.ReportDatabase;
import dev.oversight.runtime.kafka.KafkaConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The audit package straight from a Kafka cluster ({@code oversight report}): the verdicts and actions topics are read
 * into a temporary projection (the report service's own {@link Projection}, in a DuckDB file under a temporary
 * directory, removed at the end) up to the end offsets they had when it began, then the package is written from it.
 */
public final class KafkaExtract {

    /** How far the reading has come: records read of those to read. Called often; from one thread. */
    public interface Progress {
        void update(long read, long total);
    }

    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaConnection kafka;
    private final Duration connectTimeout;

    public KafkaExtract(KafkaConnection kafka, Duration connectTimeout) {
        this.kafka = kafka;
        this.connectTimeout = connectTimeout;
    }

    /**
     * Reads the topics into a temporary projection and writes the package of {@code scope} into {@code out}.
     *
     * @param query the command line, for the manifest
     */
    public AuditPackage.Result write(AuditScope scope, String query, AuditPackage writer, PackageOutput out,
                                     Progress progress) throws Exception {
        String verdicts = kafka.topic(Topics.VERDICTS).name();
        String actions = kafka.topic(Topics.ACTIONS).name();
        Map<TopicPartition, long[]> range = ranges(verdicts, actions);
        long total = range.values().stream().mapToLong(r -> r[1] - r[0]).sum();
        Path dir = Files.createTempDirectory("oversight-report-");
        try (ReportDatabase database = ReportDatabase.open(dir.resolve("report.duckdb"))) {
            try (Projection projection = new Projection(database, kafka,
                    new ProjectionMeters(new SimpleMeterRegistry()), ReportConfig.BATCH_SIZE.defaultValue())) {
                projection.start();
                progress.update(0, total);
                while (!projection.caughtUp()) {
                    if (projection.state().startsWith("failed")) {
                        throw new IllegalStateException("reading " + verdicts + " and " + actions + " from "
                                + kafka.bootstrapServers() + " " + projection.state());
                    }
                    Thread.sleep(POLL.toMillis());
                    progress.update(read(database, range), total);
                }
            }
            progress.update(total, total);
            Map<String, Object> source = new LinkedHashMap<>();
            source.put("kind", "kafka");
            source.put("bootstrapServers", kafka.bootstrapServers());
            source.put("topics", List.of(verdicts, actions));
            source.put("isolation", "read_committed");
            Map<String, Object> ends = new LinkedHashMap<>();
            range.forEach((tp, r) -> ends.put(tp.topic() + "-" + tp.partition(), r[1]));
            source.put("endOffsetsAtStart", ends);
            try (Connection c = database.reader()) {
                return writer.write(c, scope, new AuditPackage.Source(source, query,
                        LedgerEvidence.read(kafka, java.time.Clock.systemUTC()),
                        LedgerEvidence.bundle(kafka, java.time.Clock.systemUTC())), out);
            }
        } finally {
            delete(dir);
        }
    }

    /** Each partition's first and end offset; fails clearly when the cluster cannot be reached or has no topics. */
    private Map<TopicPartition, long[]> ranges(String... topics) {
        Map<TopicPartition, long[]> range = new LinkedHashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(kafka.common("oversight-report-offsets"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                List<PartitionInfo> infos;
                try {
                    infos = c.partitionsFor(topic, connectTimeout);
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    throw new IllegalStateException("the Kafka cluster at " + kafka.bootstrapServers()
                            + " did not answer in " + connectTimeout.toSeconds() + " s");
                }
                if (infos == null || infos.isEmpty()) {
                    throw new IllegalStateException("the Kafka cluster at " + kafka.bootstrapServers()
                            + " has no topic " + topic + " (is OVERSIGHT_TOPIC_PREFIX right?)");
                }
                infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            Map<TopicPartition, Long> begin = c.beginningOffsets(partitions, connectTimeout);
            Map<TopicPartition, Long> end = c.endOffsets(partitions, connectTimeout);
            for (TopicPartition tp : partitions) {
                range.put(tp, new long[] {begin.get(tp), end.get(tp)});
            }
        }
        return range;
    }

    /** Records the projection has read, from the offsets it stores with its rows. */
    private static long read(ReportDatabase database, Map<TopicPartition, long[]> range) throws SQLException {
        long read = 0;
        try (Connection c = database.reader(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT topic, kafka_partition, next_offset FROM consumed_offsets")) {
            while (rs.next()) {
                long[] r = range.get(new TopicPartition(rs.getString(1), rs.getInt(2)));
                if (r != null) {
                    read += Math.max(0, Math.min(rs.getLong(3), r[1]) - r[0]);
                }
            }
        }
        return read;
    }

    /** Removes a temporary folder and all it holds. */
    static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove the temporary folder " + dir, e);
        }
    }
}
