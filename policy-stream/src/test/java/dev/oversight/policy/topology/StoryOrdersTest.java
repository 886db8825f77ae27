package dev.oversight.policy.topology;

import static dev.oversight.policy.topology.EvidenceScript.sha;
import static dev.oversight.policy.topology.ScenarioStories.ACME;
import static dev.oversight.policy.topology.ScenarioStories.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oversight.events.CiResult.CiConclusion;
import dev.oversight.events.Evidence;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The orders {@link OrderIndependenceTest} delivers stories in are the ones Kafka can produce, and the runner
 * refuses the others: a topic's own order broken, or a phase that could not all arrive within the grace.
 */
class StoryOrdersTest {

    private static final Path NO_STATE = Path.of("never-used");

    private final Evidence opened = ACME.opened(1, "alice", sha("h1"), T0.plusSeconds(1));
    private final Evidence approved = ACME.approved(1, "alice", "bob", sha("h1"), T0.plusSeconds(2));
    private final Evidence merged = ACME.merged(1, "alice", sha("h1"), sha("m1"), T0.plusSeconds(3));
    private final Evidence check = ACME.check(sha("m1"), "build", CiConclusion.SUCCESS, T0.plusSeconds(4));
    private final Evidence first = ACME.deployed(1, sha("m1"), "production", T0.plusSeconds(5));
    private final Evidence second = ACME.deployed(2, sha("m1"), "production", T0.plusSeconds(6));

    @Test
    void aRandomInterleavingKeepsEachTopicsOrderAndEveryInterleavingComesUp() {
        List<Evidence> phase = List.of(opened, approved, check, first);
        Set<List<Evidence>> seen = new HashSet<>();
        Random random = new Random(1);
        for (int i = 0; i < 500; i++) {
            List<Evidence> order = OrderIndependenceTest.interleave(phase, random);
            assertThat(order).containsExactlyInAnyOrderElementsOf(phase);
            assertThat(order.indexOf(opened)).isLessThan(order.indexOf(approved));
            seen.add(order);
        }
        assertThat(seen).as("4! / 2! interleavings of two reviews, a check and a deploy").hasSize(12);
    }

    @Test
    void aDeployIsMovedToEveryPositionBetweenTheDeploysBeforeAndAfterIt() {
        List<Evidence> phase = List.of(opened, first, approved, merged, second, check);
        assertThat(OrderIndependenceTest.deployAtEachPosition(phase, first)).containsExactlyInAnyOrder(
                List.of(first, opened, approved, merged, second, check),
                List.of(opened, approved, first, merged, second, check),
                List.of(opened, approved, merged, first, second, check));
        assertThat(OrderIndependenceTest.deployAtEachPosition(phase, second)).containsExactlyInAnyOrder(
                List.of(opened, first, second, approved, merged, check),
                List.of(opened, first, approved, second, merged, check),
                List.of(opened, first, approved, merged, check, second));
    }

    @Test
    void anOrderThatBreaksATopicsOwnOrderIsRefused() {
        Story story = Story.named("reviews swapped", ScenarioStories.POLICY, T0).send(opened, approved, first).build();
        assertThatThrownBy(() -> StoryRunner.run(story, List.of(List.of(approved, opened, first)),
                Duration.ZERO, NO_STATE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("each topic's order kept");
    }

    @Test
    void aPhaseThatCouldOutlastTheGraceIsRefused() {
        Story story = Story.named("slow phase", ScenarioStories.POLICY, T0)
                .send(opened, ACME.deployed(3, sha("m1"), "production", T0.plusSeconds(61))).build();
        assertThatThrownBy(() -> StoryRunner.asWritten(story, NO_STATE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not less than the grace PT1M");
    }
}
