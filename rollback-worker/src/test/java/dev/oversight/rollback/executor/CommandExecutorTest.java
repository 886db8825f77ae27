package dev.oversight.rollback.executor;

import dev.oversight.policy.rules.RollbackTarget;

import static dev.oversight.rollback.Fixtures.lastGood;
import static dev.oversight.rollback.Fixtures.sha;
import static dev.oversight.rollback.Fixtures.violation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oversight.rollback.delivery.DeliveryException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandExecutorTest {

    private static final Instant AT = Instant.parse("2026-11-24T10:00:00Z");

    @TempDir
    Path dir;

    private RollbackJob job(String script) throws Exception {
        Path file = Files.writeString(dir.resolve("rollback.sh"), "#!/bin/sh\n" + script + "\n");
        file.toFile().setExecutable(true);
        return new RollbackJob("v@2:rollback:command", violation("github:acme/batch", "batch", "production", 2,
                sha('b'), AT), lastGood("github:acme/batch", "batch", "production", 1, sha('a'), AT.minusSeconds(60)),
                new RollbackTarget.Command(List.of(file.toString(), "--fast")), AT);
    }

    private DeliveryException failure(CommandExecutor executor, RollbackJob job) {
        try {
            executor.execute(job);
        } catch (DeliveryException e) {
            return e;
        }
        throw new AssertionError("the command was taken for a success");
    }

    @Test
    void passesTheRollbackInItsEnvironmentAndNothingOfOversightsOwn() throws Exception {
        String out = new CommandExecutor(Duration.ofSeconds(30)).execute(job(
                "echo \"$1 $OVERSIGHT_SERVICE $OVERSIGHT_ENVIRONMENT $OVERSIGHT_BAD_SHA $OVERSIGHT_GOOD_SHA "
                        + "$OVERSIGHT_IDEMPOTENCY_KEY\"; env | grep -c '^OVERSIGHT_'"));
        assertThat(out).isEqualTo("exit 0: --fast batch production " + sha('b') + " " + sha('a')
                + " v@2:rollback:command 9");
    }

    @Test
    void exit75AsksForARetryAndAnyOtherFailureIsFinal() throws Exception {
        CommandExecutor executor = new CommandExecutor(Duration.ofSeconds(30));
        DeliveryException later = failure(executor, job("echo busy; exit 75"));
        assertThat(later.kind()).isEqualTo(DeliveryException.Kind.RETRIABLE);
        assertThat(later.getMessage()).isEqualTo("exit 75: busy");
        DeliveryException refused = failure(executor, job("echo no such release >&2; exit 3"));
        assertThat(refused.kind()).isEqualTo(DeliveryException.Kind.FATAL);
        assertThat(refused.getMessage()).isEqualTo("exit 3: no such release");
    }

    @Test
    void aCommandThatOutlivesItsTimeoutIsKilledAndItsOutcomeIsUnknown() throws Exception {
        DeliveryException slow = failure(new CommandExecutor(Duration.ofMillis(500)), job("echo started; exec sleep 30"));
        assertThat(slow.kind()).isEqualTo(DeliveryException.Kind.UNKNOWN_OUTCOME);
        assertThat(slow.getMessage()).contains("killed").endsWith("Output: started");
    }

    @Test
    void describesTheCommandLineAndTheVariablesItWouldRun() throws Exception {
        RollbackJob job = job("true");
        var described = new CommandExecutor(Duration.ofSeconds(1)).describe(job);
        assertThat(described.method()).isEqualTo("exec");
        assertThat(described.url()).isEqualTo(dir.resolve("rollback.sh") + " --fast");
        assertThat(described.body()).contains("\"OVERSIGHT_GOOD_SHA\":\"" + sha('a') + "\"");
    }
}
