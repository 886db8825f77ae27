package dev.oversight.policy.topology;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.oversight.events.ArtifactEvent;
import dev.oversight.events.ChangeEvent;
import dev.oversight.events.CiResult;
import dev.oversight.events.DeployEvent;
import dev.oversight.events.Evidence;
import dev.oversight.events.LastGood;
import dev.oversight.events.PushEvent;
import dev.oversight.events.ReasonCode;
import dev.oversight.events.ReviewEvent;
import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import dev.oversight.events.kafka.Topics;
import dev.oversight.policy.rules.Policy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * A verdict says what happened, not when Oversight happened to hear about it. Kafka keeps the order of each topic
 * (per repository) but not across {@code oversight.reviews}, {@code oversight.ci} and {@code oversight.deploys}, so
 * the evidence of a story may reach policy-stream in any interleaving of the three. For every story of
 * {@link ScenarioStories}, each phase's evidence is delivered in other interleavings (each topic's own order kept,
 * all of it within the grace, as {@link StoryRunner} checks), and once the last grace has passed every deploy's final
 * verdict and every last-good record must be the ones of the story as written. Any interleaving that changes a
 * verdict is a defect. Two ways of choosing orders: {@link #SEEDS} random interleavings per story, and every position
 * of each deploy within its phase, the rest as written.
 *
 * <p>A failure names the story and the order, with both outcomes; {@code -Doversight.order.seed=N} replays seed N
 * alone.
 */
class OrderIndependenceTest {

    /** Random interleavings tried per story (seeds 1..SEEDS). */
    static final int SEEDS = 30;
    private static final String REPLAY_SEED = "oversight.order.seed";

    /** Built once, so both properties deliver the same evidence and share the runs of an order they both try. */
    private static final List<Story> STORIES = ScenarioStories.all();

    @TempDir(factory = MemoryBackedTempDir.class)
    static Path stateDirs;
    private static ExecutorService runners;
    /** What each story ends with in each order run so far (key: story and order), as written included. */
    private static final Map<String, Future<Outcome>> OUTCOMES = new ConcurrentHashMap<>();
    private static final AtomicInteger RUNS = new AtomicInteger();

    @BeforeAll
    static void startRunners() {
        runners = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    @AfterAll
    static void stopRunners() {
        runners.shutdownNow();
    }

    @TestFactory
    Stream<DynamicTest> everyInterleavingOfTheTopicsGivesTheSameVerdicts() {
        return properties(story -> {
            List<Trial> trials = new ArrayList<>();
            for (long seed : seeds()) {
                Random random = new Random(seed);
                trials.add(new Trial("seed " + seed + " (replay: -D" + REPLAY_SEED + "=" + seed + ")",
                        story.phases().stream().map(phase -> interleave(phase.evidence(), random)).toList()));
            }
            return trials;
        });
    }

    @TestFactory
    Stream<DynamicTest> aDeployAnywhereInItsPhaseGivesTheSameVerdicts() {
        return properties(story -> {
            List<Trial> trials = new ArrayList<>();
            List<List<Evidence>> written = StoryRunner.written(story);
            for (int p = 0; p < written.size(); p++) {
                List<Evidence> phase = written.get(p);
                for (Evidence deploy : StoryRunner.onTopic(phase, Topics.DEPLOYS)) {
                    for (List<Evidence> moved : deployAtEachPosition(phase, deploy)) {
                        List<List<Evidence>> deliveries = new ArrayList<>(written);
                        deliveries.set(p, moved);
                        trials.add(new Trial(label(deploy) + " at position " + (moved.indexOf(deploy) + 1)
                                + " of phase " + (p + 1), deliveries));
                    }
                }
            }
            return trials;
        });
    }

    /**
     * One test per story, checking the story's trials against the story as written. Every run is started at once,
     * so the runners never wait for a test to look at its results.
     */
    private static Stream<DynamicTest> properties(Function<Story, List<Trial>> trialsOf) {
        Map<Story, List<Trial>> trials = new LinkedHashMap<>();
        for (Story story : STORIES) {
            trials.put(story, trialsOf.apply(story));
            outcome(story, StoryRunner.written(story));
            trials.get(story).forEach(trial -> outcome(story, trial.deliveries()));
        }
        return trials.entrySet().stream()
                .map(entry -> dynamicTest(entry.getKey().name(), () -> check(entry.getKey(), entry.getValue())));
    }

    /** The seeds to try: 1..SEEDS, or the one to replay. */
    private static List<Long> seeds() {
        String replay = System.getProperty(REPLAY_SEED);
        if (replay != null && !replay.isBlank()) {
            return List.of(Long.parseLong(replay.trim()));
        }
        return IntStream.rangeClosed(1, SEEDS).mapToObj(i -> (long) i).toList();
    }

    /** One way of delivering a story: its name in a failure, and each phase's order. */
    private record Trial(String name, List<List<Evidence>> deliveries) {}

    /**
     * Runs the story as written and in every trial's order (in parallel; an order already run is not run again), and
     * fails listing every trial whose outcome differs, with the first one's order and verdicts beside the written.
     */
    private static void check(Story story, List<Trial> trials) throws Exception {
        List<List<Evidence>> written = StoryRunner.written(story);
        Future<Outcome> asWritten = outcome(story, written);
        List<Future<Outcome>> outcomes = trials.stream().map(trial -> outcome(story, trial.deliveries())).toList();
        Outcome reference = get(asWritten);
        List<String> failed = new ArrayList<>();
        Trial first = null;
        Outcome firstOutcome = null;
        for (int i = 0; i < trials.size(); i++) {
            Outcome outcome = get(outcomes.get(i));
            if (!outcome.equals(reference)) {
                failed.add(trials.get(i).name());
                if (first == null) {
                    first = trials.get(i);
                    firstOutcome = outcome;
                }
            }
        }
        if (first != null) {
            long distinct = trials.stream().map(trial -> orderKey(story, trial.deliveries())).distinct().count();
            fail(String.format(Locale.ROOT, "%s: %d of %d orders (%d distinct) change what policy-stream says.%n"
                            + "First: %s%n"
                            + "  delivered: %s%n"
                            + "  written:   %s%n"
                            + "%s"
                            + "All failing: %s",
                    story.name(), failed.size(), trials.size(), distinct, first.name(),
                    describe(first.deliveries()), describe(written), reference.differences(firstOutcome),
                    String.join(", ", failed)));
        }
    }

    /** What the story ends with when delivered so: run once per story and order. */
    private static Future<Outcome> outcome(Story story, List<List<Evidence>> deliveries) {
        return OUTCOMES.computeIfAbsent(story.name() + " " + orderKey(story, deliveries), key -> runners.submit(() -> {
            Path stateDir = stateDirs.resolve("run-" + RUNS.incrementAndGet());
            Duration settle = story.parsedPolicy().environments().values().stream()
                    .map(Policy.EnvironmentPolicy::grace).max(Duration::compareTo).orElse(Policy.DEFAULT_GRACE)
                    .plusSeconds(1);
            return Outcome.of(StoryRunner.run(story, deliveries, settle, stateDir).end());
        }));
    }

    private static Outcome get(Future<Outcome> future) throws Exception {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    // ---- orders -------------------------------------------------------------------------------------------------

    /**
     * A random interleaving of a phase's evidence across the three topics, each topic's own order kept: every
     * interleaving is equally likely (the next record comes from a topic in proportion to what it has left).
     */
    static List<Evidence> interleave(List<Evidence> phase, Random random) {
        List<Deque<Evidence>> topics = StoryRunner.EVIDENCE_TOPICS.stream()
                .map(topic -> (Deque<Evidence>) new ArrayDeque<>(StoryRunner.onTopic(phase, topic))).toList();
        List<Evidence> delivered = new ArrayList<>(phase.size());
        for (int left = phase.size(); left > 0; left--) {
            int pick = random.nextInt(left);
            for (Deque<Evidence> topic : topics) {
                if (pick < topic.size()) {
                    delivered.add(topic.poll());
                    break;
                }
                pick -= topic.size();
            }
        }
        return delivered;
    }

    /**
     * The phase with one deploy moved to every other position the deploys topic allows (after the deploy before it,
     * before the deploy after it), everything else as written.
     */
    static List<List<Evidence>> deployAtEachPosition(List<Evidence> phase, Evidence deploy) {
        List<Evidence> others = new ArrayList<>(phase);
        others.remove(deploy);
        List<Evidence> deploys = StoryRunner.onTopic(phase, Topics.DEPLOYS);
        int index = deploys.indexOf(deploy);
        int from = index == 0 ? 0 : others.indexOf(deploys.get(index - 1)) + 1;
        int to = index == deploys.size() - 1 ? others.size() : others.indexOf(deploys.get(index + 1));
        List<List<Evidence>> orders = new ArrayList<>();
        for (int position = from; position <= to; position++) {
            List<Evidence> order = new ArrayList<>(others);
            order.add(position, deploy);
            if (!order.equals(phase)) {
                orders.add(order);
            }
        }
        return orders;
    }

    /** Identifies an order by the written positions of what it delivers. */
    private static String orderKey(Story story, List<List<Evidence>> deliveries) {
        StringBuilder key = new StringBuilder();
        for (int p = 0; p < deliveries.size(); p++) {
            Map<Evidence, Integer> written = new IdentityHashMap<>();
            List<Evidence> phase = story.phases().get(p).evidence();
            for (int i = 0; i < phase.size(); i++) {
                written.put(phase.get(i), i);
            }
            key.append(deliveries.get(p).stream().map(e -> String.valueOf(written.get(e)))
                    .collect(Collectors.joining(",", "[", "]")));
        }
        return key.toString();
    }

    private static String describe(List<List<Evidence>> deliveries) {
        List<String> phases = new ArrayList<>();
        for (int p = 0; p < deliveries.size(); p++) {
            if (!deliveries.get(p).isEmpty()) {
                phases.add("(" + (p + 1) + ") " + deliveries.get(p).stream().map(OrderIndependenceTest::label)
                        .collect(Collectors.joining(" ")));
            }
        }
        return String.join(" | ", phases);
    }

    /** A few words for one piece of evidence; deploys and CI stand out, being on topics of their own. */
    static String label(Evidence evidence) {
        return evidence.accept(new Evidence.Visitor<>() {
            public String change(ChangeEvent e) {
                return e.action().name().toLowerCase(Locale.ROOT) + "#" + e.number() + "@" + shortSha(e.headSha());
            }

            public String review(ReviewEvent e) {
                return e.state().name().toLowerCase(Locale.ROOT) + "#" + e.number() + "(" + e.reviewer().login() + ")";
            }

            public String push(PushEvent e) {
                return "push(" + e.branch() + ":" + shortSha(e.before()) + ">" + shortSha(e.after()) + ")";
            }

            public String ci(CiResult e) {
                return "CI(" + e.name() + "=" + (e.conclusion() == null ? e.status() : e.conclusion()) + "/" + e.attempt()
                        + "@" + shortSha(e.sha()) + ")";
            }

            public String artifact(ArtifactEvent e) {
                return "ARTIFACT(" + e.artifactId() + ")";
            }

            public String deploy(DeployEvent e) {
                return "DEPLOY(" + e.deployId().substring(e.deployId().lastIndexOf('/') + 1) + ":" + e.environment()
                        + "@" + shortSha(e.sha()) + ")";
            }
        });
    }

    /** The evidence scripts spell a sha as the hex of a word: the word is shorter to read. Any other sha: 7 digits. */
    private static String shortSha(String sha) {
        if (sha == null) {
            return "-";
        }
        StringBuilder word = new StringBuilder();
        for (int i = 0; i + 1 < sha.length(); i += 2) {
            int c = Character.digit(sha.charAt(i), 16) * 16 + Character.digit(sha.charAt(i + 1), 16);
            if (c == 0) {
                return word.toString();
            }
            if (c < ' ' || c > '~') {
                break;
            }
            word.append((char) c);
        }
        return sha.length() > 7 ? sha.substring(0, 7) : sha;
    }

    // ---- outcomes -----------------------------------------------------------------------------------------------

    /**
     * What a story ends with: each deploy's final verdict and each service/environment's last-good record. Orders of
     * lists that carry no meaning (reasons, changes, approvers) are not compared; revision numbers are not either,
     * since how many verdicts led to the final one (PENDING first or not) does depend on arrival.
     */
    record Outcome(Map<String, FinalVerdict> verdicts, Map<String, Good> lastGood) {

        static Outcome of(StoryRun.Observation end) {
            Map<String, FinalVerdict> verdicts = new TreeMap<>();
            for (Verdict v : end.verdicts()) {
                verdicts.put(v.deployId(), FinalVerdict.of(v));
            }
            Map<String, Good> lastGood = new TreeMap<>();
            for (LastGood g : end.lastGood()) {
                if (g.deployId() == null) {
                    // A tombstone: the service has no rollback target there any more, as if none had been written.
                    lastGood.remove(LastGood.key(g.service(), g.environment()));
                } else {
                    lastGood.put(LastGood.key(g.service(), g.environment()),
                            new Good(g.deployId(), g.sha(), g.deployedAt()));
                }
            }
            return new Outcome(verdicts, lastGood);
        }

        /** Each deploy and last-good record that differs, as written and as delivered. */
        String differences(Outcome delivered) {
            return differences("deploy", verdicts, delivered.verdicts) + differences("last-good", lastGood,
                    delivered.lastGood);
        }

        private static <V> String differences(String what, Map<String, V> written, Map<String, V> delivered) {
            StringBuilder out = new StringBuilder();
            Stream.concat(written.keySet().stream(), delivered.keySet().stream()).distinct().sorted()
                    .filter(key -> !Objects.equals(written.get(key), delivered.get(key)))
                    .forEach(key -> out.append("  ").append(what).append(' ').append(key).append('\n')
                            .append("    as written:   ").append(Objects.toString(written.get(key), "none"))
                            .append('\n')
                            .append("    as delivered: ").append(Objects.toString(delivered.get(key), "none"))
                            .append('\n'));
            return out.toString();
        }
    }

    /** A deploy's final verdict, as far as arrival order must not change it. */
    record FinalVerdict(VerdictStatus status, List<ReasonCode> reasons, List<String> changes, String sha,
                        String previousSha, Map<String, List<String>> approvers) {

        static FinalVerdict of(Verdict v) {
            Map<String, List<String>> approvers = new TreeMap<>();
            v.changes().forEach(c -> approvers.put(c.id(), c.approvers().stream().sorted().toList()));
            return new FinalVerdict(v.status(), v.reasons().stream().map(Verdict.Reason::code).sorted().toList(),
                    v.changes().stream().map(Verdict.ChangeSummary::id).sorted().toList(), v.sha(), v.previousSha(),
                    approvers);
        }

        @Override
        public String toString() {
            return status + " " + reasons + " changes " + changes.stream().map(c -> c.substring(c.indexOf('#')))
                    .toList() + " sha " + shortSha(sha) + " previous " + shortSha(previousSha) + " approvers "
                    + approvers.entrySet().stream().map(e -> e.getKey().substring(e.getKey().indexOf('#')) + "="
                    + e.getValue()).toList();
        }
    }

    /** A last-good record, as far as arrival order must not change it (its verdict id carries a revision). */
    record Good(String deployId, String sha, Instant deployedAt) {
        @Override
        public String toString() {
            return deployId + " " + shortSha(sha) + " deployed " + deployedAt;
        }
    }
}
