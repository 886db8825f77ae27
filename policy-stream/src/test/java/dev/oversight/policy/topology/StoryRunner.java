package dev.oversight.policy.topology;

import dev.oversight.events.Evidence;
import dev.oversight.events.LastGood;
import dev.oversight.events.Verdict;
import dev.oversight.events.kafka.Topic;
import dev.oversight.events.kafka.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Delivers a {@link Story} to the production topology ({@link TopologyHarness}): phase after phase, each phase's
 * evidence in a given order, then the clock moved on as the phase says; what policy-stream said is read at each
 * checkpoint and at the end. Refuses a story whose phase could not all
 * arrive within the grace, and an order that breaks a topic's own order (the one thing Kafka guarantees).
 */
final class StoryRunner {

    /** The topics evidence reaches policy-stream on; Kafka keeps the order within each, not across them. */
    static final List<Topic<String, Evidence>> EVIDENCE_TOPICS = List.of(Topics.REVIEWS, Topics.CI, Topics.DEPLOYS);

    private StoryRunner() {}

    /** The story as it is written. */
    static StoryRun asWritten(Story story, Path stateDir) {
        return run(story, written(story), Duration.ZERO, stateDir);
    }

    /** Each phase's evidence in the order the story writes it. */
    static List<List<Evidence>> written(Story story) {
        return story.phases().stream().map(Story.Phase::evidence).toList();
    }

    /**
     * @param deliveries for each phase, the order its evidence reaches policy-stream
     * @param settle     how far the clock moves after the last phase, before the end is observed
     */
    static StoryRun run(Story story, List<List<Evidence>> deliveries, Duration settle, Path stateDir) {
        checkWithinGrace(story);
        checkTopicOrders(story, deliveries);
        List<Verdict> verdicts = new ArrayList<>();
        List<LastGood> lastGood = new ArrayList<>();
        Map<String, StoryRun.Observation> checkpoints = new LinkedHashMap<>();
        try (TopologyHarness harness = new TopologyHarness(story.parsedPolicy(), story.start(), stateDir)) {
            for (int i = 0; i < story.phases().size(); i++) {
                Story.Phase phase = story.phases().get(i);
                List<Evidence> delivery = deliveries.get(i);
                for (int delivered = 0; delivered <= delivery.size(); delivered++) {
                    verdicts.addAll(harness.verdicts());
                    lastGood.addAll(harness.lastGood());
                    for (Story.Checkpoint checkpoint : phase.checkpoints()) {
                        if (checkpoint.delivered() == delivered) {
                            checkpoints.put(checkpoint.name(), new StoryRun.Observation(verdicts, lastGood));
                        }
                    }
                    if (delivered < delivery.size()) {
                        harness.send(delivery.get(delivered));
                    }
                }
                if (!phase.advance().isZero()) {
                    harness.advance(phase.advance());
                }
            }
            if (!settle.isZero()) {
                harness.advance(settle);
            }
            verdicts.addAll(harness.verdicts());
            lastGood.addAll(harness.lastGood());
            return new StoryRun(story, checkpoints, new StoryRun.Observation(verdicts, lastGood), harness.registry);
        }
    }

    /**
     * A phase is evidence that may arrive in any order within the grace: its times must span less than the
     * shortest grace of the policy. Then whatever the order, a deploy of the phase is received no earlier than the
     * phase's first time (the clock follows the evidence) and the last evidence no later than its last time, so
     * all of it arrives before the deploy's grace ends.
     */
    static void checkWithinGrace(Story story) {
        Duration grace = story.grace();
        for (int i = 0; i < story.phases().size(); i++) {
            List<Evidence> evidence = story.phases().get(i).evidence();
            if (evidence.isEmpty()) {
                continue;
            }
            Instant first = evidence.stream().map(Evidence::occurredAt).min(Comparator.naturalOrder()).orElseThrow();
            Instant last = evidence.stream().map(Evidence::occurredAt).max(Comparator.naturalOrder()).orElseThrow();
            Duration span = Duration.between(first, last);
            if (span.compareTo(grace) >= 0) {
                throw new IllegalArgumentException(story.name() + ": phase " + (i + 1) + " spans " + span
                        + " from " + first + " to " + last + ", not less than the grace " + grace
                        + "; end the phase where the clock moves on");
            }
        }
    }

    /** Each delivery holds exactly its phase's evidence, and each topic's evidence in its written order. */
    static void checkTopicOrders(Story story, List<List<Evidence>> deliveries) {
        if (deliveries.size() != story.phases().size()) {
            throw new IllegalArgumentException(story.name() + ": " + deliveries.size() + " deliveries for "
                    + story.phases().size() + " phases");
        }
        for (int i = 0; i < deliveries.size(); i++) {
            List<Evidence> written = story.phases().get(i).evidence();
            List<Evidence> delivered = deliveries.get(i);
            Map<Evidence, Boolean> expected = new IdentityHashMap<>();
            written.forEach(e -> expected.put(e, true));
            boolean sameEvidence = delivered.size() == written.size()
                    && delivered.stream().allMatch(e -> expected.remove(e) != null);
            boolean topicOrdersKept = EVIDENCE_TOPICS.stream()
                    .allMatch(topic -> onTopic(written, topic).equals(onTopic(delivered, topic)));
            if (!sameEvidence || !topicOrdersKept) {
                throw new IllegalArgumentException(story.name() + ": phase " + (i + 1)
                        + " is not delivered as its evidence with each topic's order kept");
            }
        }
    }

    /** A phase's evidence on one topic, in the order given. */
    static List<Evidence> onTopic(List<Evidence> evidence, Topic<String, Evidence> topic) {
        return evidence.stream().filter(e -> Topics.forEvidence(e) == topic).toList();
    }
}
