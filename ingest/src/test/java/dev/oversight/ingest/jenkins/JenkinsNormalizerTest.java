package dev.oversight.ingest.jenkins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oversight.events.CiResult;
import dev.oversight.events.CiResult.CiConclusion;
import dev.oversight.events.CiResult.CiStatus;
import dev.oversight.ingest.MalformedPayloadException;
import dev.oversight.ingest.Normalized;
import dev.oversight.ingest.Payloads;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The Notification plugin's example (test resources jenkins/, see ORIGIN.md) and its phases and results. */
class JenkinsNormalizerTest {

    private static final Instant RECEIVED = Instant.parse("2026-11-24T08:00:00Z");

    private static ObjectNode example() {
        return Payloads.object("jenkins/notification-plugin-example.json");
    }

    private static CiResult result(ObjectNode body) {
        Normalized normalized = JenkinsNormalizer.normalize(JenkinsNormalizer.deliveryId(body), body, RECEIVED);
        Normalized.Accepted accepted = (Normalized.Accepted) normalized;
        assertThat(accepted.evidence()).hasSize(1);
        return (CiResult) accepted.evidence().get(0);
    }

    @Test
    void theExampleIsASuccessfulBuildOfItsCommit() {
        CiResult e = result(example());
        assertThat(e.repository()).isEqualTo("github:evgeny-goldin/asgard");
        assertThat(e.sha()).isEqualTo("c6d86dc654b12425e706bcf951adfe5a8627a517");
        assertThat(e.name()).isEqualTo("asgard");
        assertThat(e.system()).isEqualTo(CiResult.CiSystem.BUILD);
        assertThat(e.runId()).isEqualTo("asgard#18");
        assertThat(e.status()).isEqualTo(CiStatus.COMPLETED);
        assertThat(e.conclusion()).isEqualTo(CiConclusion.SUCCESS);
        assertThat(e.branch()).isEqualTo("master");
        assertThat(e.url()).isEqualTo("http://localhost:8080/job/asgard/18/");
        assertThat(e.deliveryId()).isEqualTo("http://localhost:8080/job/asgard/18/#COMPLETED");
        // The example carries no build.timestamp (older plugin versions do not send it).
        assertThat(e.occurredAt()).isEqualTo(RECEIVED);
    }

    @Test
    void eachPhaseIsTimedByTheTimeThePluginSends() {
        // The example predates build.timestamp; the plugin sends it today (BuildState.timestamp, epoch milliseconds:
        // the start on STARTED, start plus duration on COMPLETED). Added here, the only change.
        ObjectNode body = example();
        ObjectNode build = (ObjectNode) body.get("build");
        build.put("timestamp", 1572102686886L);
        assertThat(result(body).occurredAt()).isEqualTo(Instant.parse("2019-10-26T15:11:26.886Z"));
        build.put("phase", "STARTED").put("timestamp", 1572102684128L).remove("status");
        assertThat(result(body).occurredAt()).isEqualTo(Instant.parse("2019-10-26T15:11:24.128Z"));
    }

    @Test
    void aPhaseWithoutATimeIsTimedByItsReceipt() {
        // The plugin sends 0 for a queued build it has no queue time for; the commit is kept so it is not ignored.
        ObjectNode body = example();
        ((ObjectNode) body.get("build")).put("phase", "QUEUED").put("timestamp", 0).remove("status");
        assertThat(result(body).occurredAt()).isEqualTo(RECEIVED);
    }

    @Test
    void eachPhaseIsItsOwnDelivery() {
        ObjectNode body = example();
        ObjectNode build = (ObjectNode) body.get("build");
        build.put("phase", "STARTED").remove("status");
        CiResult started = result(body);
        assertThat(started.status()).isEqualTo(CiStatus.IN_PROGRESS);
        assertThat(started.conclusion()).isNull();
        assertThat(started.deliveryId()).isEqualTo("http://localhost:8080/job/asgard/18/#STARTED");
        build.put("phase", "FINALIZED").put("status", "FAILURE");
        CiResult finalized = result(body);
        assertThat(finalized.status()).isEqualTo(CiStatus.COMPLETED);
        assertThat(finalized.conclusion()).isEqualTo(CiConclusion.FAILURE);
        assertThat(finalized.deliveryId()).isEqualTo("http://localhost:8080/job/asgard/18/#FINALIZED");
    }

    @Test
    void jenkinsResults() {
        ObjectNode body = example();
        ObjectNode build = (ObjectNode) body.get("build");
        build.put("status", "UNSTABLE");
        assertThat(result(body).conclusion())
                .isEqualTo(CiConclusion.FAILURE);
        build.put("status", "ABORTED");
        assertThat(result(body).conclusion()).isEqualTo(CiConclusion.CANCELLED);
        build.put("status", "NOT_BUILT");
        assertThat(result(body).conclusion()).isEqualTo(CiConclusion.SKIPPED);
        build.put("status", "FAILURE");
        assertThat(result(body).conclusion()).isEqualTo(CiConclusion.FAILURE);
    }

    @Test
    void aGitLabCheckoutIsTheGitLabRepository() {
        ObjectNode body = example();
        ((ObjectNode) body.at("/build/scm")).put("url", "git@gitlab.example.com:platform/payments/api.git");
        assertThat(result(body).repository()).isEqualTo("gitlab:platform/payments/api");
        ((ObjectNode) body.at("/build/scm")).put("url", "https://git.example.com/scm/pay/api.git");
        assertThat(result(body).repository()).isEqualTo("https://git.example.com/scm/pay/api");
    }

    @Test
    void aQueuedBuildWithoutCommitIsIgnored() {
        ObjectNode body = example();
        ObjectNode build = (ObjectNode) body.get("build");
        build.put("phase", "QUEUED").remove("scm");
        assertThat(JenkinsNormalizer.normalize("d", body, RECEIVED))
                .isInstanceOfSatisfying(Normalized.Ignored.class, i -> assertThat(i.reason()).contains("no commit"));
    }

    @Test
    void saysWhatIsMissing() {
        ObjectNode noBuild = example();
        noBuild.remove("build");
        assertThatThrownBy(() -> JenkinsNormalizer.deliveryId(noBuild))
                .isInstanceOf(MalformedPayloadException.class).hasMessage("missing object build");
        ObjectNode unknownPhase = example();
        ((ObjectNode) unknownPhase.get("build")).put("phase", "EXPLODED");
        assertThatThrownBy(() -> JenkinsNormalizer.normalize("d", unknownPhase, RECEIVED))
                .hasMessage("unknown build.phase EXPLODED");
    }

    @Test
    void aCommitThatIsThereIsAFullSha() {
        for (String commit : new String[] {"", "c6d86dc", "c6d86dc654b12425e706bcf951adfe5a8627a51z"}) {
            ObjectNode body = example();
            ((ObjectNode) body.at("/build/scm")).put("commit", commit);
            assertThatThrownBy(() -> JenkinsNormalizer.normalize("d", body, RECEIVED)).as(commit)
                    .isInstanceOf(MalformedPayloadException.class)
                    .hasMessageStartingWith("field build.scm.commit is not a commit sha");
        }
    }

    @Test
    void aBuildTimeOutsideTheYears1970To9999IsRefused() {
        for (long millis : new long[] {999_999_999_999_999_999L, -5, 253_402_300_800_000L}) {
            ObjectNode body = example();
            ((ObjectNode) body.get("build")).put("timestamp", millis);
            assertThatThrownBy(() -> JenkinsNormalizer.normalize("d", body, RECEIVED)).as("%d", millis)
                    .isInstanceOf(MalformedPayloadException.class)
                    .hasMessageContaining("field build.timestamp is ")
                    .hasMessageContaining("a time outside the years 1970 to 9999");
        }
        ObjectNode huge = example();
        ((ObjectNode) huge.get("build")).put("timestamp", new java.math.BigInteger("99999999999999999999"));
        assertThatThrownBy(() -> JenkinsNormalizer.normalize("d", huge, RECEIVED))
                .hasMessageContaining("field build.timestamp is 99999999999999999999");
    }
}
