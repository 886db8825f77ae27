package dev.oversight.policy.topology;

import dev.oversight.events.LastGood;
import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * What policy-stream said while a {@link Story} was delivered: at each named checkpoint and at the end.
 *
 * @param meters policy-stream's meters at the end of the story
 */
record StoryRun(Story story, Map<String, Observation> checkpoints, Observation end, SimpleMeterRegistry meters) {

    StoryRun {
        checkpoints = Map.copyOf(checkpoints);
    }

    Observation at(String checkpoint) {
        Observation observation = checkpoints.get(checkpoint);
        if (observation == null) {
            throw new NoSuchElementException(story.name() + " has no checkpoint '" + checkpoint + "'");
        }
        return observation;
    }

    /** Every verdict and last-good record policy-stream wrote up to a point of the story, in the order written. */
    record Observation(List<Verdict> verdicts, List<LastGood> lastGood) {

        Observation {
            verdicts = List.copyOf(verdicts);
            lastGood = List.copyOf(lastGood);
        }

        /** The latest verdict of a deploy. */
        Verdict lastOf(String deployId) {
            return verdicts.stream().filter(v -> v.deployId().equals(deployId)).reduce((a, b) -> b)
                    .orElseThrow(() -> new NoSuchElementException("no verdict for " + deployId));
        }

        /** Every status a deploy's verdicts went through, in order. */
        List<VerdictStatus> history(String deployId) {
            return verdicts.stream().filter(v -> v.deployId().equals(deployId)).map(Verdict::status).toList();
        }

        /** The verdicts written after an earlier point. */
        List<Verdict> verdictsSince(Observation earlier) {
            return verdicts.subList(earlier.verdicts.size(), verdicts.size());
        }

        /** The last-good records written after an earlier point. */
        List<LastGood> lastGoodSince(Observation earlier) {
            return lastGood.subList(earlier.lastGood.size(), lastGood.size());
        }
    }
}
