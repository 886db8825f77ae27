package dev.oversight.whatif;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.events.ReasonCode;
import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ComparisonTest {

    private static final Instant T = Instant.parse("2026-11-10T10:00:00Z");
    private static final Scope SCOPE = new Scope(T.minus(Duration.ofDays(1)), T.plus(Duration.ofDays(1)),
            Duration.ofDays(30), null, null, null, null, 20);

    private static Verdict verdict(String deploy, int revision, VerdictStatus status, ReasonCode... reasons) {
        return new Verdict(Verdict.SCHEMA, Verdict.verdictId(deploy, revision), revision, deploy, "github:acme/app",
                "app", "production", "a".repeat(40), null, status,
                List.of(reasons).stream().map(r -> new Verdict.Reason(r, r.name())).toList(), List.of(), List.of(),
                null, T, T, "dev", "payments", null, null, List.of());
    }

    private static Map<String, Outcome> outcomes(Verdict... verdicts) {
        Outcome.Collector c = new Outcome.Collector();
        List.of(verdicts).forEach(c::add);
        return c.outcomes();
    }

    private static Comparison.Result compare(Map<String, Outcome> recorded, Map<String, Outcome> replayed) {
        return Comparison.compare(SCOPE, recorded, replayed, Set.of("d1", "d2", "d3"), (repo, at) -> null);
    }

    @Test
    void aRemediatedDeployWasAViolationSoAReplayWithoutOneFlipsToCompliant() {
        var result = compare(outcomes(verdict("d1", 1, VerdictStatus.PENDING, ReasonCode.NO_APPROVAL),
                        verdict("d1", 2, VerdictStatus.VIOLATION, ReasonCode.NO_APPROVAL),
                        verdict("d1", 3, VerdictStatus.REMEDIATED)),
                outcomes(verdict("d1", 1, VerdictStatus.COMPLIANT)));
        assertThat(result.flips()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Comparison.Kind.TO_COMPLIANT);
            assertThat(f.change()).isEqualTo("REMEDIATED→COMPLIANT");
            assertThat(f.removed()).containsExactly("NO_APPROVAL");
        });
        assertThat(result.byTeam().get("payments").toCompliant).isEqualTo(1);
        assertThat(result.byReason().get("NO_APPROVAL").removed).isEqualTo(1);
    }

    @Test
    void pendingReasonsAreProvisionalAndDoNotCount() {
        var result = compare(outcomes(verdict("d1", 1, VerdictStatus.PENDING, ReasonCode.CI_MISSING),
                        verdict("d1", 2, VerdictStatus.COMPLIANT)),
                outcomes(verdict("d1", 1, VerdictStatus.COMPLIANT)));
        assertThat(result.flips()).isEmpty();
        assertThat(result.equal()).isEqualTo(1);
    }

    @Test
    void aNewlyProtectedEnvironmentIsAStatusFlipFromNoneAndAViolationThereIsAFlipToViolation() {
        var result = compare(Map.of(), outcomes(verdict("d1", 1, VerdictStatus.COMPLIANT),
                verdict("d2", 1, VerdictStatus.VIOLATION, ReasonCode.SELF_APPROVAL)));
        assertThat(result.flips()).extracting(Comparison.Flip::kind, Comparison.Flip::change).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Comparison.Kind.TO_VIOLATION, "NONE→VIOLATION"),
                org.assertj.core.groups.Tuple.tuple(Comparison.Kind.STATUS, "NONE→COMPLIANT"));
        assertThat(result.anyToViolation()).isTrue();
    }

    @Test
    void incompleteEvidenceOrAVanishedDeployIsUnknownNeverEqual() {
        var recorded = outcomes(verdict("d1", 1, VerdictStatus.COMPLIANT), verdict("gone", 1, VerdictStatus.COMPLIANT));
        var replayed = outcomes(verdict("d1", 1, VerdictStatus.COMPLIANT));
        var result = Comparison.compare(SCOPE, recorded, replayed, Set.of("d1"),
                (repo, at) -> at.isBefore(T.minus(Duration.ofDays(10))) ? "retention" : null);
        assertThat(result.equal()).isEqualTo(1);
        assertThat(result.unknown()).singleElement().satisfies(u -> {
            assertThat(u.deploy().deployId()).isEqualTo("gone");
            assertThat(u.why()).contains("no longer on the deploys topic");
        });
        var allGone = Comparison.compare(SCOPE, recorded, replayed, Set.of("d1", "gone"), (repo, at) -> "retention");
        assertThat(allGone.unknown()).hasSize(2);
        assertThat(allGone.equal()).isZero();
    }

    @Test
    void deploysOutsideThePeriodOrFiltersAreNotCompared() {
        Scope staging = new Scope(SCOPE.from(), SCOPE.to(), Duration.ofDays(30), null, null, null, "staging", 20);
        var result = Comparison.compare(staging, outcomes(verdict("d1", 1, VerdictStatus.COMPLIANT)),
                outcomes(verdict("d1", 1, VerdictStatus.VIOLATION, ReasonCode.NO_APPROVAL)), Set.of("d1"),
                (repo, at) -> null);
        assertThat(result.compared()).isZero();
        assertThat(result.flips()).isEmpty();
    }

    @Test
    void aVerdictWrittenTwiceKeepsItsLatestRevision() {
        var o = outcomes(verdict("d1", 2, VerdictStatus.VIOLATION, ReasonCode.CI_FAILED),
                verdict("d1", 1, VerdictStatus.PENDING, ReasonCode.CI_FAILED)).get("d1");
        assertThat(o.status()).isEqualTo(VerdictStatus.VIOLATION);
        assertThat(o.flagged()).isTrue();
    }
}
