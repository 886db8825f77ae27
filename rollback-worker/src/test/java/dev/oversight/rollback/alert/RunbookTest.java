package dev.oversight.rollback.alert;

import static dev.oversight.rollback.Fixtures.sha;
import static dev.oversight.rollback.Fixtures.violation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oversight.events.Verdict;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RunbookTest {

    private final Verdict bad = violation("github:acme/payments", "payments service", "production", 7, sha('b'),
            Instant.parse("2026-11-24T10:00:00Z"));

    @Test
    void fillsInWhatTheAlertIsAboutUrlEncoded() {
        Runbook runbook = Runbook.parse("https://wiki.example/runbooks/oversight/{alertname}?reason={reason}"
                + "&service={service}&env={environment}");
        assertThat(runbook.link(Alert.trigger("id", bad, null))).contains("https://wiki.example/runbooks/oversight/"
                + "UnreviewedDeploy?reason=self_approval&service=payments%20service&env=production");
        assertThat(runbook.link(Alert.notice("id", bad, new Alert.Notice("github", true, "ROLLBACK_FAILED"), null)))
                .contains("https://wiki.example/runbooks/oversight/RollbackNotDone?reason=rollback_failed"
                        + "&service=payments%20service&env=production");
    }

    @Test
    void aUrlWithoutPlaceholdersIsTheSameLinkForEveryAlert() {
        assertThat(Runbook.parse("https://wiki.example/oversight").link(Alert.trigger("id", bad, null)))
                .contains("https://wiki.example/oversight");
        assertThat(Runbook.NONE.link(Alert.trigger("id", bad, null))).isEmpty();
    }

    @Test
    void refusesAnUnknownPlaceholderAndWhatIsNotAnHttpUrl() {
        assertThatThrownBy(() -> Runbook.parse("https://wiki.example/{team}"))
                .hasMessage("{team} is not a placeholder; use {reason}, {alertname}, {service} or {environment}");
        assertThatThrownBy(() -> Runbook.parse("wiki.example/{reason}"))
                .hasMessage("must be an http:// or https:// URL");
        assertThatThrownBy(() -> Runbook.parse("https://wiki example/{reason}")).hasMessageStartingWith("not a URL");
    }
}
