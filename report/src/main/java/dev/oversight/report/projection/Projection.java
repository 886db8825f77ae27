package dev.oversight.report.projection;

import dev.oversight.events.Action;
import dev.oversight.events.Verdict;
import dev.oversight.events.json.Json;
import dev.oversight.events.kafka.Topics;
import dev.oversight.report.projection.ProjectionWriter.ActionRow;
import dev.oversight.report.projection.ProjectionWriter.VerdictRow;
import dev.oversight.runtime.kafka.KafkaConnection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the projection up to date with {@code oversight.verdicts} and {@code oversight.actions}: a consumer of its own
 * (no group: every instance keeps its own projection, so it takes every partition), {@code read_committed}, starting
 * from the offsets stored in the database with the rows ({@link ProjectionWriter}) — from the beginning when the
 * database holds none, which is how a deleted database file is rebuilt.
 */
public final class Projection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Projection.class);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final ReportDatabase database;
    private final KafkaConnection kafka;
    private final ProjectionMeters meters;
    private final int batchSize;
    private final String verdictTopic;
    private final String actionTopic;
    private volatile boolean running;
    private volatile boolean caughtUp;
    private volatile String state = "not started";
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    /** @param batchSize the most records written in one transaction */
    public Projection(ReportDatabase database, KafkaConnection kafka, ProjectionMeters meters, int batchSize) {
        this.database = database;
        this.kafka = kafka;
        this.meters = meters;
        this.batchSize = batchSize;
        this.verdictTopic = kafka.topic(Topics.VERDICTS).name();
        this.actionTopic = kafka.topic(Topics.ACTIONS).name();
    }

    public synchronized void start() {
        running = true;
        thread = new Thread(this::run, "report-projection");
        thread.setDaemon(true);
        thread.start();
    }

    /** Whether the projection has read and written, since it started, every record that was on the topics when it started. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** A word on where the projection is, for /health/ready. */
    public String state() {
        return state;
    }

    private void run() {
        Duration backoff = Duration.ofSeconds(1);
        while (running) {
            try (ProjectionWriter writer = new ProjectionWriter(database);
                 KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProperties(),
                         new StringDeserializer(), new ByteArrayDeserializer())) {
                consumer = c;
                if (!running) {
                    return;
                }
                follow(c, writer);
            } catch (WakeupException | InterruptException e) {
                return;
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                state = "failed: " + e.getMessage() + "; retrying";
                LOG.error("report projection failed; it resumes from the offsets stored with its rows in {}",
                        backoff, e);
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException interrupted) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            } finally {
                consumer = null;
            }
        }
    }

    private Map<String, Object> consumerProperties() {
        Map<String, Object> props = new HashMap<>(kafka.common("oversight-report"));
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, batchSize);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        return props;
    }

    private void follow(KafkaConsumer<String, byte[]> c, ProjectionWriter writer) throws SQLException {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(verdictTopic, actionTopic)) {
            for (PartitionInfo p : c.partitionsFor(topic, Duration.ofSeconds(60))) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
        }
        c.assign(partitions);
        Map<TopicPartition, Long> stored = writer.storedOffsets();
        List<TopicPartition> fromStart = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            Long offset = stored.get(tp);
            if (offset == null) {
                fromStart.add(tp);
            } else {
                c.seek(tp, offset);
            }
        }
        c.seekToBeginning(fromStart);
        Map<TopicPartition, Long> end = c.endOffsets(partitions);
        long toRead = 0;
        for (TopicPartition tp : partitions) {
            toRead += Math.max(0, end.get(tp) - c.position(tp));
        }
        if (stored.isEmpty()) {
            LOG.info("report: building the projection in {} from the beginning of {} and {}: up to {} records",
                    database.file(), verdictTopic, actionTopic, toRead);
        } else {
            LOG.info("report: resuming the projection in {} at the offsets stored with its rows: up to {} records to read",
                    database.file(), toRead);
        }
        long read = 0;
        long lastRead = 0;
        long lastReport = System.nanoTime();
        state = "catching up: " + toRead + " records to read";
        updateRows();
        // Reading and parsing (this thread) and writing (the writer's thread) overlap: while one batch is written
        // the next is read. At most one batch is being written; the next waits for it, so batches are written in
        // order, and whatever fails in writing fails this loop, which resumes from the offsets stored with the rows.
        ExecutorService writing = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "report-projection-writer");
            t.setDaemon(true);
            return t;
        });
        Future<?> pending = null;
        int pendingRecords = 0;
        long uncommittedVerdicts = 0;
        long uncommittedRecords = 0;
        try {
            while (running) {
                List<ConsumerRecord<String, byte[]>> records = poll(c);
                if (!records.isEmpty()) {
                    // While catching up, one transaction spans batches until it holds three row groups of verdicts
                    // (ProjectionWriter#write), or twice as many records of both topics (should the actions be
                    // most of them): pages see the projection grow by that much at a time.
                    for (ConsumerRecord<String, byte[]> r : records) {
                        uncommittedVerdicts += r.topic().equals(verdictTopic) ? 1 : 0;
                    }
                    uncommittedRecords += records.size();
                    boolean commit = caughtUp || uncommittedVerdicts >= ProjectionWriter.CATCH_UP_VERDICTS
                            || uncommittedRecords >= 2L * ProjectionWriter.CATCH_UP_VERDICTS || atEnd(c, end);
                    if (commit) {
                        uncommittedVerdicts = 0;
                        uncommittedRecords = 0;
                    }
                    Batch batch = parse(records, positions(c, partitions), commit);
                    finish(pending);
                    pending = writing.submit(() -> {
                        write(writer, batch);
                        return null;
                    });
                    pendingRecords = records.size();
                    read += records.size();
                } else if (!caughtUp) {
                    // Transaction markers and aborted records take offsets too: catching up is being at the end offsets.
                    finish(pending);
                    pending = null;
                    uncommittedVerdicts = 0;
                    uncommittedRecords = 0;
                    writePositions(c, writer, partitions);
                }
                if (!caughtUp && atEnd(c, end)) {
                    // Caught up once what was read up to the end offsets is written.
                    finish(pending);
                    pending = null;
                    caughtUp = true;
                    LOG.info("report: the projection has caught up ({} records read)", read);
                }
                long lag = lag(c, partitions) + (pending != null && !pending.isDone() ? pendingRecords : 0);
                meters.lag(lag);
                long now = System.nanoTime();
                if (!caughtUp && now - lastReport >= PROGRESS_EVERY.toNanos()) {
                    double seconds = (now - lastReport) / 1e9;
                    LOG.info("report: projection {} of {} records ({}%), {} records/s", read, toRead,
                            toRead == 0 ? 100 : Math.min(100, read * 100 / toRead),
                            Math.round((read - lastRead) / seconds));
                    lastRead = read;
                    lastReport = now;
                }
                state = caughtUp ? "up to date, " + lag + " records behind" : "catching up: " + read + " of " + toRead
                        + " records read";
            }
            finish(pending);
        } finally {
            // The writer's connection is closed after this: let the batch being written end first.
            writing.shutdown();
            try {
                if (!writing.awaitTermination(60, TimeUnit.SECONDS)) {
                    LOG.warn("report: a batch was still being written after 60 s; it is written again on restart");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits for the batch being written (if any); what failed in writing it fails here. */
    private static void finish(Future<?> pending) throws SQLException {
        if (pending == null) {
            return;
        }
        try {
            pending.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Waits up to half a second for records, then takes whatever else has already arrived, up to the batch size: a
     * catch-up writes few large transactions instead of many small ones.
     */
    private List<ConsumerRecord<String, byte[]>> poll(KafkaConsumer<String, byte[]> c) {
        List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>();
        c.poll(Duration.ofMillis(500)).forEach(batch::add);
        while (!batch.isEmpty() && batch.size() < batchSize) {
            ConsumerRecords<String, byte[]> more = c.poll(Duration.ZERO);
            if (more.isEmpty()) {
                break;
            }
            more.forEach(batch::add);
        }
        return batch;
    }

    private boolean atEnd(KafkaConsumer<String, byte[]> c, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue());
    }

    private static long lag(KafkaConsumer<String, byte[]> c, List<TopicPartition> partitions) {
        long lag = 0;
        for (TopicPartition tp : partitions) {
            OptionalLong l = c.currentLag(tp);
            if (l.isPresent()) {
                lag += l.getAsLong();
            }
        }
        return lag;
    }

    /** A batch of records read, parsed, with the offsets it reaches. */
    private record Batch(ProjectionWriter.Rows rows, int verdictRecords, int actionRecords,
                         Map<TopicPartition, Long> nextOffsets, boolean commit, long parseNanos) {}

    /** Parses the records read; one that is not a readable verdict or action is counted and skipped. */
    private Batch parse(List<ConsumerRecord<String, byte[]>> records, Map<TopicPartition, Long> nextOffsets,
                        boolean commit) {
        long started = System.nanoTime();
        List<VerdictRow> verdicts = new ArrayList<>();
        List<ActionRow> actions = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            boolean isVerdict = r.topic().equals(verdictTopic);
            if (r.value() == null) {
                continue;
            }
            try {
                if (isVerdict) {
                    ListsJson.Read read = ListsJson.read(r.value());
                    Verdict v = read.verdict();
                    if (v.verdictId() == null || v.deployId() == null || v.status() == null) {
                        throw new IllegalArgumentException("no verdictId, deployId or status");
                    }
                    verdicts.add(new VerdictRow(v, r.value(), r.partition(), r.offset(), read.listsReadAlike()));
                } else {
                    Action a = Json.fromBytes(r.value(), Action.class);
                    if (a.actionId() == null || a.phase() == null || a.type() == null) {
                        throw new IllegalArgumentException("no actionId, phase or type");
                    }
                    actions.add(new ActionRow(a, r.value(), r.partition(), r.offset()));
                }
            } catch (RuntimeException e) {
                meters.skipped(isVerdict);
                LOG.warn("report: skipping the record at {}-{} offset {}, which is not a readable {}: {}", r.topic(),
                        r.partition(), r.offset(), isVerdict ? "verdict" : "action", e.getMessage());
            }
        }
        return new Batch(ProjectionWriter.prepare(verdicts, actions), verdicts.size(), actions.size(), nextOffsets, commit,
                System.nanoTime() - started);
    }

    private void write(ProjectionWriter writer, Batch batch) throws SQLException {
        long started = System.nanoTime();
        writer.write(batch.rows(), batch.nextOffsets(), batch.commit());
        meters.written(batch.verdictRecords(), batch.actionRecords());
        updateRows();
        LOG.debug("report: {} verdicts and {} actions parsed in {} ms, written in {} ms", batch.verdictRecords(),
                batch.actionRecords(), batch.parseNanos() / 1_000_000, (System.nanoTime() - started) / 1_000_000);
    }

    private void writePositions(KafkaConsumer<String, byte[]> c, ProjectionWriter writer,
                                List<TopicPartition> partitions) throws SQLException {
        writer.write(List.of(), List.of(), positions(c, partitions));
    }

    private static Map<TopicPartition, Long> positions(KafkaConsumer<String, byte[]> c, List<TopicPartition> partitions) {
        Map<TopicPartition, Long> positions = new HashMap<>();
        for (TopicPartition tp : partitions) {
            positions.put(tp, c.position(tp));
        }
        return positions;
    }

    private void updateRows() throws SQLException {
        meters.rows(database.count("verdicts"), database.count("deploys"), database.count("actions"));
    }

    /** The topics the projection reads. */
    public Set<String> topics() {
        return Set.of(verdictTopic, actionTopic);
    }

    @Override
    public void close() {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = thread;
        if (t != null) {
            try {
                t.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
