package dev.oversight.report.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The sample, over many generated populations: the documented draw, whatever the order of the rows. */
class SamplerTest {

    @Test
    void theSampleIsTheDeploysWithTheSmallestKeysInAnyOrderOfTheRows() {
        Random random = new Random(2026);
        for (int round = 0; round < 200; round++) {
            int size = random.nextInt(60);
            int n = random.nextInt(12);
            long seed = random.nextLong();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                ids.add("github:acme/svc" + random.nextInt(5) + "/deployments/" + random.nextInt(1_000_000) + "-" + i);
            }
            Sampler keys = new Sampler(seed, 0);
            List<String> expected = ids.stream().sorted(Comparator.comparing(keys::key)).limit(n).sorted().toList();
            List<String> shuffled = new ArrayList<>(ids);
            Collections.shuffle(shuffled, random);
            assertThat(sample(seed, n, ids)).containsExactlyInAnyOrderElementsOf(expected)
                    .isEqualTo(ids.stream().filter(expected::contains).toList());
            assertThat(sample(seed, n, shuffled)).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void aKeyIsTheSha256OfSeedColonDeployId() {
        // printf '%s' '42:github:acme/payments/deployments/1001' | sha256sum
        assertThat(new Sampler(42, 1).key("github:acme/payments/deployments/1001"))
                .isEqualTo("5109cf796806f850d930b9d2876e4ca11a3825e1a7900d25d6c6edce586811e0");
    }

    private static List<String> sample(long seed, int n, List<String> ids) {
        Sampler sampler = new Sampler(seed, n);
        ids.forEach(sampler::offer);
        return sampler.sample().stream().map(Sampler.Pick::deployId).toList();
    }
}
