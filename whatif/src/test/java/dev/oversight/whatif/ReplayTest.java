package dev.oversight.whatif;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.events.Actor;
import dev.oversight.events.ChangeEvent;
import dev.oversight.events.ChangeAction;
import dev.oversight.events.CiResult;
import dev.oversight.events.DeployEvent;
import dev.oversight.events.Evidence;
import dev.oversight.events.ReviewEvent;
import dev.oversight.events.ReviewState;
import dev.oversight.events.Source;
import dev.oversight.events.VerdictStatus;
import dev.oversight.events.kafka.Topic;
import dev.oversight.events.kafka.Topics;
import dev.oversight.policy.file.PolicyFile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The replay's clock is the records' timestamps: the same evidence, its check written within the deploy's grace or
 * after it, ends as it did live — compliant, or a violation remediated by the late check.
 */
class ReplayTest {

    private static final String REPO = "github:acme/app";
    private static final Instant T = Instant.parse("2026-11-10T10:00:00Z");
    private static final String HEAD = "a".repeat(40);
    private static final String MERGE = "b".repeat(40);

    private static History.Stored stored(Evidence e, Instant writtenAt) {
        String topic = Topics.forEvidence(e).name();
        return new History.Stored(topic, 0, 0, writtenAt.toEpochMilli(), REPO.getBytes(StandardCharsets.UTF_8),
                Topics.REVIEWS.valueSerde().serializer().serialize(topic, e));
    }

    private static Map<String, Outcome> replay(Instant checkWrittenAt, Instant end) {
        ChangeEvent opened = new ChangeEvent(Evidence.SCHEMA, Source.GITHUB, REPO, "d1", T.minusSeconds(600),
                ChangeAction.OPENED, REPO + "#1", 1, "Change", null, Actor.human("dev"), Actor.human("dev"), HEAD, null,
                "change-1", "main", null, null, List.of());
        ReviewEvent review = new ReviewEvent(Evidence.SCHEMA, Source.GITHUB, REPO, "d2", T.minusSeconds(500), REPO + "#1",
                1, "r1", Actor.human("reviewer"), ReviewState.APPROVED, HEAD, Actor.human("dev"), null);
        ChangeEvent merged = new ChangeEvent(Evidence.SCHEMA, Source.GITHUB, REPO, "d3", T.minusSeconds(400),
                ChangeAction.MERGED, REPO + "#1", 1, "Change", null, Actor.human("dev"), Actor.human("dev"), HEAD, null,
                "change-1", "main", MERGE, Actor.human("dev"), List.of());
        DeployEvent deploy = new DeployEvent(Evidence.SCHEMA, Source.GITHUB, REPO, "d4", T, REPO + "/deployments/1",
                "production", null, MERGE, "main", null, DeployEvent.DeployState.SUCCEEDED, Actor.human("deployer"),
                null, null, List.of(), null);
        CiResult check = new CiResult(Evidence.SCHEMA, Source.GITHUB, REPO, "d5", T.plusSeconds(20), MERGE, "build",
                CiResult.CiSystem.CHECK_RUN, "1", 1, CiResult.CiStatus.COMPLETED, CiResult.CiConclusion.SUCCESS, "main",
                null);
        try (Replay replay = new Replay(Topic::name, PolicyFile.defaultPolicy(), Duration.ofDays(30),
                T.minusSeconds(3_600))) {
            replay.accept(stored(opened, T.minusSeconds(600)));
            replay.accept(stored(review, T.minusSeconds(500)));
            replay.accept(stored(merged, T.minusSeconds(400)));
            replay.accept(stored(deploy, T));
            if (checkWrittenAt != null) {
                replay.accept(stored(check, checkWrittenAt));
            }
            assertThat(replay.deploys()).containsExactly(REPO + "/deployments/1");
            return replay.finish(end);
        }
    }

    @Test
    void aCheckWrittenWithinTheGraceMakesTheDeployCompliant() {
        Outcome outcome = replay(T.plusSeconds(30), T.plusSeconds(3_600)).get(REPO + "/deployments/1");
        assertThat(outcome.status()).isEqualTo(VerdictStatus.COMPLIANT);
        assertThat(outcome.flagged()).isFalse();
    }

    @Test
    void aCheckWrittenAfterTheGraceComesAfterTheViolationAndRemediatesIt() {
        Outcome outcome = replay(T.plusSeconds(90), T.plusSeconds(3_600)).get(REPO + "/deployments/1");
        assertThat(outcome.status()).isEqualTo(VerdictStatus.REMEDIATED);
        assertThat(outcome.flagged()).isTrue();
        assertThat(outcome.reasons()).contains("CI_MISSING");
    }

    @Test
    void beforeTheGraceEndsTheVerdictIsStillPending() {
        assertThat(replay(null, T.plusSeconds(30)).get(REPO + "/deployments/1").status())
                .isEqualTo(VerdictStatus.PENDING);
        assertThat(replay(null, T.plusSeconds(61)).get(REPO + "/deployments/1").status())
                .isEqualTo(VerdictStatus.VIOLATION);
    }
}
