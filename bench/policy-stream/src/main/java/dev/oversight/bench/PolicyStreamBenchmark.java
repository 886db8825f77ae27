package dev.oversight.bench;

import dev.oversight.events.Actor;
import dev.oversight.events.ChangeAction;
import dev.oversight.events.ChangeEvent;
import dev.oversight.events.CiResult;
import dev.oversight.events.DeployEvent;
import dev.oversight.events.Evidence;
import dev.oversight.events.PushEvent;
import dev.oversight.events.ReviewEvent;
import dev.oversight.events.ReviewState;
import dev.oversight.events.Source;
import dev.oversight.events.Verdict;
import dev.oversight.events.kafka.Topics;
import dev.oversight.launcher.EmbeddedKafka;
import dev.oversight.policy.PolicyMeters;
import dev.oversight.policy.file.PolicyFile;
import dev.oversight.whatif.Scope;
import dev.oversight.whatif.WhatIf;
import dev.oversight.policy.PolicyStreamConfig;
import dev.oversight.policy.PolicyStreamService;
import dev.oversight.runtime.config.CommonSettings;
import dev.oversight.runtime.config.Settings;
import dev.oversight.runtime.kafka.KafkaConnection;
import dev.oversight.runtime.kafka.TopicProvisioner;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * policy-stream on a real broker, measured three ways in one run:
 * <ol>
 *   <li>evidence records per second through the Oversight topology, against a pass-through exactly-once topology
 *       reading the same records from the same broker;</li>
 *   <li>deploy → verdict latency (p50, p99) with the deploy's evidence already processed, with a small state;</li>
 *   <li>the same latency after the state has grown to a large number of stored changes;</li>
 *   <li>the restart after a crash with that state: restore from the changelogs, and the first verdict.</li>
 * </ol>
 * Usage: {@code PolicyStreamBenchmark [--records N] [--samples N] [--small N] [--large N]}. Uses
 * KAFKA_BOOTSTRAP_SERVERS when set, otherwise an embedded broker in a temporary directory.
 */
public final class PolicyStreamBenchmark {

    private static final int REPOSITORIES = 1000;
    /** Stream threads of either topology: the same for both (BENCH_THREADS, default 1). */
    private static final int THREADS = Integer.parseInt(System.getenv().getOrDefault("BENCH_THREADS", "1"));

    private final KafkaConnection kafka;
    private final Path workDir;
    private final KafkaProducer<String, byte[]> producer;

    private PolicyStreamBenchmark(KafkaConnection kafka, Path workDir) {
        this.kafka = kafka;
        this.workDir = workDir;
        Map<String, Object> props = kafka.common("bench-producer");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    public static void main(String[] args) throws Exception {
        Map<String, Integer> options = options(args);
        int records = options.getOrDefault("--records", 200_000);
        int samples = options.getOrDefault("--samples", 300);
        int small = options.getOrDefault("--small", 10_000);
        int large = options.getOrDefault("--large", 1_000_000);
        boolean whatIf = options.getOrDefault("--whatif", 0) == 1;

        Path workDir = Files.createTempDirectory("oversight-bench-");
        String external = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        EmbeddedKafka broker = external == null ? EmbeddedKafka.start(workDir.resolve("kafka"), 0) : null;
        String bootstrap = external != null ? external : broker.bootstrapServers();
        System.out.printf("Broker: %s (%s); %d cores; %d stream thread(s) per topology%n", bootstrap,
                external != null ? "external" : "embedded", Runtime.getRuntime().availableProcessors(), THREADS);
        try {
            String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 8) + ".";
            KafkaConnection kafka = new KafkaConnection(bootstrap, prefix, 3, 1, Map.of());
            TopicProvisioner.ensure(kafka, Duration.ofSeconds(30));
            PolicyStreamBenchmark bench = new PolicyStreamBenchmark(kafka, workDir);
            if (records > 0) {
                bench.throughput(records, whatIf); // --records 0 skips it
            }
            if (samples > 0) {
                bench.latency(samples, small, large); // --samples 0 skips it
            }
            bench.producer.close();
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
    }

    // ---- 1. throughput ---------------------------------------------------------------------------------------

    private void throughput(int records, boolean whatIf) throws Exception {
        System.out.printf("%nLoading %,d evidence records (changes, reviews, merges, pushes, checks of %d repositories)...%n",
                records, REPOSITORIES);
        int loaded = load(records);
        String source1 = kafka.topic(Topics.REVIEWS).name();
        String source2 = kafka.topic(Topics.CI).name();

        AtomicLong passed = new AtomicLong();
        String sink = kafka.topicPrefix() + "bench-passthrough";
        try (Admin admin = Admin.create(kafka.common("bench-admin"))) {
            admin.createTopics(List.of(new NewTopic(sink, 3, (short) 1))).all().get();
        }
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(List.of(source1, source2), Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .peek((k, v) -> passed.incrementAndGet())
                .to(sink, Produced.with(Serdes.String(), Serdes.ByteArray()));
        // The pass-through runs with policy-stream's own Kafka Streams settings (commit interval, fetch sizes, task
        // idling, threads): only the topology differs.
        Properties props = service("bench-passthrough", new SimpleMeterRegistry()).streamsProperties();
        double passthrough;
        try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
            streams.start();
            passthrough = rate(passed::get, loaded, "pass-through exactly-once topology");
        }

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PolicyStreamService service = service("bench-oversight-throughput", registry);
        service.start();
        double oversight = rate(() -> processed(registry), loaded, "Oversight topology");
        service.close();
        long written = recordsIn(kafka.topicPrefix() + "bench-oversight-throughput-");
        System.out.printf("  state written: %,d changelog records, %.2f per evidence record%n", written,
                (double) written / loaded);
        System.out.printf("Throughput ratio (Oversight / pass-through): %.2f  (aim: at least 0.50)%n", oversight / passthrough);
        if (whatIf) {
            double replay = whatIfRate(loaded);
            System.out.printf("What-if replay / live Oversight topology: %.2f  (aim: at least 0.50)%n", replay / oversight);
        }
    }

    /**
     * {@code oversight whatif} over the same records (module whatif: read with assign and seek, merged by time, through
     * the production topology under the in-process driver), with the default policy; its rate is taken like the live
     * one's, over the last 80 % of the records read.
     */
    private double whatIfRate(long loaded) throws InterruptedException {
        Instant now = Instant.now();
        Scope scope = new Scope(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1)), Duration.ZERO, null, null,
                null, null, 20);
        AtomicLong read = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        Thread replay = new Thread(() -> {
            WhatIf.Run run = WhatIf.run(kafka, PolicyFile.defaultPolicy(), scope, Duration.ofDays(30),
                    (n, total) -> read.set(n));
            read.set(Math.max(read.get(), loaded));
            done.set(true);
            System.out.printf("  what-if run: %,d evidence records replayed, %d deploys compared, in %.1f s%n",
                    run.evidenceRecords(), run.result().compared(), run.took().toMillis() / 1000.0);
        }, "bench-whatif");
        replay.start();
        double rate = rate(read::get, loaded, "what-if replay (in-process)");
        replay.join();
        return rate;
    }

    /**
     * Waits for {@code expected} records and returns the rate over the last 80% of them: the first fifth is the
     * JIT's warm-up, for each topology alike.
     */
    private static double rate(LongSupplier count, long expected, String what) throws InterruptedException {
        long warmUp = expected / 5;
        long waitingSince = System.nanoTime();
        long from = 0;
        long fromCount = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        long now;
        while ((now = count.getAsLong()) < expected) {
            if (from == 0 && now >= warmUp) {
                from = System.nanoTime();
                fromCount = now;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " did not finish: " + now + " of " + expected);
            }
            Thread.sleep(2);
        }
        long last = System.nanoTime();
        if (from == 0) {
            from = waitingSince;
        }
        double seconds = (last - from) / 1e9;
        double rate = (expected - fromCount) / seconds;
        System.out.printf("  %-38s %,10.0f records/s  (%,d records; the last %,d in %.1f s)%n", what, rate, expected,
                expected - fromCount, seconds);
        return rate;
    }

    // ---- 2 and 3. latency ------------------------------------------------------------------------------------

    private void latency(int samples, int small, int large) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        String app = "bench-oversight-latency";
        PolicyStreamService service = service(app, registry);
        VerdictWatcher watcher = new VerdictWatcher(kafka, kafka.topic(Topics.VERDICTS).name());
        try {
            service.start();
            long base = processed(registry);
            System.out.printf("%nStoring %,d merged changes...%n", small);
            long sent = loadChanges(0, small);
            rate(() -> processed(registry) - base, sent, "stored changes (small state)");
            double[] smallLatency = deployLatency(registry, watcher, samples, "small");

            System.out.printf("%nStoring %,d more merged changes (%,d in all)...%n", large - small, large);
            long before = processed(registry);
            long more = loadChanges(small, large);
            rate(() -> processed(registry) - before, more, "stored changes (large state)");
            double[] largeLatency = deployLatency(registry, watcher, samples, "large");

            System.out.printf("%nDeploy → verdict latency, evidence already processed (%d deploys each):%n", samples);
            System.out.printf("  %,9d stored changes   p50 %6.1f ms   p99 %6.1f ms%n", small, smallLatency[0], smallLatency[1]);
            System.out.printf("  %,9d stored changes   p50 %6.1f ms   p99 %6.1f ms%n", large, largeLatency[0], largeLatency[1]);
            System.out.printf("  p99 aim: at most 500 ms; large/small p99 ratio %.2f (aim: within 1.5)%n",
                    largeLatency[1] / smallLatency[1]);
            service.close();
            restoreAfterCrash(app, watcher, large);
        } finally {
            watcher.close();
            service.close();
        }
    }

    /**
     * 4. The restart after a crash, with the large state, done for real: policy-stream runs in a JVM of its own
     * ({@code PolicyStreamMain}) on the state the latency phase left (stopped cleanly, so it starts on its stores),
     * takes evidence, and is killed with SIGKILL; a new one is started on the same state directory. Under
     * exactly-once its stores cannot be trusted after the crash and are restored from the changelogs. Measured: the
     * time to ready ({@code /health/ready}: Kafka Streams RUNNING, restore done) and to the verdict of a deploy sent
     * right after the start.
     */
    private void restoreAfterCrash(String app, VerdictWatcher watcher, int stored) throws Exception {
        ChildService first = policyStream(app, "clean-restart");
        try {
            double ready = first.awaitReady(Duration.ofMinutes(10));
            System.out.printf("%nRestart of policy-stream (a JVM of its own) with %,d stored changes:%n", stored);
            System.out.printf("  after a clean stop: ready after %.1f s%n", ready);
            // Work in flight when it dies.
            String repository = "github:bench/crash";
            Instant now = Instant.now();
            for (long n = 0; n < 200; n++) {
                send(change(repository, 7_000_000L + n, ChangeAction.OPENED, sha("ch" + n), null, now.minusSeconds(60)));
            }
            producer.flush();
        } finally {
            first.kill();
        }
        long changelog = recordsIn(kafka.topicPrefix() + app + "-");
        ChildService second = policyStream(app, "after-kill");
        try {
            long started = second.startedAt();
            String repository = "github:bench/restore";
            long number = 8_000_000L;
            Instant now = Instant.now();
            send(change(repository, number, ChangeAction.OPENED, sha("rh"), null, now.minusSeconds(60)));
            send(review(repository, number, sha("rh"), now.minusSeconds(50)));
            send(change(repository, number, ChangeAction.MERGED, sha("rh"), sha("rm"), now.minusSeconds(40)));
            send(check(repository, sha("rm"), now.minusSeconds(30)));
            String deployId = repository + "/deployments/" + number;
            send(new DeployEvent(Evidence.SCHEMA, Source.GITHUB, repository, "d-" + number, now, deployId,
                    "production", null, sha("rm"), "main", null, DeployEvent.DeployState.SUCCEEDED,
                    Actor.human("deployer"), null, null, List.of(), null));
            producer.flush();
            double ready = second.awaitReady(Duration.ofMinutes(10));
            long verdict = watcher.await(deployId, Duration.ofMinutes(10));
            System.out.printf("  after kill -9: ready after %.1f s; first verdict after %.1f s"
                            + " (changelog topics: %,d records; log in %s)%n",
                    ready, (verdict - started) / 1e9, changelog, second.log());
        } finally {
            second.stop();
        }
    }

    /** policy-stream alone, on the state directory and application id the in-process phases used. */
    private ChildService policyStream(String app, String name) throws java.io.IOException {
        return ChildService.start(ChildService.Kind.POLICY_STREAM, kafka, workDir.resolve(app),
                workDir.resolve(app + "-" + name + ".log"),
                Map.of("OVERSIGHT_POLICY_APPLICATION_ID", kafka.topicPrefix() + app));
    }

    /**
     * Sends each deploy's evidence, waits until it is processed, then times the deploy to its verdict. The first
     * fifth of the deploys warm the JIT up and are not counted.
     */
    private double[] deployLatency(SimpleMeterRegistry registry, VerdictWatcher watcher, int samples, String tag)
            throws Exception {
        int warmUp = Math.max(10, samples / 5);
        double[] millis = new double[samples];
        for (int i = -warmUp; i < samples; i++) {
            String repository = "github:bench/latency-" + (i % 50);
            long number = 9_000_000L + i + 1000 + (tag.equals("large") ? 100_000 : 0);
            String head = sha("lh" + tag + i);
            String merge = sha("lm" + tag + i);
            Instant now = Instant.now();
            long before = processed(registry);
            send(change(repository, number, ChangeAction.OPENED, head, null, now.minusSeconds(60)));
            send(review(repository, number, head, now.minusSeconds(50)));
            send(change(repository, number, ChangeAction.MERGED, head, merge, now.minusSeconds(40)));
            send(check(repository, merge, now.minusSeconds(30)));
            producer.flush();
            waitFor(() -> processed(registry) - before >= 4);
            String deployId = repository + "/deployments/" + number;
            long sentAt = System.nanoTime();
            send(new DeployEvent(Evidence.SCHEMA, Source.GITHUB, repository, "d-" + number, Instant.now(), deployId,
                    "production", null, merge, "main", null, DeployEvent.DeployState.SUCCEEDED, Actor.human("deployer"),
                    null, null, List.of(), null));
            producer.flush();
            long arrived = watcher.await(deployId);
            if (i >= 0) {
                millis[i] = (arrived - sentAt) / 1e6;
            }
        }
        Arrays.sort(millis);
        return new double[] {millis[(int) (samples * 0.50)], millis[Math.min(samples - 1, (int) Math.ceil(samples * 0.99) - 1)]};
    }

    /** Reads verdicts as they come and notes when each deploy's first arrived. */
    private static final class VerdictWatcher implements AutoCloseable {
        private final Map<String, Long> arrivals = new ConcurrentHashMap<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        VerdictWatcher(KafkaConnection kafka, String topic) {
            Map<String, Object> props = kafka.common("bench-verdicts");
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
            KafkaConsumer<String, Verdict> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                    Topics.VERDICTS.valueSerde().deserializer());
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            thread = new Thread(() -> {
                try (consumer) {
                    while (running.get()) {
                        for (ConsumerRecord<String, Verdict> record : consumer.poll(Duration.ofMillis(20))) {
                            long now = System.nanoTime();
                            arrivals.putIfAbsent(record.value().deployId(), now);
                        }
                    }
                }
            }, "bench-verdicts");
            thread.start();
        }

        long await(String deployId) throws InterruptedException {
            return await(deployId, Duration.ofSeconds(60));
        }

        long await(String deployId, Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (!arrivals.containsKey(deployId)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no verdict for " + deployId);
                }
                Thread.sleep(1);
            }
            return arrivals.get(deployId);
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join();
        }
    }

    // ---- evidence -------------------------------------------------------------------------------------------

    /** A realistic mix: per change, opened, reviewed, merged, pushed and checked. */
    private int load(int records) {
        int sent = 0;
        for (long n = 1; sent < records; n++) {
            String repository = "github:bench/repo-" + (n % REPOSITORIES);
            String head = sha("h" + n);
            String merge = sha("m" + n);
            Instant at = Instant.parse("2026-11-01T00:00:00Z").plusSeconds(n);
            List<Evidence> events = List.of(
                    change(repository, n, ChangeAction.OPENED, head, null, at),
                    review(repository, n, head, at.plusSeconds(1)),
                    change(repository, n, ChangeAction.MERGED, head, merge, at.plusSeconds(2)),
                    new PushEvent(Evidence.SCHEMA, Source.GITHUB, repository, "d", at.plusSeconds(2), "main", sha("b" + n),
                            merge, false, false, false, Actor.human("dev"), List.of(new PushEvent.PushedCommit(merge,
                            "dev", "m", List.of(), List.of("src/F" + n + ".java"), List.of()))),
                    check(repository, merge, at.plusSeconds(3)));
            for (Evidence e : events) {
                if (sent++ < records) {
                    send(e);
                }
            }
        }
        producer.flush();
        return records;
    }

    private long loadChanges(int from, int to) {
        Instant at = Instant.parse("2026-10-01T00:00:00Z");
        for (long n = from; n < to; n++) {
            String repository = "github:bench/store-" + (n % REPOSITORIES);
            send(change(repository, n + 1, ChangeAction.MERGED, sha("sh" + n), sha("sm" + n), at.plusSeconds(n)));
        }
        producer.flush();
        return to - from;
    }

    private void send(Evidence evidence) {
        String topic = kafka.topic(Topics.forEvidence(evidence)).name();
        byte[] value = Topics.REVIEWS.valueSerde().serializer().serialize(topic, evidence);
        producer.send(new ProducerRecord<>(topic, evidence.repository(), value));
    }

    private static ChangeEvent change(String repository, long number, ChangeAction action, String head, String merge,
                                      Instant at) {
        return new ChangeEvent(Evidence.SCHEMA, Source.GITHUB, repository, "d-" + number, at, action,
                repository + "#" + number, number, "Change " + number, null, Actor.human("dev"), Actor.human("dev"),
                head, null, "change-" + number, "main", merge, merge == null ? null : Actor.human("dev"), List.of());
    }

    private static ReviewEvent review(String repository, long number, String head, Instant at) {
        return new ReviewEvent(Evidence.SCHEMA, Source.GITHUB, repository, "r-" + number, at, repository + "#" + number,
                number, "r" + number, Actor.human("reviewer"), ReviewState.APPROVED, head, Actor.human("dev"), null);
    }

    private static CiResult check(String repository, String sha, Instant at) {
        return new CiResult(Evidence.SCHEMA, Source.GITHUB, repository, "c-" + sha, at, sha, "build",
                CiResult.CiSystem.CHECK_RUN, "1", 1, CiResult.CiStatus.COMPLETED, CiResult.CiConclusion.SUCCESS,
                "main", null);
    }

    private static String sha(String seed) {
        String hex = Integer.toHexString(seed.hashCode()) + Long.toHexString(seed.length() * 7919L)
                + UUID.nameUUIDFromBytes(seed.getBytes()).toString().replace("-", "");
        return (hex + "0".repeat(40)).substring(0, 40);
    }

    // ---- plumbing -------------------------------------------------------------------------------------------

    private PolicyStreamService service(String applicationId, SimpleMeterRegistry registry) {
        Map<String, String> settings = new HashMap<>();
        settings.put(KafkaConnection.BOOTSTRAP.name(), kafka.bootstrapServers());
        settings.put(KafkaConnection.TOPIC_PREFIX.name(), kafka.topicPrefix());
        settings.put(PolicyStreamConfig.APPLICATION_ID.name(), kafka.topicPrefix() + applicationId);
        settings.put(CommonSettings.DATA_DIR.name(), workDir.resolve(applicationId).toString());
        settings.put(PolicyStreamConfig.THREADS.name(), Integer.toString(THREADS));
        return new PolicyStreamService(PolicyStreamConfig.read(Settings.of(settings), null), registry);
    }

    /** Records in every topic whose name starts with the prefix (end offsets; changelogs are not compacted yet). */
    private long recordsIn(String prefix) throws Exception {
        try (Admin admin = Admin.create(kafka.common("bench-admin"))) {
            List<String> topics = admin.listTopics().names().get().stream().filter(t -> t.startsWith(prefix)).toList();
            Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(topics).allTopicNames().get().forEach((name, d) -> d.partitions().forEach(
                    p -> latest.put(new TopicPartition(name, p.partition()), org.apache.kafka.clients.admin.OffsetSpec.latest())));
            return admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
        }
    }

    private static long processed(SimpleMeterRegistry registry) {
        return (long) registry.find(PolicyMeters.EVIDENCE).counters().stream().mapToDouble(Counter::count).sum();
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for the topology");
            }
            Thread.sleep(1);
        }
    }

    private static Map<String, Integer> options(String[] args) {
        Map<String, Integer> options = new HashMap<>();
        List<String> list = new ArrayList<>(List.of(args));
        for (int i = 0; i + 1 < list.size(); i += 2) {
            options.put(list.get(i), Integer.parseInt(list.get(i + 1).replace("_", "")));
        }
        return options;
    }
}
