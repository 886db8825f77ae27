package dev.oversight.policy.topology;

import dev.oversight.events.Evidence;
import dev.oversight.policy.file.PolicyFile;
import dev.oversight.policy.rules.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A scenario as data: the evidence of a story about deploys, in the order it is written, cut into phases. A phase
 * is evidence delivered together, all of it within the grace period of the deploys it speaks of, followed by how
 * far the wall clock then moves on; phases are delivered one after the other. Within a phase, evidence may reach
 * policy-stream in any interleaving of its three topics, so a phase is what {@link OrderIndependenceTest} shuffles.
 * Checkpoints name points of the written order where the story's test looks at what policy-stream said so far.
 *
 * @param policy the policy file (YAML) the story is judged under
 * @param start  the wall clock when the story begins
 */
record Story(String name, String policy, Instant start, List<Phase> phases) {

    private static final Map<String, Policy> PARSED = new ConcurrentHashMap<>();

    Story {
        phases = List.copyOf(phases);
    }

    /**
     * @param evidence    delivered in this order when the story is run as written
     * @param advance     how far the wall clock moves once the evidence is delivered
     * @param checkpoints points within the phase, before the clock moves on
     */
    record Phase(List<Evidence> evidence, Duration advance, List<Checkpoint> checkpoints) {
        Phase {
            evidence = List.copyOf(evidence);
            checkpoints = List.copyOf(checkpoints);
        }
    }

    /** A point of a phase: when {@code delivered} of its evidence have reached policy-stream. */
    record Checkpoint(String name, int delivered) {}

    static Builder named(String name, String policy, Instant start) {
        return new Builder(name, policy, start);
    }

    /** The policy, read once for all stories and runs that share it (a policy is immutable). */
    Policy parsedPolicy() {
        return PARSED.computeIfAbsent(policy, yaml -> PolicyFile.parse(yaml, "the policy of " + name));
    }

    /** The shortest grace of the policy's protected environments: every phase must be delivered within it. */
    Duration grace() {
        return parsedPolicy().environments().values().stream().filter(Policy.EnvironmentPolicy::isProtected)
                .map(Policy.EnvironmentPolicy::grace).min(Duration::compareTo).orElse(Policy.DEFAULT_GRACE);
    }

    @Override
    public String toString() {
        return name;
    }

    /**
     * Writes a story the way a test drives {@link TopologyHarness}: {@link #send} adds evidence to the current phase
     * and moves the story's clock to its time (never backwards); {@link #advance} ends the phase with that much
     * time passing; {@link #checkpoint} marks the point reached.
     */
    static final class Builder {

        private final String name;
        private final String policy;
        private final Instant start;
        private final List<Phase> phases = new ArrayList<>();
        private final List<Evidence> current = new ArrayList<>();
        private final List<Checkpoint> checkpoints = new ArrayList<>();
        private final Set<String> names = new HashSet<>();
        private Instant now;

        private Builder(String name, String policy, Instant start) {
            this.name = name;
            this.policy = policy;
            this.start = start;
            this.now = start;
        }

        Builder send(Evidence... evidence) {
            for (Evidence e : evidence) {
                current.add(e);
                if (e.occurredAt().isAfter(now)) {
                    now = e.occurredAt();
                }
            }
            return this;
        }

        /** Ends the phase: its evidence is delivered, then the clock moves on by {@code duration}. */
        Builder advance(Duration duration) {
            phases.add(new Phase(current, duration, checkpoints));
            current.clear();
            checkpoints.clear();
            now = now.plus(duration);
            return this;
        }

        Builder advanceTo(Instant instant) {
            return instant.isAfter(now) ? advance(Duration.between(now, instant)) : this;
        }

        /** Names this point of the story, for its test to look at what policy-stream has said by then. */
        Builder checkpoint(String checkpoint) {
            if (!names.add(checkpoint)) {
                throw new IllegalArgumentException(name + " has two checkpoints '" + checkpoint + "'");
            }
            checkpoints.add(new Checkpoint(checkpoint, current.size()));
            return this;
        }

        /**
         * Ends the phase without the clock moving: what follows reaches policy-stream after all of it (as when the
         * evidence before is older than the grace of the deploys after).
         */
        Builder endPhase() {
            if (!current.isEmpty() || !checkpoints.isEmpty()) {
                advance(Duration.ZERO);
            }
            return this;
        }

        /** Where the story's clock stands: the latest evidence time or advance so far. */
        Instant now() {
            return now;
        }

        Story build() {
            endPhase();
            return new Story(name, policy, start, phases);
        }
    }
}
