package dev.oversight.ingest.kafka;

import dev.oversight.runtime.kafka.KafkaConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each accepted delivery's records to Kafka in one transaction, so the raw delivery and the evidence taken
 * from it land together or not at all; a delivery's future completes only after the transaction committed
 * (acks=all, idempotent). Deliveries that arrive together share a transaction (group commit), which keeps the
 * rate up without giving up atomicity. See DESIGN-NOTES.md in this module.
 */
public final class DeliveryPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryPublisher.class);
    private static final int MAX_DELIVERIES_PER_TRANSACTION = 256;
    /**
     * See {@link #run()}: measured with the benchmark. 10 ms was best while each raw delivery left in a produce
     * request of its own; since a transaction's records leave together (linger, below), 2–5 ms are best and 3 ms
     * is kept (ingest / octokit 0.48 with 10 ms, 0.61–0.65 with 2–5 ms, 0.44 with none: ingest/README.md).
     */
    private static final long COMMIT_GAP_NANOS = 3_000_000L;

    /** The records of one delivery, and the promise the HTTP handler waits on. */
    private record Submission(List<ProducerRecord<String, byte[]>> records, long deadlineNanos,
                              CompletableFuture<Void> done) {}

    private final Map<String, Object> producerConfig;
    private final Duration queueTimeout;
    private final BlockingQueue<Submission> queue = new LinkedBlockingQueue<>(10_000);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private final Timer sendTimer;
    private volatile boolean producerReady;
    private Producer<String, byte[]> producer;
    private final MeterRegistry registry;
    private KafkaClientMetrics producerMetrics;
    private long lastCommit = System.nanoTime() - COMMIT_GAP_NANOS;

    /**
     * @param transactionalId unique per running ingest instance, stable across its restarts (so a restart fences
     *                        its predecessor's unfinished transaction)
     * @param maxBlock        how long one Kafka call may block when the cluster does not answer
     */
    public DeliveryPublisher(KafkaConnection kafka, String transactionalId, Duration maxBlock, MeterRegistry registry) {
        this.registry = registry;
        Map<String, Object> props = kafka.common("oversight-ingest");
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) maxBlock.toMillis());
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) maxBlock.toMillis());
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) maxBlock.toMillis() * 2);
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000);
        // A transaction's records are sent in one go: nothing leaves before commitTransaction() flushes them (which
        // it does at once, whatever the linger), and each partition's records of the transaction fit one batch. With
        // linger 0 and the default 16 KB batches, a raw delivery larger than that was a batch and a produce request of
        // its own, and the broker's cost is per request: see "Throughput" in this module's README. (100 ms: the
        // delivery timeout, twice the Kafka timeout of at least 100 ms, must cover linger and request timeout.)
        props.put(ProducerConfig.LINGER_MS_CONFIG, 100);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 1024 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 64 * 1024 * 1024);
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 256L * 1024 * 1024);
        props.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producerConfig = Map.copyOf(props);
        this.queueTimeout = maxBlock.multipliedBy(2);
        this.sendTimer = Timer.builder(IngestMeters.KAFKA_SEND)
                .description("Time from a delivery's hand-over to Kafka until its transaction committed")
                .publishPercentileHistogram()
                .register(registry);
        this.thread = new Thread(this::run, "oversight-ingest-publisher");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Whether the transactional producer is initialized and the last transaction did not fail. */
    public boolean ready() {
        return producerReady;
    }

    /**
     * Hands a delivery's records over. The future completes when they are committed, or fails (with
     * {@link KafkaUnavailableException}) when they were not written; never both, never neither.
     */
    public CompletableFuture<Void> publish(List<ProducerRecord<String, byte[]>> records) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!running.get()) {
            done.completeExceptionally(new KafkaUnavailableException("ingest is shutting down"));
            return done;
        }
        if (!queue.offer(new Submission(List.copyOf(records), System.nanoTime() + queueTimeout.toNanos(), done))) {
            done.completeExceptionally(new KafkaUnavailableException("too many deliveries waiting for Kafka"));
        }
        return done;
    }

    private void run() {
        while (running.get() || !queue.isEmpty()) {
            try {
                Submission first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                // Right after a commit the broker is still writing its markers, and a new transaction's first write
                // would be held back until the broker retries it (add.partitions.to.txn.retry.backoff.ms, 20 ms by
                // default). Waiting a few ms here instead lets more deliveries join the next transaction, which
                // then goes through without that retry.
                long rest = lastCommit + COMMIT_GAP_NANOS - System.nanoTime();
                if (rest > 0) {
                    LockSupport.parkNanos(rest);
                }
                List<Submission> batch = new ArrayList<>();
                batch.add(first);
                queue.drainTo(batch, MAX_DELIVERIES_PER_TRANSACTION - 1);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        failAll(queue, "ingest is shutting down");
        closeProducer(Duration.ofSeconds(5));
    }

    private void write(List<Submission> batch) {
        long now = System.nanoTime();
        List<Submission> live = new ArrayList<>(batch.size());
        for (Submission s : batch) {
            if (now > s.deadlineNanos()) {
                s.done().completeExceptionally(new KafkaUnavailableException("Kafka did not take the delivery in time"));
            } else {
                live.add(s);
            }
        }
        if (live.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        try {
            Producer<String, byte[]> p = producer();
            p.beginTransaction();
            for (Submission s : live) {
                for (ProducerRecord<String, byte[]> record : s.records()) {
                    p.send(record);
                }
            }
            p.commitTransaction();
            lastCommit = System.nanoTime();
            producerReady = true;
        } catch (KafkaException | IllegalStateException e) {
            LOG.warn("Kafka did not take {} deliveries: {}", live.size(), e.toString());
            // Whatever state the transaction is in, a new producer with the same transactional id fences it and
            // makes sure it is aborted: none of these deliveries is visible to read_committed readers.
            producerReady = false;
            closeProducer(Duration.ZERO);
            live.forEach(s -> s.done().completeExceptionally(new KafkaUnavailableException(e.getMessage())));
            return;
        }
        long elapsed = System.nanoTime() - started;
        for (Submission s : live) {
            sendTimer.record(elapsed, TimeUnit.NANOSECONDS);
            s.done().complete(null);
        }
    }

    private Producer<String, byte[]> producer() {
        if (producer == null) {
            Producer<String, byte[]> created = new KafkaProducer<>(producerConfig);
            try {
                created.initTransactions();
            } catch (RuntimeException e) {
                created.close(Duration.ZERO);
                throw e;
            }
            producer = created;
            producerMetrics = new KafkaClientMetrics(created);
            producerMetrics.bindTo(registry);
        }
        return producer;
    }

    /** Starts the producer now instead of on the first delivery, so readiness reflects it. */
    public void warmUp() {
        publish(List.of()).exceptionally(e -> null);
    }

    private void closeProducer(Duration timeout) {
        if (producerMetrics != null) {
            producerMetrics.close();
            producerMetrics = null;
        }
        if (producer != null) {
            try {
                producer.close(timeout);
            } catch (RuntimeException e) {
                LOG.debug("closing producer", e);
            }
            producer = null;
        }
    }

    private static void failAll(BlockingQueue<Submission> queue, String why) {
        List<Submission> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(s -> s.done().completeExceptionally(new KafkaUnavailableException(why)));
    }

    /** Finishes the deliveries already handed over, then closes. */
    @Override
    public void close() {
        running.set(false);
        try {
            thread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kafka could not take a delivery; nothing of it was written. */
    public static final class KafkaUnavailableException extends RuntimeException {
        public KafkaUnavailableException(String message) {
            super(message);
        }
    }
}
