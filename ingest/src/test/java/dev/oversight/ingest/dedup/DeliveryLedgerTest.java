package dev.oversight.ingest.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeliveryLedgerTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final DeliveryLedger ledger = new DeliveryLedger(Duration.ofHours(1), 3, now::get);

    private DeliveryLedger.Claim.Owned owned(String... keys) {
        DeliveryLedger.Claim claim = ledger.claim(List.of(keys));
        assertThat(claim).isInstanceOf(DeliveryLedger.Claim.Owned.class);
        return (DeliveryLedger.Claim.Owned) claim;
    }

    @Test
    void aCommittedKeyIsADuplicateFromThenOn() {
        DeliveryLedger.Claim.Owned first = owned("github:a");
        assertThat(first.fresh()).containsExactly("github:a");
        ledger.committed(first);
        DeliveryLedger.Claim.Owned again = owned("github:a");
        assertThat(again.fresh()).isEmpty();
        assertThat(again.duplicates()).containsExactly("github:a");
    }

    @Test
    void aReleasedKeyIsWrittenByTheNextDelivery() {
        DeliveryLedger.Claim.Owned first = owned("github:a");
        ledger.released(first);
        assertThat(owned("github:a").fresh()).containsExactly("github:a");
    }

    @Test
    void anIdenticalDeliveryInFlightMakesTheSecondWaitForTheFirstsOutcome() {
        DeliveryLedger.Claim.Owned first = owned("github:a");
        DeliveryLedger.Claim second = ledger.claim(List.of("github:a"));
        assertThat(second).isInstanceOf(DeliveryLedger.Claim.Busy.class);
        DeliveryLedger.Claim.Busy busy = (DeliveryLedger.Claim.Busy) second;
        assertThat(busy.settled()).isNotDone();
        ledger.committed(first);
        assertThat(busy.settled()).isDone();
        assertThat(owned("github:a").duplicates()).containsExactly("github:a");
    }

    @Test
    void keysRepeatedWithinOneClaimAreWrittenOnce() {
        DeliveryLedger.Claim.Owned claim = owned("cdevents:x", "cdevents:y", "cdevents:x");
        assertThat(claim.fresh()).containsExactly("cdevents:x", "cdevents:y");
        assertThat(claim.duplicates()).containsExactly("cdevents:x");
    }

    @Test
    void isBoundedByCountForgettingTheOldestFirst() {
        for (String key : List.of("a", "b", "c", "d")) {
            ledger.committed(owned(key));
            now.addAndGet(1000);
        }
        assertThat(ledger.size()).isEqualTo(3);
        assertThat(ledger.contains("a")).isFalse();
        assertThat(ledger.contains("d")).isTrue();
    }

    @Test
    void isBoundedByAge() {
        ledger.committed(owned("old"));
        now.addAndGet(Duration.ofMinutes(30).toMillis());
        ledger.committed(owned("recent"));
        now.addAndGet(Duration.ofMinutes(31).toMillis());
        assertThat(ledger.contains("old")).isFalse();
        assertThat(ledger.contains("recent")).isTrue();
        assertThat(owned("old").fresh()).containsExactly("old");
    }

    @Test
    void receiptsFromTheTopicCountButNotThoseOlderThanTheWindow() {
        ledger.remember("gitlab:u1", now.get() - 1000);
        ledger.remember("gitlab:u0", now.get() - Duration.ofHours(2).toMillis());
        assertThat(owned("gitlab:u1").duplicates()).containsExactly("gitlab:u1");
        assertThat(ledger.contains("gitlab:u0")).isFalse();
    }

    @Test
    void isNotLoadedUntilTheFollowerSaysSo() {
        assertThat(ledger.isLoaded()).isFalse();
        assertThat(ledger.loaded()).isNotDone();
        ledger.markLoaded();
        assertThat(ledger.loaded()).isDone();
    }
}
