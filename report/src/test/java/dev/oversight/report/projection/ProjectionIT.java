package dev.oversight.report.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.events.Action;
import dev.oversight.events.Verdict;
import dev.oversight.events.json.Json;
import dev.oversight.events.kafka.Topics;
import dev.oversight.report.Samples;
import dev.oversight.runtime.kafka.KafkaConnection;
import dev.oversight.runtime.kafka.TopicProvisioner;
import dev.oversight.testing.Await;
import dev.oversight.testing.kafka.RealKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The projection against a real broker: what it holds is exactly what was committed on the topics. */
@ExtendWith(RealKafka.class)
class ProjectionIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private KafkaConnection kafka;
    private final Samples samples = new Samples(13, Instant.parse("2026-01-05T09:00:00Z"));
    private final Set<String> verdictIds = new HashSet<>();
    private final Set<String> deployIds = new HashSet<>();
    private int actionRows;
    /** A verdict already produced: produced again later, it must still be one row (and the latest copy). */
    private Verdict produced;

    @BeforeEach
    void topics() {
        kafka = new KafkaConnection(RealKafka.bootstrapServers(), "it" + UUID.randomUUID().toString().substring(0, 8)
                + ".", 3, 1, Map.of());
        TopicProvisioner.ensure(kafka, Duration.ofSeconds(30));
    }

    @Test
    void aRestartResumesWithNothingMissedOrDoubled() throws Exception {
        Path file = dir.resolve("report.duckdb");
        produce(40, true);
        try (ReportDatabase db = ReportDatabase.open(file); Projection projection = projection(db)) {
            projection.start();
            awaitRows(db);
        }
        produce(40, true);
        try (ReportDatabase db = ReportDatabase.open(file); Projection projection = projection(db)) {
            projection.start();
            awaitRows(db);
            assertThat(column(db, "SELECT verdict_id FROM verdicts")).containsExactlyInAnyOrderElementsOf(verdictIds);
            assertThat(column(db, "SELECT deploy_id FROM deploys")).containsExactlyInAnyOrderElementsOf(deployIds);
            assertThat(db.count("actions")).isEqualTo(actionRows);
            assertThat(column(db, "SELECT verdict_id FROM verdicts WHERE deploy_id LIKE '%aborted%'")).isEmpty();
            // Each deploy's row is its latest revision.
            assertThat(column(db, """
                    SELECT d.deploy_id FROM deploys d
                    WHERE d.revision <> (SELECT max(revision) FROM verdicts v WHERE v.deploy_id = d.deploy_id)""")).isEmpty();
        }
    }

    @Test
    void aDeletedDatabaseIsRebuiltToTheSameRows() throws Exception {
        Path file = dir.resolve("report.duckdb");
        produce(60, false);
        List<String> before;
        try (ReportDatabase db = ReportDatabase.open(file); Projection projection = projection(db)) {
            projection.start();
            awaitRows(db);
            before = everything(db);
        }
        Files.delete(file);
        Files.deleteIfExists(dir.resolve("report.duckdb.wal"));
        try (ReportDatabase db = ReportDatabase.open(file); Projection projection = projection(db)) {
            assertThat(db.count("verdicts")).isZero();
            projection.start();
            awaitRows(db);
            assertThat(everything(db)).isEqualTo(before);
        }
    }

    private Projection projection(ReportDatabase db) {
        return new Projection(db, kafka, new ProjectionMeters(new SimpleMeterRegistry()), 7);
    }

    private void awaitRows(ReportDatabase db) {
        Await.until("the projection holds every verdict and action", () -> {
            try {
                return List.of(db.count("verdicts"), db.count("actions"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, counts -> counts.equals(List.of((long) verdictIds.size(), (long) actionRows)), WAIT);
    }

    /** Produces deploys in transactions; with {@code withAborted}, one more transaction that is aborted. */
    private void produce(int deploys, boolean withAborted) {
        Map<String, Object> props = kafka.common("projection-it");
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "projection-it-" + UUID.randomUUID());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < deploys; i++) {
                Samples.Deploy d = samples.next();
                for (Verdict v : d.verdicts()) {
                    send(producer, v);
                    verdictIds.add(v.verdictId());
                    deployIds.add(v.deployId());
                }
                for (Action a : d.actions()) {
                    producer.send(new ProducerRecord<>(kafka.topic(Topics.ACTIONS).name(), a.verdictId(),
                            Json.toBytes(a)));
                    actionRows++;
                }
                if (i % 10 == 9) {
                    producer.commitTransaction();
                    producer.beginTransaction();
                }
            }
            if (produced != null) {
                // A verdict the projection already holds, read again in a later batch: still one row.
                send(producer, produced);
            }
            // The same verdict again (a reprocessed one keeps its id): still one row.
            Verdict again = Json.fromString(Json.toString(samples.next().verdicts().get(0)), Verdict.class);
            send(producer, again);
            send(producer, again);
            produced = again;
            verdictIds.add(again.verdictId());
            deployIds.add(again.deployId());
            producer.commitTransaction();
            if (withAborted) {
                producer.beginTransaction();
                Verdict v = samples.next().verdicts().get(0);
                Verdict aborted = new Verdict(v.schema(), v.deployId() + "-aborted@1", 1, v.deployId() + "-aborted",
                        v.repository(), v.service(), v.environment(), v.sha(), null, v.status(), v.reasons(),
                        v.changes(), v.ci(), v.policy(), v.decidedAt(), v.deployedAt(), v.deployer(), v.team(), null,
                        null, v.evidence(), v.decision());
                send(producer, aborted);
                producer.flush();
                producer.abortTransaction();
            }
        }
    }

    private void send(KafkaProducer<String, byte[]> producer, Verdict v) {
        producer.send(new ProducerRecord<>(kafka.topic(Topics.VERDICTS).name(), v.repository(), Json.toBytes(v)));
    }

    private static List<String> column(ReportDatabase db, String sql) throws Exception {
        List<String> values = new ArrayList<>();
        try (Connection c = db.reader(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    /** Every row of every table but the offsets, each as text, in a fixed order. */
    private static List<String> everything(ReportDatabase db) throws Exception {
        List<String> rows = new ArrayList<>();
        for (String table : ReportDatabase.TABLES) {
            if (table.equals("consumed_offsets")) {
                continue;
            }
            try (Connection c = db.reader(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT * FROM " + table + " ORDER BY ALL")) {
                ResultSetMetaData meta = rs.getMetaData();
                while (rs.next()) {
                    StringBuilder row = new StringBuilder(table);
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        row.append('|').append(rs.getString(i));
                    }
                    rows.add(row.toString());
                }
            }
        }
        assertThat(rows).isNotEmpty();
        return rows;
    }
}
