package dev.oversight.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.events.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How facts are cut into Kafka transactions. */
class BackfillTest {

    private static Fact fact(String type, int n) {
        return new Fact(type, "backfill:acme/ledger:" + type + ":" + n, Instant.EPOCH.plusSeconds(n),
                Json.mapper().createObjectNode(), null);
    }

    @Test
    void eachDeployStartsATransactionOfItsOwnSoItsEvidenceIsCommittedFirst() {
        List<Fact> facts = List.of(fact("push", 1), fact("Merge Request Hook", 2), fact("deployment", 3),
                fact("deployment_status", 4), fact("push", 5), fact("Deployment Hook", 6), fact("push", 7));

        assertThat(Backfill.batches(facts)).extracting(batch -> batch.stream().map(Fact::eventType).toList())
                .containsExactly(List.of("push", "Merge Request Hook"),
                        List.of("deployment", "deployment_status", "push"),
                        List.of("Deployment Hook", "push"));
    }

    @Test
    void noTransactionHoldsMoreThanABatch() {
        List<Fact> facts = new ArrayList<>();
        for (int i = 0; i < Backfill.BATCH * 2 + 1; i++) {
            facts.add(fact("push", i));
        }
        assertThat(Backfill.batches(facts)).extracting(List::size)
                .containsExactly(Backfill.BATCH, Backfill.BATCH, 1);
    }
}
