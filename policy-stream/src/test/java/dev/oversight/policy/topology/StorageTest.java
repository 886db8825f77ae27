package dev.oversight.policy.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.events.Evidence;
import dev.oversight.events.Verdict;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topology with its stores in memory (as the what-if replay runs it) decides exactly as with RocksDB (as
 * policy-stream runs it): every scenario story, every verdict, field for field (ledger links included).
 */
class StorageTest {

    @TempDir
    Path dir;

    private List<Verdict> run(Story story, Function<String, KeyValueBytesStoreSupplier> storage, Path stateDir) {
        List<Verdict> verdicts = new ArrayList<>();
        try (TopologyHarness harness = new TopologyHarness(story.parsedPolicy(), story.start(), stateDir, storage)) {
            for (Story.Phase phase : story.phases()) {
                for (Evidence e : phase.evidence()) {
                    harness.send(e);
                }
                if (!phase.advance().isZero()) {
                    harness.advance(phase.advance());
                }
            }
            harness.advance(Duration.ofDays(2));
            verdicts.addAll(harness.verdicts());
        }
        return verdicts;
    }

    @Test
    void inMemoryStoresGiveTheVerdictsRocksDbGivesInEveryStory() {
        int i = 0;
        int decided = 0;
        for (Story story : ScenarioStories.all()) {
            List<Verdict> rocks = run(story, Stores.ROCKSDB, dir.resolve("rocks-" + i));
            List<Verdict> memory = run(story, org.apache.kafka.streams.state.Stores::inMemoryKeyValueStore,
                    dir.resolve("memory-" + i++));
            assertThat(memory).as(story.name()).isEqualTo(rocks);
            decided += rocks.size();
        }
        assertThat(decided).as("verdicts compared").isGreaterThan(50);
    }
}
